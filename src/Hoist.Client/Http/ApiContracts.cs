using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hoist.Client.Http;

// The server's JSON shapes (docs/api.md; camelCase on the wire).

internal sealed record CreateUploadRequest(string FileName, long Size, string? ContentType, string? ChecksumAlgorithm, string? GroupId);

internal sealed record CreateUploadResponse(string UploadId, string Key, long PartSize, int PartCount, DateTimeOffset ExpiresAt, bool? Direct, string? GroupId);

internal sealed record PartResponse(int PartNumber, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256, CompleteUploadResponse? Completed);

internal sealed record PartsResponse(IReadOnlyList<PartResponse> Parts, long PartSize, int PartCount, long Size, bool? Direct);

// Direct mode (docs/api.md): presigned store URLs for parts, each bound to the part's MD5.

internal sealed record PartUrlRequest(int PartNumber, string ContentMd5);

internal sealed record PartUrlsRequest(IReadOnlyList<PartUrlRequest> Parts);

internal sealed record PartUrl(int PartNumber, Uri Url, IReadOnlyDictionary<string, string>? Headers);

internal sealed record PartUrlsResponse(IReadOnlyList<PartUrl> Parts, DateTimeOffset ExpiresAt);

internal sealed record CompleteUploadResponse(string Key, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256);

internal sealed record FileEntry(string Key, long Size, DateTimeOffset LastModified, [property: JsonPropertyName("etag")] string ETag);

internal sealed record FilesResponse(IReadOnlyList<FileEntry> Files, string? NextContinuationToken);

internal sealed record ShareLinkRequest(long ExpiresIn);

internal sealed record ShareLinkResponse(Uri Url, DateTimeOffset ExpiresAt);

internal sealed record ProblemResponse(string? Title, string? Detail, string? Code);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateUploadRequest))]
[JsonSerializable(typeof(CreateUploadResponse))]
[JsonSerializable(typeof(PartResponse))]
[JsonSerializable(typeof(PartsResponse))]
[JsonSerializable(typeof(CompleteUploadResponse))]
[JsonSerializable(typeof(PartUrlsRequest))]
[JsonSerializable(typeof(PartUrlsResponse))]
[JsonSerializable(typeof(FilesResponse))]
[JsonSerializable(typeof(ShareLinkRequest))]
[JsonSerializable(typeof(ShareLinkResponse))]
[JsonSerializable(typeof(ProblemResponse))]
internal sealed partial class ApiJson : JsonSerializerContext;
