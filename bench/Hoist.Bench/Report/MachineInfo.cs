using System.Globalization;

namespace Hoist.Bench.Report;

internal static class MachineInfo
{
    /// <summary>"2 cores, AMD EPYC, 23.4 GiB RAM": nproc, the CPU model, MemTotal.</summary>
    public static string Describe()
    {
        var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var gib = long.Parse(memKb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {model}, {gib:F1} GiB RAM, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
    }
}
