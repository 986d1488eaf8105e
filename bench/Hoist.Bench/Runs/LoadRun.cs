using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Hoist.Bench.Clients;
using Hoist.Bench.Measure;
using Hoist.Client;

namespace Hoist.Bench.Runs;

/// <summary>What the many-uploads run found.</summary>
internal sealed record LoadResult(
    int Files, long FileSize, int Concurrency, int Parallelism, int Completed, int Verified, int Retries, IReadOnlyList<string> Errors,
    double WallSeconds, double ServerCpuSeconds, double? RgwCpuSeconds, double? OsdCpuSeconds, long ServerPeakRssBytes, long ServerSampledPeakRssBytes,
    double P50UploadSeconds, double MaxUploadSeconds, double LoadBefore, double LoadAfter)
{
    public double MiBPerSecond => Completed * FileSize / (double)Sizes.MiB / WallSeconds;
}

/// <summary>
/// Many files through one Hoist server at once (50 x 20 MiB, 8 uploads at a time, each with 4
/// parts in flight): all must complete, and each object is downloaded back and its SHA-256
/// compared with the file's.
/// </summary>
internal static class LoadRun
{
    public static async Task<LoadResult> RunAsync(BenchContext context, int files, long fileSize, int concurrency)
    {
        Console.WriteLine($"\n== load: {files} files of {Sizes.Label(fileSize)}, {concurrency} at a time, {context.Parallel} parts in flight each ==");
        var paths = context.RandomFiles(files, fileSize, "load");
        var folder = Path.GetDirectoryName(paths[0])!;
        var expected = paths.ToDictionary(p => p, p => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p))));

        await using var server = await context.StartHoistAsync(context.HoistServerEnvironment("S3", $"{context.KeyPrefix}load/"));
        await Configurations.WarmUpHoistAsync(context, server);
        using var http = HoistUpload.CreateHttpClient(server.Url);
        var client = new HoistClient(http, new HoistClientOptions { Parallelism = context.Parallel });

        var errors = new ConcurrentBag<string>();
        var uploaded = new ConcurrentDictionary<string, UploadResult>();
        var durations = new ConcurrentBag<double>();
        var load0 = ProcStat.LoadAverage();
        var (server0, rgw0, osd0) = (ProcStat.CpuSeconds(server.Pid), Cpu(context.RgwPid), Cpu(context.OsdPid));
        var sampler = new RssSampler(server.Pid);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (path, token) =>
        {
            var one = Stopwatch.StartNew();
            try
            {
                uploaded[path] = await client.UploadFileAsync(path, cancellationToken: token);
                durations.Add(one.Elapsed.TotalSeconds);
            }
            catch (Exception e) when (e is HoistApiException or HoistIntegrityException or HttpRequestException or IOException or InvalidOperationException)
            {
                errors.Add($"{Path.GetFileName(path)}: {e.GetType().Name}: {e.Message}");
            }
        });
        var wall = clock.Elapsed.TotalSeconds;
        await sampler.DisposeAsync();
        var serverCpu = ProcStat.CpuSeconds(server.Pid) - server0;
        var (rgw, osd) = (Cpu(context.RgwPid) - rgw0, Cpu(context.OsdPid) - osd0);
        var peak = ProcStat.StatusBytes(server.Pid, "VmHWM");
        var load1 = ProcStat.LoadAverage();

        // The bytes stored, read back through the server's download route and hashed.
        var verified = 0;
        foreach (var (path, upload) in uploaded)
        {
            await using var stream = await client.OpenReadAsync(upload.Key);
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
            if (actual == expected[path])
            {
                verified++;
            }
            else
            {
                errors.Add($"{Path.GetFileName(path)}: stored SHA-256 {actual} is not the file's {expected[path]}");
            }
        }
        await context.CleanS3Async();
        Directory.Delete(folder, recursive: true);
        var sorted = durations.Order().ToList();
        var result = new LoadResult(files, fileSize, concurrency, context.Parallel, uploaded.Count, verified, uploaded.Values.Sum(u => u.Retries), [.. errors],
            wall, serverCpu, rgw, osd, peak, sampler.PeakBytes,
            sorted.Count > 0 ? sorted[sorted.Count / 2] : double.NaN, sorted.Count > 0 ? sorted[^1] : double.NaN, load0, load1);
        Console.WriteLine($"  {result.Completed}/{files} completed, {verified} verified, {errors.Count} errors, {result.MiBPerSecond:F1} MiB/s");
        return result;
    }

    private static double? Cpu(int? pid) => pid is { } p ? ProcStat.CpuSeconds(p) : null;
}
