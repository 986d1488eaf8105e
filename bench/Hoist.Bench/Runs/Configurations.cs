using Hoist.Bench.Clients;
using Hoist.Client;

namespace Hoist.Bench.Runs;

/// <summary>Each measured configuration: a fresh proxy process per run (so VmHWM is this run's), warmed up, then one measured upload.</summary>
internal static class Configurations
{
    /// <summary>Straight to S3, the ceiling; "direct-MODE" is a direct upload in another mode (<see cref="DirectUpload.Describe"/>).</summary>
    public const string Direct = "direct";
    /// <summary>HoistClient -> Hoist server -> S3; "hoist-SIZE" in the sweep.</summary>
    public const string Hoist = "hoist";
    public const string TusStreaming = "tus-stream";
    public const string TusChunked = "tus-chunked";

    private const string DirectPrefix = Direct + "-";
    private const string HoistPrefix = Hoist + "-";

    public static bool IsDirect(string config) => config == Direct || config.StartsWith(DirectPrefix, StringComparison.Ordinal);

    public static bool IsHoistOnS3(string config) => config == Hoist || config.StartsWith(HoistPrefix, StringComparison.Ordinal);

    /// <summary>The sweep's configuration for a file of <paramref name="size"/> ("hoist-4G").</summary>
    public static string HoistAt(string size) => HoistPrefix + size;

    public static string Describe(string config, BenchContext context) => config switch
    {
        Direct => $"direct: {DirectUpload.Describe(context.DirectMode)}, {Sizes.Label(context.PartSize)} parts, {context.Parallel} in flight",
        _ when config.StartsWith(DirectPrefix, StringComparison.Ordinal) => $"{config}: {DirectUpload.Describe(config[DirectPrefix.Length..])}, {Sizes.Label(context.PartSize)} parts, {context.Parallel} in flight",
        Hoist => $"hoist: HoistClient -> Hoist server -> S3, {context.Parallel} in flight",
        TusStreaming => "tus-stream: @tus/server + s3-store, tus-js-client, 1 streaming PATCH",
        TusChunked => "tus-chunked: @tus/server + s3-store, tus-js-client, 8 MiB PATCHes",
        _ when config.StartsWith(HoistPrefix, StringComparison.Ordinal) => $"hoist at {config[HoistPrefix.Length..]}",
        "fs-hoist" => $"Hoist on the FileSystem store, {context.Parallel} in flight",
        _ when PageRun.Describe(config) is { } page => page,
        "cp" => "cp (page cache, no fsync)",
        "cp+fsync" => "cp, then sync FILE (fsync)",
        _ => config,
    };

    /// <summary>"direct" in <see cref="BenchContext.DirectMode"/>, or "direct-MODE" in another mode (direct-transfer-utility: TransferUtility).</summary>
    public static async Task<RunRecord> DirectAsync(BenchContext context, string config, int round, string file)
    {
        var key = $"{context.KeyPrefix}{config}{round}/{Path.GetFileName(file)}";
        var mode = config.StartsWith(DirectPrefix, StringComparison.Ordinal) ? config[DirectPrefix.Length..] : context.DirectMode;
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
