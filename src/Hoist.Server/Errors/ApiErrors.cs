using Hoist.Wire;

namespace Hoist.Server.Errors;

/// <summary>One kind of refusal: its stable code, its HTTP status and its title (the detail says what happened this time).</summary>
public sealed record ApiError(int Status, string Code, string Title)
{
    public ApiException With(string? detail = null, IReadOnlyDictionary<string, object?>? extensions = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new(this, detail, extensions, headers);
}

/// <summary>
/// Every refusal the API makes, in one table (docs/api.md lists them with when each happens). A site
/// that refuses names one of these and adds the detail; no status, code or title is written anywhere else.
/// </summary>
public static class ApiErrors
{
    // The request
    public static readonly ApiError MalformedJson = new(400, ErrorCodes.MalformedJson, "The body is not valid JSON for this request.");
    public static readonly ApiError BodyTooLarge = new(413, ErrorCodes.BodyTooLarge, "The request body is larger than allowed.");
    public static readonly ApiError LengthRequired = new(411, ErrorCodes.LengthRequired, "Content-Length is required.");
    public static readonly ApiError RequestTimeout = new(408, ErrorCodes.RequestTimeout, "The request body arrived too slowly.");
    public static readonly ApiError BadRequest = new(400, ErrorCodes.BadRequest, "The request is malformed.");

    // Creating an upload
    public static readonly ApiError InvalidFileName = new(400, ErrorCodes.InvalidFileName, "fileName is missing or not usable.");
    public static readonly ApiError InvalidSize = new(400, ErrorCodes.InvalidSize, "size is required and must be zero or more.");
    public static readonly ApiError FileTooLarge = new(413, ErrorCodes.FileTooLarge, "The file is larger than this server accepts.");
    public static readonly ApiError InvalidContentType = new(400, ErrorCodes.InvalidContentType, "contentType is not a media type.");
    public static readonly ApiError UnsupportedChecksumAlgorithm = new(400, ErrorCodes.UnsupportedChecksumAlgorithm, "checksumAlgorithm must be \"sha256\" or absent.");
    public static readonly ApiError ContentTypeNotAllowed = new(415, ErrorCodes.ContentTypeNotAllowed, "This server does not accept files of that type.");
    public static readonly ApiError ExtensionNotAllowed = new(415, ErrorCodes.ExtensionNotAllowed, "This server does not accept files with that extension.");
    public static readonly ApiError TooManyUploads = new(429, ErrorCodes.TooManyUploads, "Too many uploads in progress.");
    public static readonly ApiError RejectedByHook = new(403, ErrorCodes.RejectedByHook, "The server's pre-create hook refused this upload.");
    public static readonly ApiError HookUnavailable = new(503, ErrorCodes.HookUnavailable, "The server's pre-create hook did not answer; try again.");

    // Upload ids
    public static readonly ApiError UploadIdMalformed = new(400, ErrorCodes.UploadIdMalformed, "The upload id is malformed.");
    public static readonly ApiError UploadIdUnsupported = new(400, ErrorCodes.UploadIdUnsupported, "The upload id comes from an incompatible version of Hoist.");
    public static readonly ApiError UploadIdForged = new(403, ErrorCodes.UploadIdForged, "The upload id was not issued by this server.");
    public static readonly ApiError UploadExpired = new(410, ErrorCodes.UploadExpired, "The upload has expired.");
    public static readonly ApiError UploadNotFound = new(404, ErrorCodes.UploadNotFound, "The upload does not exist.");
    public static readonly ApiError UploadCompleted = new(409, ErrorCodes.UploadCompleted, "The upload is already complete.");
    public static readonly ApiError UploadSizeDeferred = new(409, ErrorCodes.UploadSizeDeferred, "The upload's size is not known yet.");

    // Parts and complete
    public static readonly ApiError InvalidPartNumber = new(400, ErrorCodes.InvalidPartNumber, "The part number is out of range.");
    public static readonly ApiError PartSizeMismatch = new(400, ErrorCodes.PartSizeMismatch, "The part does not have its planned size.");
    public static readonly ApiError InvalidChecksum = new(400, ErrorCodes.InvalidChecksum, $"{HoistWire.ChecksumHeader} must be the base64 of a 32-byte SHA-256.");
    public static readonly ApiError ChecksumRequired = new(400, ErrorCodes.ChecksumRequired, $"This upload needs an {HoistWire.ChecksumHeader} header with every part.");
    public static readonly ApiError ChecksumMismatch = new(400, ErrorCodes.ChecksumMismatch, "The part's bytes do not match its checksum.");
    public static readonly ApiError IncompleteBody = new(400, ErrorCodes.IncompleteBody, "The body does not have the declared length.");
    public static readonly ApiError IncompleteUpload = new(409, ErrorCodes.IncompleteUpload, "Some parts are missing.");
    public static readonly ApiError InvalidPart = new(409, ErrorCodes.InvalidPart, "A part is missing or does not match.");
    public static readonly ApiError InvalidPartOrder = new(400, ErrorCodes.InvalidPartOrder, "Parts must be in ascending order.");
    public static readonly ApiError PartTooSmall = new(400, ErrorCodes.PartTooSmall, "A part is smaller than the store allows.");
    public static readonly ApiError PartTooLarge = new(413, ErrorCodes.PartTooLarge, "The part is larger than the store allows.");
    public static readonly ApiError TooManyPartsInFlight = new(429, ErrorCodes.TooManyPartsInFlight, "Too many parts in flight.");
    public static readonly ApiError ServerBusy = new(503, ErrorCodes.ServerBusy, "The server is busy; try again.");

