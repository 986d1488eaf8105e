using System.ComponentModel.DataAnnotations;

namespace Hoist.Server.Storage;

public enum StorageProvider
{
    FileSystem,
    S3,
}

/// <summary>Hoist:Storage — which store holds the uploads, and how to reach it.</summary>
public sealed class StorageOptions
{
    public const string Section = "Hoist:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.FileSystem;

    public FileSystemStorageOptions FileSystem { get; set; } = new();

    public S3StorageOptions S3 { get; set; } = new();

    public StoreRetryOptions Retry { get; set; } = new();

    /// <summary>Check at start that the store answers and may be written (off only where a test needs a store that is down).</summary>
    public bool CheckAtStart { get; set; } = true;
}

/// <summary>Hoist:Storage:Retry — how often a store call that may be replayed is tried again (see <see cref="RetryingStore"/>).</summary>
public sealed class StoreRetryOptions
{
    /// <summary>Tries in all, the first included; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The ceiling of the first retry's delay; it doubles with each retry, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>"Full jitter": a random delay up to the exponential ceiling, so retries from many requests spread out.</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 2)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}

public sealed class FileSystemStorageOptions
{
    [Required]
    public string Root { get; set; } = "./data";
}

public sealed class S3StorageOptions
{
    public string? Bucket { get; set; }

    /// <summary>An S3-compatible endpoint (Ceph RGW, MinIO, R2); absent for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// The endpoint as clients reach it, when they reach it by another name than Hoist does (Hoist talks to
    /// the store on an internal network; browsers through a public host). URLs handed to clients (share
    /// links, part URLs of direct mode and of the /s3/ face) are signed for this host; absent, ServiceUrl.
    /// </summary>
    public string? PublicServiceUrl { get; set; }

    public string? Region { get; set; }

    public bool ForcePathStyle { get; set; }

    /// <summary>Prepended to every key, so Hoist can share a bucket ("uploads/").</summary>
    public string Prefix { get; set; } = "";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>
    /// Compare the ETag S3 answers for each part with the MD5 of the bytes sent, which catches a part
    /// altered between Hoist and the store. It costs about 2 CPU-s per GiB (see the benchmark); turn
    /// it off for buckets whose ETags are not MD5s (SSE-KMS, SSE-C).
    /// </summary>
    public bool VerifyPartETags { get; set; } = true;
}
