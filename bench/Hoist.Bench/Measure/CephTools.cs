using System.Diagnostics;
using System.Text.Json;

namespace Hoist.Bench.Measure;

/// <summary>Ceph's command-line tools on the benchmark's cluster (its ceph.conf, from bench/run.sh).</summary>
internal static class CephTools
{
    /// <summary>Runs <paramref name="tool"/> -c <paramref name="cephConf"/> ARGS and answers its output (null when it could not run in 2 minutes).</summary>
    public static async Task<string?> RunAsync(string tool, string cephConf, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", cephConf }.Concat(arguments))
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start);
        if (process is null)
        {
            return null;
        }
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(limit.Token);
            await Task.WhenAll(output, process.StandardError.ReadToEndAsync(limit.Token), process.WaitForExitAsync(limit.Token));
            return process.ExitCode == 0 ? await output : null;
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            return null;
        }
    }

    /// <summary>
    /// The OSD's free bytes (osd.0's stat_bytes_avail from its admin socket: the cluster has no mgr,
    /// so <c>ceph df</c> answers zeros); null when unknown.
    /// </summary>
    public static async Task<long?> OsdAvailableBytesAsync(string? cephConf)
    {
        if (string.IsNullOrEmpty(cephConf) || await RunAsync("ceph", cephConf, "daemon", "osd.0", "perf", "dump") is not { } json)
        {
            return null;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("osd", out var osd) && osd.TryGetProperty("stat_bytes_avail", out var avail) ? avail.GetInt64() : null;
    }
}
