namespace Hoist.Client;

/// <summary>A stored object.</summary>
/// <param name="Key">Its key.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">When it was completed.</param>
/// <param name="ETag">Its ETag.</param>
public sealed record StoredFile(string Key, long Size, DateTimeOffset LastModified, string ETag);

/// <summary>A finished download.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Path">The file written.</param>
/// <param name="Size">Bytes written.</param>
/// <param name="ETag">The object's ETag, when the server sent one.</param>
/// <param name="Sha256">The lowercase hex SHA-256 of the bytes written (what <c>sha256sum</c> prints).</param>
public sealed record DownloadResult(string Key, string Path, long Size, string? ETag, string Sha256);

/// <summary>A share link: downloads the file without credentials until it expires.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Url">The absolute URL (the store's presigned URL, or one signed by the Hoist server).</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record ShareLink(string Key, Uri Url, DateTimeOffset ExpiresAt);
