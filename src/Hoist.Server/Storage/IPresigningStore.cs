namespace Hoist.Server.Storage;

/// <summary>
/// A store that can hand out its own URL for reading an object without credentials (S3's presigned
/// GET): the bytes then go from the store to whoever holds the URL, not through Hoist. A store
/// without it (the FileSystemStore) has its share links signed by Hoist instead (docs/signed-urls.md).
/// <see cref="StoreCapabilities.Presigning"/> names it.
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
}
