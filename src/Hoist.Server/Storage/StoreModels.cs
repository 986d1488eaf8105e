namespace Hoist.Server.Storage;

/// <summary>
/// A part as the store holds it. The ETag (32 hex digits, without quotes) is the MD5 of the part on
/// S3, the first half of its SHA-256 on the file system store (docs/store-contract.md).
/// </summary>
public sealed record StoredPart(int PartNumber, long Size, string ETag, DateTimeOffset LastModified, string? ChecksumSha256 = null);

/// <summary>
/// The completed object: its S3-style multipart ETag ("md5-of-md5s-N"), size, and composite SHA-256
/// ("base64-N", see <see cref="MultipartChecksums"/>) when every part's SHA-256 was known.
/// </summary>
public sealed record CompletedObject(string Key, string ETag, long Size, string? ChecksumSha256 = null);

/// <summary>A scratch object (see <see cref="IObjectStore.PutScratchAsync"/>): its name, size and when it was written.</summary>
public sealed record ScratchObject(string Name, long Size, DateTimeOffset LastModified);

public sealed record IncompleteUpload(string Key, string UploadId, DateTimeOffset Initiated);

public sealed record ObjectInfo(
    string Key,
    long Size,
    string ETag,
    DateTimeOffset LastModified,
    string? ContentType,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record ObjectPage(IReadOnlyList<ObjectInfo> Objects, string? NextContinuationToken);

/// <summary>An inclusive byte range, as in HTTP: From..To, or the last <see cref="SuffixLength"/> bytes.</summary>
public sealed record ByteRange(long? From, long? To, long? SuffixLength = null)
{
    /// <summary>The first and last byte of this range within an object of the given size, or null when it is not satisfiable.</summary>
    public (long First, long Last)? Resolve(long size)
    {
        if (SuffixLength is { } suffix)
        {
            return suffix <= 0 || size == 0 ? null : (Math.Max(0, size - suffix), size - 1);
        }
        var first = From ?? 0;
        if (first >= size)
        {
            return null;
        }
        var last = To is { } to ? Math.Min(to, size - 1) : size - 1;
        return last < first ? null : (first, last);
    }
}

/// <summary>An object's bytes being read: the whole object or the requested range of it.</summary>
public sealed class ObjectContent(ObjectInfo info, Stream body, long first, long length) : IAsyncDisposable, IDisposable
{
    public ObjectInfo Info { get; } = info;
    public Stream Body { get; } = body;
    /// <summary>Offset of the first byte of <see cref="Body"/> in the object.</summary>
    public long First { get; } = first;
    public long Length { get; } = length;
    public bool IsRange => First != 0 || Length != Info.Size;

    public ValueTask DisposeAsync() => Body.DisposeAsync();
    public void Dispose() => Body.Dispose();
}

/// <summary>S3's limits, which every store enforces alike.</summary>
public static class S3Limits
{
    public const int MaxPartNumber = 10_000;
    public const long MinPartSize = 5L * 1024 * 1024;
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;
    public const long MaxObjectSize = 5L * 1024 * 1024 * 1024 * 1024;
    public const int MaxKeyBytes = 1024;

    /// <summary>Part numbers go from 1 to <see cref="MaxPartNumber"/>, in every store.</summary>
    public static void RequirePartNumber(int partNumber)
    {
        if (partNumber is < 1 or > MaxPartNumber)
        {
            throw new StoreException(StoreErrorCode.InvalidArgument, $"Part numbers go from 1 to {MaxPartNumber}.");
        }
    }
}
