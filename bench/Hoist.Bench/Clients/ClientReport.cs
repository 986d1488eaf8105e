using System.Text.Json;
using System.Text.Json.Serialization;
using Hoist.Bench.Measure;

namespace Hoist.Bench.Clients;

/// <summary>What a client process prints as its last line: the upload's wall time and its own CPU during it.</summary>
internal sealed record ClientReport(long Bytes, double WallSeconds, double CpuSeconds)
{
    public string? Key { get; init; }
    public string? ChecksumSha256 { get; init; }
    public string? Detail { get; init; }
    /// <summary>How many files the client uploaded (the many-uploads clients).</summary>
    public int? Files { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <summary>Runs <paramref name="upload"/> and prints its report, timing only the upload (not the process start).</summary>
    public static async Task<int> MeasureAsync(long bytes, Func<Task<ClientReport?>> upload)
    {
        var cpu = ProcStat.CpuSeconds(Environment.ProcessId);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var extra = await upload();
        var wall = clock.Elapsed.TotalSeconds;
        var report = (extra ?? new ClientReport(bytes, 0, 0)) with
        {
            Bytes = bytes,
            WallSeconds = wall,
            CpuSeconds = ProcStat.CpuSeconds(Environment.ProcessId) - cpu,
        };
        Console.WriteLine(JsonSerializer.Serialize(report, Json));
        return 0;
    }
}
