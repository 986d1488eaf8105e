using System.Text.Json.Serialization;

namespace Hoist.Server.Uploads;

// The native API's JSON shapes (docs/api.md; camelCase on the wire).

/// <summary><see cref="GroupId"/>: a groupId an earlier create of the same owner answered, so that this file shares its key's id and date (a folder upload).</summary>
public sealed record CreateUploadRequest(string? FileName, long? Size, string? ContentType, string? ChecksumAlgorithm, string? GroupId = null);

/// <summary>GET /api/limits: what an upload may be. Empty lists accept anything.</summary>
public sealed record LimitsResponse(long MaxFileSize, IReadOnlyList<string> AllowedContentTypes, IReadOnlyList<string> AllowedExtensions, long PartSize);

/// <summary><see cref="GroupId"/>: the signed id and date of <see cref="Key"/>, for the creates of the other files of a folder (null for a tus partial upload).</summary>
public sealed record CreateUploadResponse(string UploadId, string Key, long PartSize, int PartCount, DateTimeOffset ExpiresAt, string? GroupId = null);

/// <summary>A stored part. For a single-part upload the part completes the upload at once: <see cref="Completed"/> says so.</summary>
public sealed record PartResponse(int PartNumber, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256, CompleteUploadResponse? Completed = null);

public sealed record PartsResponse(IReadOnlyList<PartResponse> Parts, long PartSize, int PartCount, long Size);

public sealed record CompleteUploadResponse(string Key, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256);
