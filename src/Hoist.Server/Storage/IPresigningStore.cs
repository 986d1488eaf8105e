namespace Hoist.Server.Storage;

/// <summary>
/// A store that can hand out its own URL for one request without credentials (S3's presigned URLs):
/// the bytes then go between the store and whoever holds the URL, not through Hoist. A store without
/// it (the FileSystemStore) has such URLs signed by Hoist instead, pointing back at Hoist
/// (docs/signed-urls.md, docs/uppy.md). <see cref="StoreCapabilities.Presigning"/> names it, so the
/// decorators (RetryingStore, InstrumentedStore) neither hide nor fake it.
/// </summary>
public interface IPresigningStore
{
    /// <summary>The longest a presigned URL may live: S3's limit for Signature Version 4.</summary>
    static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// A URL that GETs the object at <paramref name="key"/> (whole, or one Range) until <paramref name="expiresAt"/>
    /// (a time further than <see cref="MaxLifetime"/> is cut to it), answered with these Content-Disposition and Content-Type.
    /// It is made without asking the store whether the object exists: fetching it answers 404 if it does not.
    /// </summary>
    Task<Uri> PresignGetAsync(string key, DateTimeOffset expiresAt, string contentDisposition, string contentType, CancellationToken cancellationToken);

    /// <summary>
    /// A URL that PUTs part <paramref name="partNumber"/> of an upload until <paramref name="expiresAt"/>.
    /// With <paramref name="contentMd5"/> (the 16-byte MD5 of the part) the URL is signed with it: the PUT
    /// must send it as <c>Content-MD5</c>, and the store refuses bytes that do not match it. Made without
    /// asking the store whether the upload exists: the PUT answers that.
    /// </summary>
    Task<Uri> PresignUploadPartAsync(string key, string uploadId, int partNumber, DateTimeOffset expiresAt, byte[]? contentMd5, CancellationToken cancellationToken);
}
