using System.Text.Json.Serialization;

namespace Hoist.Server.Uploads;

// The native API's JSON shapes (docs/api.md; camelCase on the wire).

public sealed record CreateUploadRequest(string? FileName, long? Size, string? ContentType, string? ChecksumAlgorithm);

/// <summary>GET /api/limits: what an upload may be. Empty lists accept anything.</summary>
public sealed record LimitsResponse(long MaxFileSize, IReadOnlyList<string> AllowedContentTypes, IReadOnlyList<string> AllowedExtensions, long PartSize);

public sealed record CreateUploadResponse(string UploadId, string Key, long PartSize, int PartCount, DateTimeOffset ExpiresAt);

/// <summary>A stored part. For a single-part upload the part completes the upload at once: <see cref="Completed"/> says so.</summary>
public sealed record PartResponse(int PartNumber, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256, CompleteUploadResponse? Completed = null);

public sealed record PartsResponse(IReadOnlyList<PartResponse> Parts, long PartSize, int PartCount, long Size);

public sealed record CompleteUploadResponse(string Key, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256);
