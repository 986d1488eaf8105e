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

    public static HttpClient CreateHttpClient(Uri server, RequestCounter? counter = null)
    {
        HttpMessageHandler handler = new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        if (counter is not null)
        {
            counter.InnerHandler = handler;
            handler = counter;
        }
        return new(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
    }
}

/// <summary>Counts the requests a client sends (the small-files run shows how many each file takes).</summary>
internal sealed class RequestCounter : DelegatingHandler
{
    private int _count;

    public int Count => _count;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return base.SendAsync(request, cancellationToken);
    }
}
