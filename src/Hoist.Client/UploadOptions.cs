namespace Hoist.Client;

/// <summary>The choices of one upload. Every property is optional.</summary>
public sealed class UploadOptions
{
    /// <summary>
    /// The name the server records (kept in the object's metadata; the key ends with a sanitized form of it,
    /// its folders included with the default key template). Defaults to the file's name. May be a relative
    /// path such as <c>photos/2024/a.jpg</c>: the key then ends <c>…/&lt;id&gt;/photos/2024/a.jpg</c>.
    /// </summary>
    public string? FileName { get; set; }

    /// <summary>
    /// The <see cref="UploadCreated.GroupId"/> of an earlier upload of the same folder: this file's key then
    /// shares that upload's id and date, so the folder keeps its tree under one id (docs/api.md, "Groups").
    /// A file whose cleaned path another file of the group already has is refused (<c>409 key_taken</c>).
    /// </summary>
    public string? GroupId { get; set; }

    /// <summary>The media type stored with the object; the server's default (application/octet-stream) when null.</summary>
    public string? ContentType { get; set; }

    /// <summary>Parts sent at the same time; <see cref="HoistClientOptions.Parallelism"/> when null.</summary>
    public int? Parallelism { get; set; }

    /// <summary>
    /// Receives progress, called on the sending threads (wrap it in <see cref="Progress{T}"/> to marshal).
    /// Within one upload the reported <see cref="UploadProgress.BytesUploaded"/> never decreases, retries included.
    /// </summary>
    public IProgress<UploadProgress>? Progress { get; set; }

    /// <summary>
    /// Called once the server has created the upload and before any part is sent: the moment to
    /// remember <see cref="UploadCreated.UploadId"/> somewhere durable, so that the upload can be
    /// resumed even if this process dies.
    /// </summary>
    public Func<UploadCreated, CancellationToken, Task>? Created { get; set; }

    /// <summary>
    /// Abort the upload on the server when it fails (not when it is cancelled). Default false: the
    /// stored parts stay, and <see cref="HoistClient.ResumeFileAsync"/> can finish the upload later.
    /// </summary>
    public bool AbortOnFailure { get; set; }

    /// <summary>
    /// Also compute the whole file's plain SHA-256 (<see cref="UploadResult.Sha256"/>, what <c>sha256sum</c>
    /// prints). Off by default: the upload is verified end to end without it (each part's SHA-256, and the
    /// object's composite checksum compared at the end), and hashing every byte a second time costs about
    /// a third of the client's CPU per byte (README.md, "Performance").
    /// </summary>
    public bool ComputeSha256 { get; set; }

    /// <summary>
    /// When resuming: the part size the upload was created with (<see cref="UploadCreated.PartSize"/>).
    /// Needed only for an upload that turns out to be complete already, whose part plan the server no
    /// longer reports: with it, the stored object's checksum is compared with the file's; without it, a
    /// complete upload of more than one part cannot be verified (<see cref="HoistVerificationException"/>).
    /// Ignored by new uploads (the server chooses their part size).
    /// </summary>
    public long? PartSize { get; set; }
}
