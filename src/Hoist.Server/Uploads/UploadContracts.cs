using System.Text.Json.Serialization;

namespace Hoist.Server.Uploads;

// The native API's JSON shapes (docs/api.md; camelCase on the wire).

public sealed record CreateUploadRequest(string? FileName, long? Size, string? ContentType, string? ChecksumAlgorithm);

/// <summary>GET /api/limits: what an upload may be. Empty lists accept anything.</summary>
public sealed record LimitsResponse(long MaxFileSize, IReadOnlyList<string> AllowedContentTypes, IReadOnlyList<string> AllowedExtensions, long PartSize);

/// <summary><see cref="Direct"/>: true when the parts may go straight to the store (docs/api.md, "Direct mode"); absent otherwise.</summary>
public sealed record CreateUploadResponse(string UploadId, string Key, long PartSize, int PartCount, DateTimeOffset ExpiresAt, bool? Direct = null);

/// <summary>A stored part. For a single-part upload the part completes the upload at once: <see cref="Completed"/> says so.</summary>
public sealed record PartResponse(int PartNumber, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256, CompleteUploadResponse? Completed = null);

public sealed record PartsResponse(IReadOnlyList<PartResponse> Parts, long PartSize, int PartCount, long Size, bool? Direct = null);

/// <summary>POST .../part-urls: the parts to sign, each with the MD5 its URL is signed with.</summary>
public sealed record PartUrlsRequest(IReadOnlyList<PartUrlRequest>? Parts);

public sealed record PartUrlRequest(int? PartNumber, string? ContentMd5);

/// <summary>Where each part goes: PUT to <see cref="PartUrl.Url"/> with exactly <see cref="PartUrl.Headers"/>.</summary>
public sealed record PartUrlsResponse(IReadOnlyList<PartUrl> Parts, DateTimeOffset ExpiresAt);

public sealed record PartUrl(int PartNumber, string Url, IReadOnlyDictionary<string, string> Headers);

public sealed record CompleteUploadResponse(string Key, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256);
