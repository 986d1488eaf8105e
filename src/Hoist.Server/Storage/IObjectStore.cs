namespace Hoist.Server.Storage;

/// <summary>
/// The storage contract: S3 multipart upload plus the few object calls Hoist needs.
/// Every store behaves like S3 (same ETags, same errors as <see cref="StoreException"/>),
/// so the layers above never ask which store they talk to.
/// </summary>
public interface IObjectStore
{
    /// <summary>Where the store keeps things, said for an operator (the start-up log line): "FileSystem at /srv/hoist/data".</summary>
    string Location { get; }

    /// <summary>
    /// Checks once that the store answers and that this server may write to it (run at start). Throws
    /// a <see cref="StoreException"/> whose message names what to fix: <see cref="StoreErrorCode.Misconfigured"/>
    /// (no bucket, refused credentials, a folder that is not writable) or <see cref="StoreErrorCode.Unavailable"/>.
    /// </summary>
    Task CheckWritableAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a multipart upload and answers the store's upload id. <paramref name="partSize"/>, when the
    /// caller knows it (Hoist's part plan), is the size of every part but the last, which is at most that:
    /// a store may lay parts out where they end up in the object (the file system store writes each byte
    /// once). It is a hint: parts of other sizes or numbers are still taken, at the cost of a copy.
    /// </summary>
    Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, long? partSize, CancellationToken cancellationToken);

    /// <summary>
    /// Streams one part (1..10,000) of exactly <paramref name="length"/> bytes. When
    /// <paramref name="expectedSha256"/> is given and the bytes do not match, nothing is stored
    /// (a part stored earlier under that number survives) and <see cref="StoreErrorCode.BadDigest"/> is thrown.
    /// Re-uploading a part number replaces it.
    /// </summary>
    Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the whole object at <paramref name="sourceKey"/> as one part of an upload, inside the store
    /// where it can (S3's UploadPartCopy: no byte passes through the server). The source must be at most
    /// 5 GiB; the part's ETag is formed as for an uploaded part. Re-copying a part
    /// number replaces it. <see cref="StoreErrorCode.NoSuchKey"/> when there is no such object.
    /// </summary>
    Task<StoredPart> UploadPartCopyAsync(string key, string uploadId, int partNumber, string sourceKey, CancellationToken cancellationToken);

    /// <summary>Every stored part of an upload in ascending part-number order (all pages).</summary>
    IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Assembles the parts atomically into the object and ends the upload. <paramref name="parts"/>
    /// are every stored part, in ascending order, as <see cref="ListPartsAsync"/> (or
    /// <see cref="UploadPartAsync"/>) answered them: the caller has listed and checked them, and the
    /// store does not list them again. A part whose ETag is no longer the stored one (replaced
    /// meanwhile) is refused with <see cref="StoreErrorCode.InvalidPart"/>. The answer's composite
    /// checksum is kept with the object, for <see cref="HeadCompletedAsync"/>.
    /// </summary>
    Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a one-part file in one call, as the complete of a one-part upload would leave it (no
    /// multipart upload is begun: one request to the store where a multipart upload of one part takes
    /// create, part and complete, and on S3 Hoist's checksum markers besides). The
    /// bytes must match <paramref name="expectedSha256"/>, or nothing is stored and
    /// <see cref="StoreErrorCode.BadDigest"/> is thrown. The answer's ETag is the one its part would
    /// have had (no "-1"), its checksum the one-part composite ("base64-1"), and
    /// <see cref="HeadCompletedAsync"/> answers the same. Unlike a put it only creates: when the key holds
    /// an object (another file's, or this one's stored by an earlier call), nothing is stored and
    /// <see cref="StoreErrorCode.ObjectExists"/> is thrown, checked and committed in one step, so of
    /// two calls for one key at the same instant one stores and the other is refused (S3:
    /// <c>If-None-Match: *</c>, which AWS S3 and Ceph RGW honour; docs/store-contract.md).
    /// </summary>
    Task<CompletedObject> PutCompletedAsync(string key, Stream body, long length, byte[] expectedSha256, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>
    /// The object as its complete answered it (same ETag, size and composite checksum), however often
    /// asked, or null when there is none: how a retried complete whose first answer was lost learns the result.
    /// </summary>
    Task<CompletedObject?> HeadCompletedAsync(string key, CancellationToken cancellationToken);

    /// <summary>Ends an upload and releases every stored part.</summary>
    Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>Uploads begun and neither completed nor aborted, with their start time (for the sweeper).</summary>
    IAsyncEnumerable<IncompleteUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Stores a small object in one call.</summary>
    Task<ObjectInfo> PutObjectAsync(string key, Stream body, long length, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>The object's description, or null when there is none.</summary>
    Task<ObjectInfo?> HeadObjectAsync(string key, CancellationToken cancellationToken);

    /// <summary>The object's bytes, whole or a range of them. The caller disposes the answer.</summary>
    Task<ObjectContent> GetObjectAsync(string key, ByteRange? range, CancellationToken cancellationToken);

    /// <summary>Deletes an object; deleting a missing object is not an error (as in S3).</summary>
    Task DeleteObjectAsync(string key, CancellationToken cancellationToken);

    /// <summary>One page of objects whose keys start with <paramref name="prefix"/>, in key order.</summary>
    Task<ObjectPage> ListObjectsAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken);

    // Scratch objects: small temporary objects the server keeps for itself beside the uploads (the
    // tus face's tails, see docs/tus.md), in the store's reserved area (.hoist/scratch/), never listed
    // with the objects. Names are relative keys (ObjectKey's rules, without the reserved check).

    /// <summary>
    /// Stores a scratch object of exactly <paramref name="length"/> bytes, whole or not at all (a body
    /// that fails, is short or long stores nothing; an earlier object of that name survives). Putting
    /// a name again replaces it.
    /// </summary>
    Task<ScratchObject> PutScratchAsync(string name, Stream body, long length, CancellationToken cancellationToken);

    /// <summary>A scratch object's bytes; <see cref="StoreErrorCode.NoSuchKey"/> when there is none. The caller disposes the answer.</summary>
    Task<ObjectContent> GetScratchAsync(string name, CancellationToken cancellationToken);

    /// <summary>Deletes a scratch object; deleting a missing one is not an error.</summary>
    Task DeleteScratchAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every scratch object whose name starts with <paramref name="prefix"/>, in ordinal name order (all pages).</summary>
    IAsyncEnumerable<ScratchObject> ListScratchAsync(string prefix, CancellationToken cancellationToken);
}
