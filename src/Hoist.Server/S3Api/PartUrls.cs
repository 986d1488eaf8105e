using Hoist.Server.Storage;
using Hoist.Server.Uploads;
using Microsoft.Extensions.Options;

namespace Hoist.Server.S3Api;

/// <summary>
/// Where a part (or a small file) goes straight from the client: the store's own presigned URL when the
/// store can presign (<see cref="StoreCapabilities.Presigning"/>), else a URL back at Hoist signed by
/// Hoist (<see cref="SignedUrlSigner"/>), whose PUT stores the part through the normal part path
/// (docs/uppy.md). Both live <see cref="UploadOptions.PresignedUrlLifetime"/>.
/// </summary>
public sealed class PartUrls(StoreCapabilities capabilities, SignedUrlSigner signer, IOptions<UploadOptions> options, TimeProvider time)
{
    public const string PartsPath = "/s3/parts";
    public const string ObjectsPath = "/s3/objects";
    public const string ContentMd5Parameter = "contentMd5";

    public TimeSpan Lifetime => options.Value.PresignedUrlLifetime;

    public async Task<string> ForPartAsync(HttpRequest request, string uploadId, UploadToken token, int partNumber, byte[]? contentMd5, CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow() + Lifetime;
        if (capabilities.Presigning is { } presigner)
        {
            return (await presigner.PresignUploadPartAsync(token.Key, token.StoreUploadId, partNumber, expiresAt, contentMd5, cancellationToken)).OriginalString;
        }
        var md5 = contentMd5 is null ? "" : $"{ContentMd5Parameter}={Uri.EscapeDataString(Convert.ToBase64String(contentMd5))}&";
        return $"{BaseOf(request)}{PartsPath}/{Uri.EscapeDataString(uploadId)}/{partNumber}?{md5}{signer.Sign(HttpMethods.Put, PartResource(uploadId, partNumber, contentMd5), expiresAt)}";
    }

    /// <summary>The URL a small file's form is POSTed to (always Hoist's: the store's POST policies are not used).</summary>
    public string ForObject(HttpRequest request, string uploadId) =>
        $"{BaseOf(request)}{ObjectsPath}/{Uri.EscapeDataString(uploadId)}?{signer.Sign(HttpMethods.Post, ObjectResource(uploadId), time.GetUtcNow() + Lifetime)}";

    /// <summary>What a Hoist-signed part URL grants: this upload's part, with this MD5 when one was signed.</summary>
    public static string PartResource(string uploadId, int partNumber, byte[]? contentMd5) =>
        $"{PartsPath}/{uploadId}/{partNumber}" + (contentMd5 is null ? "" : "#" + Convert.ToBase64String(contentMd5));

    public static string ObjectResource(string uploadId) => $"{ObjectsPath}/{uploadId}";

    public static string BaseOf(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
