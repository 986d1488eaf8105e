// The wire names of Hoist's HTTP API — routes, headers, error codes — in one file compiled into both
// the server (src/Hoist.Server) and the .NET client (src/Hoist.Client), so the two cannot drift apart.
// The page has its own copy in src/Hoist.Server/wwwroot/js/wire.mjs, checked against this one by a test.
// docs/api.md describes each of them.
namespace Hoist.Wire;

/// <summary>Routes and headers.</summary>
internal static class HoistWire
{
    public const string Uploads = "/api/uploads";
    public const string Files = "/api/files";
    public const string Limits = "/api/limits";

    /// <summary>Where a Hoist-signed share link downloads a file without credentials (docs/api.md, "Share links").</summary>
    public const string Shared = "/api/shared";

    /// <summary>The last segment of <c>POST /api/files/{key}/links</c>.</summary>
    public const string LinksSegment = "links";
    public const string Healthz = "/healthz";
    public const string Readyz = "/readyz";

    /// <summary>The base64 SHA-256 of a part's bytes, sent with the part.</summary>
    public const string ChecksumHeader = "x-hoist-checksum-sha256";

    /// <summary>The only whole-upload checksum algorithm.</summary>
    public const string Sha256 = "sha256";
}

/// <summary>Every ProblemDetails <c>code</c> the API answers.</summary>
internal static class ErrorCodes
{
    // The request
    public const string MalformedJson = "malformed_json";
    public const string BodyTooLarge = "body_too_large";
    public const string LengthRequired = "length_required";
    public const string RequestTimeout = "request_timeout";
    public const string BadRequest = "bad_request";

    // Creating an upload
    public const string InvalidFileName = "invalid_file_name";
    public const string InvalidSize = "invalid_size";
    public const string FileTooLarge = "file_too_large";
    public const string InvalidContentType = "invalid_content_type";
    public const string UnsupportedChecksumAlgorithm = "unsupported_checksum_algorithm";
    public const string ContentTypeNotAllowed = "content_type_not_allowed";
    public const string ExtensionNotAllowed = "extension_not_allowed";
    public const string TooManyUploads = "too_many_uploads";
    public const string RejectedByHook = "rejected_by_hook";
    public const string HookUnavailable = "hook_unavailable";

    // Upload ids
    public const string UploadIdMalformed = "upload_id_malformed";
    public const string UploadIdUnsupported = "upload_id_unsupported";
    public const string UploadIdForged = "upload_id_forged";
    public const string UploadExpired = "upload_expired";
    public const string UploadNotFound = "upload_not_found";
    public const string UploadCompleted = "upload_completed";
    public const string UploadSizeDeferred = "upload_size_deferred";

    // Parts and complete
    public const string InvalidPartNumber = "invalid_part_number";
    public const string PartSizeMismatch = "part_size_mismatch";
    public const string InvalidChecksum = "invalid_checksum";
    public const string ChecksumRequired = "checksum_required";
    public const string ChecksumMismatch = "checksum_mismatch";
    public const string IncompleteBody = "incomplete_body";
    public const string IncompleteUpload = "incomplete_upload";
    public const string InvalidPart = "invalid_part";
    public const string InvalidPartOrder = "invalid_part_order";
    public const string PartTooSmall = "part_too_small";
    public const string PartTooLarge = "part_too_large";
    public const string TooManyPartsInFlight = "too_many_parts_in_flight";
    public const string ServerBusy = "server_busy";

    // Files
    public const string FileNotFound = "file_not_found";
    public const string RangeNotSatisfiable = "range_not_satisfiable";
    public const string InvalidKey = "invalid_key";
    public const string InvalidArgument = "invalid_argument";

    // Share links and other Hoist-signed URLs
    public const string InvalidExpiresIn = "invalid_expires_in";
    public const string LinkExpired = "link_expired";
    public const string LinkForged = "link_forged";

    // Who may
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";

    // The store
    public const string StoreUnavailable = "store_unavailable";
    public const string StoreMisconfigured = "store_misconfigured";
    public const string InsufficientStorage = "insufficient_storage";
    public const string QuotaExceeded = "quota_exceeded";
    public const string StoreError = "store_error";

    // The /s3/ face (docs/uppy.md)
    public const string S3KeyMismatch = "s3_key_mismatch";
    public const string S3UploadPlanned = "s3_upload_planned";
    public const string InvalidContentMd5 = "invalid_content_md5";

    // Direct mode (docs/api.md, "Direct mode")
    public const string DirectUnavailable = "direct_unavailable";

    // The tus face (docs/tus.md)
    public const string TusVersionUnsupported = "tus_version_unsupported";
    public const string TusInvalidConcat = "tus_invalid_concat";
    public const string TusPartialUnfinished = "tus_partial_unfinished";
    public const string TusFinalUpload = "tus_final_upload";
    public const string TusInvalidUploadLength = "tus_invalid_upload_length";
    public const string TusInvalidMetadata = "tus_invalid_metadata";
    public const string TusInvalidOffset = "tus_invalid_offset";
    public const string TusContentType = "tus_content_type";
    public const string TusOffsetMismatch = "tus_offset_mismatch";
    public const string TusConflict = "tus_conflict";
    public const string TusUploadLengthExceeded = "tus_upload_length_exceeded";
    public const string TusChecksumAlgorithmUnsupported = "tus_checksum_algorithm_unsupported";
    public const string TusInvalidChecksum = "tus_invalid_checksum";
    public const string TusChecksumMismatch = "tus_checksum_mismatch";
    public const string TusMethodOverrideRequired = "tus_method_override_required";

    // Made by the framework (unknown route, method)
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string Error = "error";
}
