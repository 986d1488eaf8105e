using System.Globalization;
using Hoist.Bench.Measure;
using Hoist.Bench.Report;
using Hoist.Testing;

namespace Hoist.Bench.Runs;

/// <summary>The orchestrator: the modes bench/run.sh asks for, interleaved rounds, the summary and the results file.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        ProcStat.ClockTicks = args.Int("clk-tck", 100);
        var workDir = Directory.CreateDirectory(args.Optional("work") ?? Path.Combine(Path.GetTempPath(), "hoist-bench")).FullName;
        var resultsDir = Directory.CreateDirectory(args.Required("results")).FullName;
        var runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var cephState = args.Optional("ceph-state");
        var conf = cephState is null ? null : Path.Combine(cephState, "ceph.conf");
        var hasS3 = Environment.GetEnvironmentVariable("Hoist__Storage__S3__ServiceUrl") is not null;
        var context = new BenchContext
        {
            ServerDll = Path.GetFullPath(args.Required("server-dll")),
            TusDir = Path.GetFullPath(args.Required("tus-dir")),
            WorkDir = workDir,
            LogPath = Path.Combine(workDir, $"run-{runId}.log"),
            RunId = runId,
            S3 = hasS3 ? S3TestSettings.FromEnvironment() : null,
            CephConf = conf,
            RgwPid = conf is null ? null : ProcStat.PidFromFile(Path.Combine(cephState!, "run", "client.rgw.hoist.pid"), conf),
            OsdPid = conf is null ? null : ProcStat.PidFromFile(Path.Combine(cephState!, "run", "osd.0.pid"), conf),
            MonPid = conf is null ? null : ProcStat.PidFromFile(Path.Combine(cephState!, "run", "mon.a.pid"), conf),
            Parallel = args.Int("parallel", 4),
            PartSize = args.Size("part-size", 8 * Sizes.MiB),
            DirectMode = args.Optional("direct-mode") ?? "presigned",
            WarmUpSize = args.Size("warm-up", 24 * Sizes.MiB),
            ServerEnvironment = ParseEnvironment(args.Optional("server-env")),
            AllowUnverified = args.Flag("allow-unverified"),
        };
        var size = args.Size("size", Sizes.GiB);
        var runs = args.Int("runs", 3);
        var perRun = args.Flag("server-per-run");
        var results = new BenchResults(context, size, runs, perRun, args.Optional("note"));
        Console.WriteLine($"Hoist bench {runId}: {Sizes.Label(size)}, {runs} runs each, work {workDir}, log {context.LogPath}");
        Console.WriteLine($"machine: {results.Machine}");
        if (context.ServerEnvironment.Count > 0)
        {
            Console.WriteLine($"Hoist server extra environment: {string.Join(' ', context.ServerEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
        try
        {
            if (args.Flag("compare"))
            {
                var only = (args.Optional("only") ?? "direct,direct-transfer-utility,hoist,hoist-direct,tus-stream,tus-chunked").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                await using var servers = new ServerPool(perRun);
                await CompareAsync(context, servers, results, size, runs, only);
            }
            if (args.Flag("small") || args.Optional("small-files") is not null)
            {
                await SmallFilesRun.RunAsync(context, results, args.Int("small-files", 2000), args.Size("small-size", 64 * 1024),
                    args.Int("small-concurrency", 16), runs, perRun);
            }
            if (args.Flag("fs"))
            {
                await FileSystemRun.RunAsync(context, results, size, runs);
            }
            if (args.Flag("page") || args.Flag("page-direct"))
            {
                await PageRun.RunAsync(context, results, size, runs,
                    args.Optional("page-store") is "fs" or "FileSystem" ? "FileSystem" : "S3", args.Flag("page-direct"), args.Flag("page-profile"));
            }
            if (args.Flag("load"))
            {
                results.Load = await LoadRun.RunAsync(context, args.Int("load-files", 50), args.Size("load-size", 20 * Sizes.MiB), args.Int("load-concurrency", 8));
            }
            // Last: the sweep stores and deletes gigabytes, and Ceph works on the deletions for minutes
            // after (load 28 on 2 cores), which slowed every run that came after it.
            if (args.Flag("sweep") || args.Optional("sweep-sizes") is not null || args.Optional("sweep-concurrency") is not null)
            {
                await SweepRun.RunAsync(context, results,
                    List(args.Optional("sweep-sizes") ?? "64K,1M,64M,1G,4G").Select(Sizes.Parse).ToList(),
                    List(args.Optional("sweep-concurrency") ?? "1,8,50").Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList(),
                    args.Size("sweep-budget", 16 * Sizes.GiB), args.Size("sweep-min-bytes", 256 * Sizes.MiB), args.Int("sweep-max-files", 2000),
                    args.Int("sweep-runs", 1));
            }
        }
        finally
        {
            await context.CleanS3Async();
            var path = Path.Combine(resultsDir, $"bench-{runId}.json");
            await results.WriteAsync(path);
            Console.WriteLine();
            Console.WriteLine(results.Render());
            Console.WriteLine($"results: {path}");
        }
        return 0;
    }

    private static async Task CompareAsync(BenchContext context, ServerPool servers, BenchResults results, long size, int runs, string[] only)
    {
        var file = context.RandomFile(size, $"random-{size}.bin");
        Console.WriteLine($"\n== S3: {string.Join(' ', only)} interleaved, {runs} rounds, {Sizes.Label(size)} ==");
        for (var round = 1; round <= runs; round++)
        {
            foreach (var config in only)
            {
                var record = config switch
                {
                    _ when Configurations.IsDirect(config) => await Configurations.DirectAsync(context, config, round, file),
                    Configurations.Hoist => await Configurations.HoistS3Async(context, servers, config, round, file),
                    Configurations.HoistDirect => await Configurations.HoistDirectAsync(context, servers, config, round, file),
                    Configurations.TusStreaming => await Configurations.TusAsync(context, servers, config, round, file, "Infinity"),
                    Configurations.TusChunked => await Configurations.TusAsync(context, servers, config, round, file, BenchContext.Str(8 * Sizes.MiB)),
                    _ => throw new BenchArgsException($"Unknown configuration '{config}' (direct, direct-MODE, hoist, hoist-direct, tus-stream, tus-chunked)."),
                };
                results.Add(record);
                await context.CleanS3Async();
            }
        }
    }

    private static string[] List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Dictionary<string, string> ParseEnvironment(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
}
