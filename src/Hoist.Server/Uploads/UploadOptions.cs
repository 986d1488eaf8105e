namespace Hoist.Server.Uploads;

/// <summary>Hoist:Uploads — the part plan, the size limit, the key template and the sweeper's TTL.</summary>
public sealed class UploadOptions
{
    public const string Section = "Hoist:Uploads";
    public const long MiB = 1024 * 1024;

    /// <summary>The part size used unless the file is so large that it would need more than 10,000 parts.</summary>
    public long PreferredPartSize { get; set; } = 8 * MiB;

    public long MaxFileSize { get; set; } = Storage.S3Limits.MaxObjectSize;

    /// <summary>Incomplete uploads older than this are aborted by the sweeper.</summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the sweeper looks for abandoned uploads (the first look is at start); zero turns it off.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Media types accepted at create ("image/*" allowed); empty accepts any.</summary>
    public List<string> AllowedContentTypes { get; set; } = [];

    /// <summary>File name extensions accepted at create (".mp4"); empty accepts any.</summary>
    public List<string> AllowedExtensions { get; set; } = [];

    /// <summary>How many incomplete uploads one owner may have at once; 0 means no limit.</summary>
    public int MaxConcurrentUploadsPerOwner { get; set; } = 100;

    /// <summary>
    /// How long a part URL handed out by the /s3/ face lives (a store's presigned URL, or one Hoist
    /// signs for the file system store): long enough to start the PUT, which is checked on arrival.
    /// </summary>
    public TimeSpan PresignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Direct mode: clients send the parts of native uploads straight to the store through presigned
    /// URLs, and Hoist only creates, signs and completes (docs/api.md, "Direct mode"). Applies only
    /// where the store can presign (S3); the file system store takes every part through Hoist.
    /// </summary>
    public bool Direct { get; set; }

    /// <summary>Where objects go. Placeholders: {owner} {yyyy} {MM} {dd} {id} {fileName}; it must start with {owner}/.</summary>
    public string KeyTemplate { get; set; } = Keys.ObjectKeyTemplate.Default;
}

/// <summary>Hoist:Tokens — how upload ids are signed.</summary>
public sealed class TokenOptions
{
    public const string Section = "Hoist:Tokens";

    /// <summary>The HMAC key (any string of 32+ characters). Required when several instances share a store.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Keys that signed upload ids before <see cref="SigningKey"/> replaced them (32+ characters each):
    /// ids they signed are still accepted, so uploads begun before a key rotation can be resumed and
    /// aborted; new ids are always signed with <see cref="SigningKey"/>. Remove a key once the ids it
    /// signed have expired (<see cref="Lifetime"/>).
    /// </summary>
    public List<string> PreviousSigningKeys { get; set; } = [];

    /// <summary>How long an upload id stays usable.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Where the key is generated and kept when <see cref="SigningKey"/> is not set. Default: the file
    /// system store's folder, <c>&lt;Hoist:Storage:FileSystem:Root&gt;/.hoist/signing-key</c> (which is also
    /// where it lands with the S3 store: such a key is this machine's own, so instances that share a
    /// store need <see cref="SigningKey"/> instead).
    /// </summary>
    public string? KeyFile { get; set; }
}
