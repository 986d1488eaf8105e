using Hoist.Bench.Clients;
using Hoist.Bench.Measure;
using Hoist.Client;

namespace Hoist.Bench.Runs;

/// <summary>Each measured configuration: a fresh proxy process per run (so VmHWM is this run's), warmed up, then one measured upload.</summary>
internal static class Configurations
{
    /// <summary>Straight to S3, the ceiling; "direct-MODE" is a direct upload in another mode (<see cref="DirectUpload.Describe"/>).</summary>
    public const string Direct = "direct";
    /// <summary>HoistClient -> Hoist server -> S3.</summary>
    public const string Hoist = "hoist";
    /// <summary>HoistClient in direct mode: Hoist creates, signs and completes; the parts go from the client to S3 (docs/api.md, "Direct mode").</summary>
    public const string HoistDirect = "hoist-direct";
    public const string TusStreaming = "tus-stream";
    public const string TusChunked = "tus-chunked";

    private const string DirectPrefix = Direct + "-";

    public static bool IsDirect(string config) => config == Direct || config.StartsWith(DirectPrefix, StringComparison.Ordinal);

    public static bool IsHoistOnS3(string config) => config == Hoist;

    public static string Describe(string config, BenchContext context) => config switch
    {
        Direct => $"direct: {DirectUpload.Describe(context.DirectMode)}, {Sizes.Label(context.PartSize)} parts, {context.Parallel} in flight",
        _ when config.StartsWith(DirectPrefix, StringComparison.Ordinal) => $"{config}: {DirectUpload.Describe(config[DirectPrefix.Length..])}, {Sizes.Label(context.PartSize)} parts, {context.Parallel} in flight",
        Hoist => $"hoist: HoistClient -> Hoist server -> S3, {context.Parallel} in flight",
        HoistDirect => $"hoist-direct: HoistClient -> S3 through presigned URLs (Hoist__Uploads__Direct), Hoist signs and completes, {context.Parallel} in flight",
        TusStreaming => "tus-stream: @tus/server + s3-store, tus-js-client, 1 streaming PATCH",
        TusChunked => "tus-chunked: @tus/server + s3-store, tus-js-client, 8 MiB PATCHes",
        SmallFilesRun.Direct => "small-direct: AWS SDK for .NET PutObject per file",
        SmallFilesRun.Hoist => "small-hoist: HoistClient -> Hoist server -> S3 (create + one PUT that completes)",
        SmallFilesRun.Tus => "small-tus: @tus/server + s3-store, tus-js-client creation-with-upload (one POST)",
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
        HoistS3Async(context, servers, config, round, new FileInfo(file).Length, server => context.HoistClientAsync(server, file));

    /// <summary>A Hoist server on S3 (kept by <paramref name="servers"/>, warmed up) and a measured <paramref name="client"/> of it.</summary>
    public static Task<RunRecord> HoistS3Async(BenchContext context, ServerPool servers, string config, int round, long bytes, Func<ProxyProcess, Task<ClientReport>> client) =>
        HoistAsync(context, servers, () => context.HoistServerEnvironment("S3", $"{context.KeyPrefix}{config}/"), config, round, bytes, client);

    /// <summary>The Hoist server in direct mode: its CPU per GiB is what signing and completing cost, the bytes never reach it.</summary>
    public static Task<RunRecord> HoistDirectAsync(BenchContext context, ServerPool servers, string config, int round, string file) =>
        HoistAsync(context, servers, () => new Dictionary<string, string>(context.HoistServerEnvironment("S3", $"{context.KeyPrefix}{config}/")) { ["Hoist__Uploads__Direct"] = "true" },
            config, round, file);

    public static Task<RunRecord> HoistAsync(BenchContext context, ServerPool servers, Func<Dictionary<string, string>> environment, string config, int round, string file) =>
        HoistAsync(context, servers, environment, config, round, new FileInfo(file).Length, server => context.HoistClientAsync(server, file));

    private static Task<RunRecord> HoistAsync(BenchContext context, ServerPool servers, Func<Dictionary<string, string>> environment, string config, int round,
        long bytes, Func<ProxyProcess, Task<ClientReport>> client) =>
        servers.WithServerAsync(config,
            async () =>
            {
                var server = await context.StartHoistAsync(environment());
                await WarmUpHoistAsync(context, server);
                return server;
            },
            server => context.MeasureAsync(config, round, bytes, server, () => client(server)));

    public static Task<RunRecord> TusAsync(BenchContext context, ServerPool servers, string config, int round, string file, string chunk) =>
        TusAsync(context, servers, config, round, chunk, new FileInfo(file).Length, server => context.TusClientAsync(server, file, chunk));

    /// <summary>@tus/server on S3 (kept by <paramref name="servers"/>, warmed up with <paramref name="chunk"/>) and a measured <paramref name="client"/> of it.</summary>
    public static Task<RunRecord> TusAsync(BenchContext context, ServerPool servers, string config, int round, string chunk, long bytes, Func<ProxyProcess, Task<ClientReport>> client) =>
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
            server => context.MeasureAsync(config, round, bytes, server, () => client(server)));

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
