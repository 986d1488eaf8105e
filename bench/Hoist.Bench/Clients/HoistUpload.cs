using Hoist.Client;

namespace Hoist.Bench.Clients;

/// <summary>The "hoist" and "hoist-direct" configurations: the Hoist client (src/Hoist.Client) uploading one file to a Hoist server (which offers direct mode or not).</summary>
internal static class HoistUpload
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var server = new Uri(args.Required("server"));
        var file = args.Required("file");
        var parallel = args.Int("parallel", 4);
        var name = args.Optional("name") ?? Path.GetFileName(file);
        using var http = CreateHttpClient(server);
        var client = new HoistClient(http, new HoistClientOptions { Parallelism = parallel });
        return await ClientReport.MeasureAsync(new FileInfo(file).Length, async () =>
        {
            var result = await client.UploadFileAsync(file, new UploadOptions { FileName = name });
            // --allow-unverified: for experiments with a server that keeps no part checksums.
            if (!result.ChecksumVerified && !args.Flag("allow-unverified"))
            {
                throw new InvalidOperationException("The server answered no whole-file checksum to verify.");
            }
            return new ClientReport(result.Size, 0, 0) { Key = result.Key, ChecksumSha256 = result.ChecksumSha256, Detail = $"retries={result.Retries} direct={result.PartsSentDirect}/{result.PartCount}" + (result.DirectFallback is null ? "" : " fell-back") };
        });
    }

    public static HttpClient CreateHttpClient(Uri server) =>
        new(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = server,
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