    // Files
    public static readonly ApiError FileNotFound = new(404, ErrorCodes.FileNotFound, "The file does not exist.");
    public static readonly ApiError RangeNotSatisfiable = new(416, ErrorCodes.RangeNotSatisfiable, "The requested range is not satisfiable.");
    public static readonly ApiError InvalidKey = new(400, ErrorCodes.InvalidKey, "The key is not valid.");
    public static readonly ApiError InvalidArgument = new(400, ErrorCodes.InvalidArgument, "The request is not valid.");

    // Share links and other Hoist-signed URLs
    public static readonly ApiError InvalidExpiresIn = new(400, ErrorCodes.InvalidExpiresIn, "expiresIn must be a whole number of seconds from 1 to 604800 (7 days).");
    public static readonly ApiError LinkExpired = new(410, ErrorCodes.LinkExpired, "The link has expired.");
    public static readonly ApiError LinkForged = new(403, ErrorCodes.LinkForged, "The link was not signed by this server.");

    // Who may
    public static readonly ApiError Unauthorized = new(401, ErrorCodes.Unauthorized, "Authentication is required.");
    public static readonly ApiError Forbidden = new(403, ErrorCodes.Forbidden, "This key may not do that.");
    public static readonly ApiError RateLimited = new(429, ErrorCodes.RateLimited, "Too many requests.");

    // The store
    public static readonly ApiError StoreUnavailable = new(503, ErrorCodes.StoreUnavailable, "The store is unavailable; try again.");
    public static readonly ApiError StoreMisconfigured = new(503, ErrorCodes.StoreMisconfigured, "The server's storage is misconfigured.");
    public static readonly ApiError InsufficientStorage = new(507, ErrorCodes.InsufficientStorage, "The store is full.");
    public static readonly ApiError QuotaExceeded = new(403, ErrorCodes.QuotaExceeded, "The storage quota is used up.");
    public static readonly ApiError StoreError = new(500, ErrorCodes.StoreError, "The store failed.");

    // The tus face (docs/tus.md)
    public static readonly ApiError TusVersionUnsupported = new(412, ErrorCodes.TusVersionUnsupported, "This server speaks tus 1.0.0.");
    public static readonly ApiError TusInvalidConcat = new(400, ErrorCodes.TusInvalidConcat, "Upload-Concat is malformed or names an upload that is not a partial upload.");
    public static readonly ApiError TusPartialUnfinished = new(400, ErrorCodes.TusPartialUnfinished, "A partial upload named by the final upload is not finished.");
    public static readonly ApiError TusFinalUpload = new(403, ErrorCodes.TusFinalUpload, "A final upload takes no bytes: it is assembled from its partial uploads.");
    public static readonly ApiError TusInvalidUploadLength = new(400, ErrorCodes.TusInvalidUploadLength, "Upload-Length must be a whole number of bytes, zero or more.");
    public static readonly ApiError TusInvalidMetadata = new(400, ErrorCodes.TusInvalidMetadata, "Upload-Metadata is malformed.");
    public static readonly ApiError TusInvalidOffset = new(400, ErrorCodes.TusInvalidOffset, "Upload-Offset must be a whole number of bytes, zero or more.");
    public static readonly ApiError TusContentType = new(415, ErrorCodes.TusContentType, "Upload bytes must be sent as application/offset+octet-stream.");
    public static readonly ApiError TusOffsetMismatch = new(409, ErrorCodes.TusOffsetMismatch, "Upload-Offset is not the upload's offset.");
    // The /s3/ face (docs/uppy.md)
    public static readonly ApiError S3KeyMismatch = new(400, ErrorCodes.S3KeyMismatch, "The key does not belong to this upload.");
    public static readonly ApiError S3UploadPlanned = new(409, ErrorCodes.S3UploadPlanned, "This upload has a part plan: send its parts through /api/uploads.");
    public static readonly ApiError InvalidContentMd5 = new(400, ErrorCodes.InvalidContentMd5, "contentMd5 must be the base64 of a 16-byte MD5.");
    // Direct mode (docs/api.md)
    public static readonly ApiError DirectUnavailable = new(409, ErrorCodes.DirectUnavailable, "This server does not hand out part URLs: send the parts through /api/uploads.");

    public static readonly ApiError TusConflict = new(409, ErrorCodes.TusConflict, "Another request changed this upload at the same time.");
    public static readonly ApiError TusUploadLengthExceeded = new(413, ErrorCodes.TusUploadLengthExceeded, "The body runs past the upload's length.");
    public static readonly ApiError TusChecksumAlgorithmUnsupported = new(400, ErrorCodes.TusChecksumAlgorithmUnsupported, "The Upload-Checksum algorithm is not supported.");
    public static readonly ApiError TusInvalidChecksum = new(400, ErrorCodes.TusInvalidChecksum, "Upload-Checksum must be 'algorithm base64digest'.");
    public static readonly ApiError TusChecksumMismatch = new(460, ErrorCodes.TusChecksumMismatch, "The body does not match its Upload-Checksum.");
    public static readonly ApiError TusMethodOverrideRequired = new(405, ErrorCodes.TusMethodOverrideRequired, "POST to an upload needs X-HTTP-Method-Override: PATCH or DELETE.");

    /// <summary>Every entry above, for the tests that keep the table, the docs and the page's copy of the codes in step.</summary>
    public static IReadOnlyList<ApiError> All { get; } = [.. typeof(ApiErrors).GetFields().Where(f => f.FieldType == typeof(ApiError)).Select(f => (ApiError)f.GetValue(null)!)];
}
