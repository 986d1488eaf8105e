using Hoist.Bench.Clients;
using Hoist.Client;

namespace Hoist.Bench.Runs;

/// <summary>Each measured configuration: a fresh proxy process per run (so VmHWM is this run's), warmed up, then one measured upload.</summary>
internal static class Configurations
{
    public const string Direct = "a";
    public const string Hoist = "b";
    public const string TusStreaming = "c1";
    public const string TusChunked = "c2";
    
    public static string Describe(string config, BenchContext context) => config switch
    {
        Direct => $"a  direct: {DirectUpload.Describe(context.DirectMode)}, {Sizes.Label(context.PartSize)} parts, {context.Parallel} in flight",
        _ when config.StartsWith("a-", StringComparison.Ordinal) => $"a' direct: {DirectUpload.Describe(config[2..])}, {Sizes.Label(context.PartSize)} parts, {context.Parallel} in flight",
        Hoist => $"b  Hoist: HoistClient -> Hoist server -> S3, {context.Parallel} in flight",
        TusStreaming => "c1 @tus/server + s3-store, tus-js-client, 1 streaming PATCH",
        TusChunked => "c2 @tus/server + s3-store, tus-js-client, 8 MiB PATCHes",
        _ when config.StartsWith("b-", StringComparison.Ordinal) => $"b  Hoist at {config[2..]}",
        "fs-hoist" => $"Hoist on the FileSystem store, {context.Parallel} in flight",
        "cp" => "cp (page cache, no fsync)",
        "cp+fsync" => "cp, then sync FILE (fsync)",
        _ => config,
    };

    /// <summary>(a) in <see cref="BenchContext.DirectMode"/>, or "a-MODE" in another mode (a-tu: TransferUtility).</summary>
    public static async Task<RunRecord> DirectAsync(BenchContext context, string config, int round, string file)
    {
        var key = $"{context.KeyPrefix}{config}{round}/{Path.GetFileName(file)}";
        var mode = config.StartsWith("a-", StringComparison.Ordinal) ? config[2..] : context.DirectMode;
        return await context.MeasureAsync(config, round, new FileInfo(file).Length, null, () => context.DirectClientAsync(file, key, mode));
    }

    public static Task<RunRecord> HoistS3Async(BenchContext context, ServerPool servers, string config, int round, string file) =>
        HoistAsync(context, servers, () => context.HoistServerEnvironment("S3", $"{context.KeyPrefix}{config}/"), config, round, file);

    public static Task<RunRecord> HoistAsync(BenchContext context, ServerPool servers, Func<Dictionary<string, string>> environment, string config, int round, string file) =>
        servers.WithServerAsync(config,
            async () =>
            {
                var server = await context.StartHoistAsync(environment());
                await WarmUpHoistAsync(context, server);
                return server;
            },
            server => context.MeasureAsync(config, round, new FileInfo(file).Length, server, () => context.HoistClientAsync(server, file)));

    public static Task<RunRecord> TusAsync(BenchContext context, ServerPool servers, string config, int round, string file, string chunk) =>
        servers.WithServerAsync(config,
            async () =>
            {
                var server = await context.StartTusAsync($"{context.KeyPrefix}{config}-");
                if (context.WarmUpSize > 0)
                {
                    await context.TusClientAsync(server, context.WarmUpFile(), chunk);
                }
                return server;
            },
            server => context.MeasureAsync(config, round, new FileInfo(file).Length, server, () => context.TusClientAsync(server, file, chunk)));

    /// <summary>A small upload first, so the measured one sees a server that has served before (JIT, connection pools), as in production.</summary>
    public static async Task WarmUpHoistAsync(BenchContext context, Measure.ProxyProcess server)
    {
        if (context.WarmUpSize == 0)
        {
            return;
        }
        using var http = HoistUpload.CreateHttpClient(server.Url);
        var client = new HoistClient(http, new HoistClientOptions { Parallelism = context.Parallel });
        // A server that hangs must fail the run, not stall the benchmark.
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await client.UploadFileAsync(context.WarmUpFile(), cancellationToken: limit.Token);
    }
}
