using System.Text.Json.Serialization;

namespace Hoist.Testing;

// The wire shapes of the API (docs/api.md), written here independently of the server's own
// records: a renamed field on the server must break these tests.

public sealed record CreatedUpload(string UploadId, string Key, long PartSize, int PartCount, DateTimeOffset ExpiresAt, bool? Direct = null);

public sealed record StoredPartAnswer(int PartNumber, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256, CompletedUpload? Completed);

public sealed record PartsAnswer(IReadOnlyList<StoredPartAnswer> Parts, long PartSize, int PartCount, long Size, bool? Direct = null);

/// <summary>Direct mode's part URLs (docs/api.md, "Direct mode").</summary>
public sealed record PartUrlsAnswer(IReadOnlyList<PartUrlAnswer> Parts, DateTimeOffset ExpiresAt);

public sealed record PartUrlAnswer(int PartNumber, string Url, Dictionary<string, string> Headers);

public sealed record CompletedUpload(string Key, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256);

public sealed record FileAnswer(string Key, long Size, DateTimeOffset LastModified, [property: JsonPropertyName("etag")] string ETag);

public sealed record FilesAnswer(IReadOnlyList<FileAnswer> Files);

public sealed record ShareLinkAnswer(Uri Url, DateTimeOffset ExpiresAt);
