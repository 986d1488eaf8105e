using Hoist.Wire;
using Hoist.Client.Http;
using Hoist.Client.Transfers;

namespace Hoist.Client;

/// <summary>
/// The .NET client of a Hoist server: parallel, resumable, checksummed uploads, plus listing,
/// downloading and aborting. It wraps an <see cref="HttpClient"/> it does not own, so it fits
/// <c>IHttpClientFactory</c> (<c>services.AddHttpClient&lt;HoistClient&gt;(c =&gt; c.BaseAddress = ...)</c>);
/// it is thread-safe and holds no state between calls.
/// </summary>
/// <remarks>
/// An upload is created with <c>checksumAlgorithm: "sha256"</c>; every part carries its SHA-256 in
/// <c>x-hoist-checksum-sha256</c>, is retried on its own (<see cref="RetryOptions"/>: for up to
/// <see cref="RetryOptions.RetryFor"/>, 2 minutes by default), and the whole-object checksum the server
/// answers is compared with the one computed here (an answer without one is an error,
/// <see cref="HoistVerificationException"/>). At most
/// parallelism x part size bytes of the file are in memory at once. When the server offers direct mode
/// (and <see cref="HoistClientOptions.AllowDirect"/>), the parts go straight to the store through
/// presigned URLs, each with its MD5, and the object's multipart ETag is verified as well.
/// </remarks>
public sealed partial class HoistClient
{
    /// <summary>The header that carries a part's base64 SHA-256.</summary>
    public const string ChecksumHeader = HoistWire.ChecksumHeader;

    private readonly Uri _server;

    /// <summary>Creates a client over <paramref name="httpClient"/>, which stays the caller's to dispose.</summary>
    /// <param name="httpClient">The client that sends the requests; its <see cref="HttpClient.BaseAddress"/> is the server unless <see cref="HoistClientOptions.ServerUrl"/> is set.</param>
    /// <param name="options">Token, parallelism, retries; the defaults when null.</param>
    /// <exception cref="ArgumentException">Neither the options nor the HttpClient name the server.</exception>
    public HoistClient(HttpClient httpClient, HoistClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        Options = options ?? new HoistClientOptions();
        var server = Options.ServerUrl ?? httpClient.BaseAddress
            ?? throw new ArgumentException("Name the server: set HoistClientOptions.ServerUrl or the HttpClient's BaseAddress.", nameof(httpClient));
        if (!server.IsAbsoluteUri)
        {
            throw new ArgumentException($"The server URL must be absolute: '{server}'.", nameof(options));
        }
        // A base without its trailing slash would lose its last path segment in relative URIs.
        _server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        Sender = new RequestSender(httpClient, Options);
        Limiter = Options.MaxBytesPerSecond is > 0 and var rate ? new BandwidthLimiter(rate) : null;
    }

    /// <summary>The server this client talks to.</summary>
    public Uri ServerUrl => _server;

    internal HoistClientOptions Options { get; }

    internal RequestSender Sender { get; }

    internal BandwidthLimiter? Limiter { get; }

    internal Uri ApiUri(string relative) => new(_server, relative);

    internal Uri UploadUri(string uploadId, string? rest = null) =>
        ApiUri($"{HoistWire.Uploads[1..]}/{Uri.EscapeDataString(uploadId)}{(rest is null ? "" : "/" + rest)}");

    /// <summary>A key as a URL path: each segment escaped, the slashes kept.</summary>
    internal Uri FileUri(string key, string? rest = null) =>
        ApiUri(HoistWire.Files[1..] + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)) + (rest is null ? "" : "/" + rest));
}
