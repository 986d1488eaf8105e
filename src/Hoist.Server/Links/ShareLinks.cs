using Hoist.Server.Files;
using Hoist.Server.Storage;
using Hoist.Server.Uploads;
using Hoist.Wire;

namespace Hoist.Server.Links;

public sealed record ShareLinkRequest(long? ExpiresIn);

public sealed record ShareLinkResponse(string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// Makes share links (docs/api.md, "Share links"): the one place that knows the stores differ. A store
/// that presigns (<see cref="StoreCapabilities.Presigning"/>, S3) gives its own URL, so the bytes never
/// pass through Hoist; any other is served by Hoist at <c>/api/shared/{key}</c> under a
/// <see cref="SignedUrlSigner"/> grant.
/// </summary>
public sealed class ShareLinks(StoreCapabilities capabilities, SignedUrlSigner signer, TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    /// <summary>S3's limit on presigned URLs, the same for every store so that a link does not outlive a change of store.</summary>
    public static readonly TimeSpan MaxLifetime = IPresigningStore.MaxLifetime;

    /// <summary>A link to the stored object <paramref name="info"/> until <paramref name="lifetime"/> from now (rounded up to a whole second).</summary>
    public async Task<ShareLinkResponse> CreateAsync(ObjectInfo info, TimeSpan lifetime, HttpRequest request, CancellationToken cancellationToken)
    {
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(SignedUrlSigner.WholeSecondsAfterEpoch(time.GetUtcNow() + lifetime));
        if (capabilities.Presigning is { } presigning)
        {
            var url = await presigning.PresignGetAsync(info.Key, expiresAt, FileDownload.Disposition(info), DownloadContentType.For(info.ContentType), cancellationToken);
            return new ShareLinkResponse(url.AbsoluteUri, expiresAt);
        }
        var path = HoistWire.Shared + "/" + string.Join('/', info.Key.Split('/').Select(Uri.EscapeDataString));
        var query = signer.Sign(HttpMethods.Get, info.Key, expiresAt);
        return new ShareLinkResponse($"{request.Scheme}://{request.Host}{request.PathBase}{path}?{query}", expiresAt);
    }
}
