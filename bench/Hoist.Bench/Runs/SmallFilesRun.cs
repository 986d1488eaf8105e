using Hoist.Bench.Report;

namespace Hoist.Bench.Runs;

/// <summary>
/// Small files (default 2,000 of 64 KiB, 16 at a time) on S3, interleaved rounds of: direct
/// PutObject with the AWS SDK for .NET; one Hoist server (create + one PUT that completes, see
/// docs/api.md); @tus/server (tus-js-client, creation-with-upload: one POST per file). What
/// counts is files per second and the server's CPU per file.
/// </summary>
internal static class SmallFilesRun
{
    public const string Direct = "small-direct";
    public const string Hoist = "small-hoist";
    public const string Tus = "small-tus";

    public static async Task RunAsync(BenchContext context, BenchResults results, int count, long size, int concurrency, int runs, bool perRun)
    {
        Console.WriteLine($"\n== small files: {count} x {Sizes.Label(size)}, {concurrency} at a time; {Direct} {Hoist} {Tus} interleaved, {runs} rounds ==");
        var folder = Path.GetDirectoryName(context.RandomFiles(count, size, $"small-{size}-{count}")[0])!;
        string[] input = ["--dir", folder];
        await using var servers = new ServerPool(perRun);
        var bytes = count * size;
        for (var round = 1; round <= runs; round++)
        {
            foreach (var config in new[] { Direct, Hoist, Tus })
            {
                var record = config switch
                {
                    Direct => await context.MeasureAsync(Direct, round, bytes, null,
                        () => context.DirectManyClientAsync($"{context.KeyPrefix}{Direct}{round}/", input, concurrency)),
                    Hoist => await Configurations.HoistS3Async(context, servers, Hoist, round, bytes,
                        server => context.HoistManyClientAsync(server, input, concurrency)),
                    _ => await Configurations.TusAsync(context, servers, Tus, round, "Infinity", bytes,
                        server => context.TusManyClientAsync(server, folder, concurrency)),
                };
                results.AddSmallFiles(record with { Concurrency = concurrency });
                await context.CleanS3Async();
            }
        }
    }
}
