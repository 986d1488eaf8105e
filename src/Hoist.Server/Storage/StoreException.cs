namespace Hoist.Server.Storage;

/// <summary>The S3 errors every store reports alike (named after S3's own codes).</summary>
public enum StoreErrorCode
{
    NoSuchUpload,
    NoSuchKey,
    InvalidPart,
    InvalidPartOrder,
    EntityTooSmall,
    EntityTooLarge,
    /// <summary>The part's bytes do not match the checksum the caller expected.</summary>
    BadDigest,
    /// <summary>The body ended before (or ran past) its declared length.</summary>
    IncompleteBody,
    InvalidKey,
    InvalidArgument,
    InvalidRange,
    /// <summary>The store failed in a way that may pass on retry (5xx, SlowDown, timeouts).</summary>
    Unavailable,
    /// <summary>The store's disk is full: nothing more fits until someone frees space (not worth retrying soon).</summary>
    InsufficientStorage,
    /// <summary>The store refused the bytes because a quota (of the user or the bucket) is used up.</summary>
    QuotaExceeded,
    /// <summary>A write that may only create (a one-part file's put) found an object at its key: nothing was stored.</summary>
    ObjectExists,
    /// <summary>The store answers, but this server's settings do not fit it (no such bucket, refused credentials): an operator must act.</summary>
    Misconfigured,
}

public sealed class StoreException(StoreErrorCode code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public StoreErrorCode Code { get; } = code;

    /// <summary>The one answer of every store for an upload id it does not know (or no longer knows).</summary>
    public static StoreException NoSuchUpload(string uploadId, Exception? inner = null) =>
        new(StoreErrorCode.NoSuchUpload, $"The upload '{uploadId}' does not exist (it may have been completed or aborted).", inner);
}
