namespace Hoist.Client;

/// <summary>An upload the server has just created.</summary>
/// <param name="UploadId">The opaque id that resumes, completes or aborts the upload, from any machine.</param>
/// <param name="Key">The object key the file will have once complete.</param>
/// <param name="Size">The file's size in bytes.</param>
/// <param name="PartSize">The size of every part but the last.</param>
/// <param name="PartCount">How many parts the file is cut into.</param>
/// <param name="ExpiresAt">After this the upload id is refused.</param>
/// <param name="GroupId">
/// Pass it as <see cref="UploadOptions.GroupId"/> to the uploads of the other files of the same folder, so that
/// their keys share this one's id and date (docs/api.md, "Groups"); null from a server without groups.
/// </param>
public sealed record UploadCreated(string UploadId, string Key, long Size, long PartSize, int PartCount, DateTimeOffset ExpiresAt, string? GroupId = null);

/// <summary>Where an upload stands.</summary>
/// <param name="BytesUploaded">
/// Bytes stored or on their way, those found stored when resuming included. Never decreases within one
/// upload: a part that is retried keeps the bytes it had reached until the new try passes them.
/// </param>
/// <param name="TotalBytes">The file's size.</param>
/// <param name="PartsCompleted">Parts the server has confirmed (those already stored when resuming included).</param>
/// <param name="PartCount">All the parts of the file.</param>
/// <param name="BytesResumed">Bytes that were already stored when this call began (0 for a new upload): subtract them to measure speed.</param>
public readonly record struct UploadProgress(long BytesUploaded, long TotalBytes, int PartsCompleted, int PartCount, long BytesResumed);

/// <summary>A finished upload.</summary>
/// <param name="UploadId">The upload's id.</param>
/// <param name="Key">The stored object's key.</param>
/// <param name="Size">The stored object's size in bytes.</param>
/// <param name="ETag">The stored object's ETag (S3's rules: MD5 of the part MD5s, then "-N").</param>
/// <param name="ChecksumSha256">
/// The whole-object checksum the server answered (base64 SHA-256 over the parts' binary SHA-256s, then "-N");
/// null in the result of a <see cref="HoistVerificationException"/>, and in direct mode when parts went
/// straight to the store (which keeps no SHA-256 of theirs: <see cref="LocalETag"/> is then the proof).
/// </param>
/// <param name="LocalChecksumSha256">
/// The same composite checksum, computed here from the bytes read; null only in the result of a
/// <see cref="HoistVerificationException"/> whose part plan was unknown.
/// </param>
/// <param name="ChecksumVerified">
/// True when the server answered a checksum and it equals <paramref name="LocalChecksumSha256"/>, or, in
/// direct mode when the server answered none (parts that went straight to the store have no SHA-256
/// there), when the stored object's ETag equals <see cref="LocalETag"/>: always, for a result the upload methods return. One that could not be verified throws
/// <see cref="HoistVerificationException"/> instead (its <see cref="HoistVerificationException.Result"/> has false here).
/// </param>
/// <param name="PartCount">The parts of the file.</param>
/// <param name="PartsSent">Parts this call sent (the others were already stored, and verified, when resuming).</param>
/// <param name="Retries">Requests of this call that had to be tried again.</param>
public sealed record UploadResult(
    string UploadId,
    string Key,
    long Size,
    string ETag,
    string? ChecksumSha256,
    string? LocalChecksumSha256,
    bool ChecksumVerified,
    int PartCount,
    int PartsSent,
    int Retries)
{
    /// <summary>
    /// The lowercase hex SHA-256 of the whole file (what <c>sha256sum</c> prints), only when asked for
    /// (<see cref="UploadOptions.ComputeSha256"/>; null otherwise): computed from the bytes as they were read
    /// for sending. A resumed upload whose parts were partly stored already (or one found complete) reads the
    /// file once more, sequentially, for it.
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>
    /// Of <see cref="PartsSent"/>, the parts that went straight to the store (direct mode); the others went through Hoist.
    /// </summary>
    public int PartsSentDirect { get; init; }

    /// <summary>
    /// Why the upload left the direct route (the store could not be reached from here: the first failure's
    /// message), after which its parts went through Hoist; null when it did not (or was not in direct mode).
    /// </summary>
    public string? DirectFallback { get; init; }

    /// <summary>
    /// In direct mode: S3's multipart ETag computed here from the parts' MD5s (hex MD5 of the binary part
    /// MD5s, then "-N"), which the stored object's <see cref="ETag"/> equals; null otherwise.
    /// </summary>
    public string? LocalETag { get; init; }
}

/// <summary>What the server holds of an upload in progress.</summary>
/// <param name="Size">The file's size.</param>
/// <param name="PartSize">The size of every part but the last.</param>
/// <param name="PartCount">All the parts of the file.</param>
/// <param name="Parts">The parts stored so far, by number.</param>
/// <param name="IsCompleted">True when the upload is already complete (then <paramref name="Parts"/> is empty).</param>
public sealed record UploadStatus(long Size, long PartSize, int PartCount, IReadOnlyList<UploadedPart> Parts, bool IsCompleted)
{
    /// <summary>The server offers direct mode for this upload: parts may be PUT straight to the store.</summary>
    public bool IsDirect { get; init; }

    /// <summary>Bytes stored so far (all of them once complete).</summary>
    public long BytesStored => IsCompleted ? Size : Parts.Sum(p => p.Size);
}

/// <summary>A part the server holds.</summary>
/// <param name="PartNumber">1 to <see cref="UploadStatus.PartCount"/>.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="ETag">Its ETag: the hex MD5 of its bytes on S3; on the embedded store the first 32 hex digits of their SHA-256.</param>
/// <param name="ChecksumSha256">The base64 SHA-256 of its bytes, when the store keeps it (not for a part sent directly to the store).</param>
public sealed record UploadedPart(int PartNumber, long Size, string ETag, string? ChecksumSha256);
