using Hoist.Bench.Measure;
using Hoist.Bench.Report;

namespace Hoist.Bench.Runs;

/// <summary>A step of the sweep that did not run, and why.</summary>
internal sealed record SweepSkip(long Size, int Concurrency, string Reason);

/// <summary>
/// How cost grows: Hoist on S3 at each file size x uploads at once. Each step is one client process
/// uploading <c>files</c> copies of a random file, <c>concurrency</c> at a time, to a fresh Hoist
/// server (so its VmHWM is the step's peak). A step uploads at least <c>minBytes</c> (small files:
/// many of them, at most <c>maxFiles</c>) and at least one file per upload at once; steps whose data
/// exceed <c>budget</c> or half of the OSD's free space are skipped and listed. Every step's objects
/// are deleted before the next.
/// </summary>
internal static class SweepRun
{
    public static async Task RunAsync(BenchContext context, BenchResults results, IReadOnlyList<long> sizes, IReadOnlyList<int> concurrencies,
        long budget, long minBytes, int maxFiles, int runs)
    {
        Console.WriteLine($"\n== sweep: Hoist at {string.Join(", ", sizes.Select(Sizes.Label))} x {string.Join(", ", concurrencies)} uploads at once, " +
            $"{runs} run(s) per step, budget {Sizes.Label(budget)} per step ==");
        results.SweepBudget = budget;
        foreach (var size in sizes.Order())
        {
            foreach (var concurrency in concurrencies.Order())
            {
                var files = (int)Math.Max(concurrency, Math.Min(maxFiles, (minBytes + size - 1) / size));
                var total = files * size;
                if (await WhyNotAsync(context, size, files, total, budget) is { } reason)
                {
                    Console.WriteLine($"  skipped {Sizes.Label(size)} x {concurrency}: {reason}");
                    results.Skipped.Add(new SweepSkip(size, concurrency, reason));
                    continue;
                }
                var file = context.RandomFile(size, $"random-{size}.bin");
                string[] input = ["--file", file, "--copies", BenchContext.Str(files)];
                var config = $"sweep-{Sizes.Label(size).Replace(" ", "", StringComparison.Ordinal)}-x{concurrency}";
                for (var round = 1; round <= runs; round++)
                {
                    await using var servers = new ServerPool(perRun: true);
                    var record = await Configurations.HoistS3Async(context, servers, config, round, total,
                        server => context.HoistManyClientAsync(server, input, concurrency));
                    results.AddSweep(record with { Concurrency = concurrency });
                    await context.CleanS3Async();
                }
            }
        }
    }

    private static async Task<string?> WhyNotAsync(BenchContext context, long size, int files, long total, long budget)
    {
        if (total > budget)
        {
            return $"{files} x {Sizes.Label(size)} = {Sizes.Label(total)} is over the budget of {Sizes.Label(budget)} (--sweep-budget)";
        }
        if (await CephTools.OsdAvailableBytesAsync(context.CephConf) is { } free && total > free / 2)
        {
            return $"{Sizes.Label(total)} is more than half of the {free / (double)Sizes.GiB:F1} GiB the OSD has free";
        }
        var disk = new DriveInfo(context.WorkDir).AvailableFreeSpace;
        return !File.Exists(Path.Combine(context.WorkDir, $"random-{size}.bin")) && size + Sizes.GiB > disk
            ? $"the work folder has {disk / (double)Sizes.GiB:F1} GiB free, too little for a {Sizes.Label(size)} file"
            : null;
    }
}
