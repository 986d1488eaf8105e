using System.Text.Json.Serialization;

namespace Hoist.Server.S3Api;

// The JSON shapes of Companion's s3 routes as @uppy/aws-s3 sends and reads them (docs/uppy.md). The
// names are fixed by that wire, not by Hoist's camelCase: each one is spelled out.

public sealed record S3CreateRequest(
    [property: JsonPropertyName("filename")] string? FileName,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("metadata")] Dictionary<string, System.Text.Json.JsonElement>? Metadata);

public sealed record S3CreateResponse(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("uploadId")] string UploadId,
    [property: JsonPropertyName("bucket"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Bucket);

/// <summary>A stored part as S3's ListParts names it (the ETag quoted, as S3 answers it).</summary>
public sealed record S3Part(
    [property: JsonPropertyName("PartNumber")] int PartNumber,
    [property: JsonPropertyName("ETag")] string ETag,
    [property: JsonPropertyName("Size")] long Size);

public sealed record S3SignedPart(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("expires")] long Expires);

public sealed record S3SignedParts(
    [property: JsonPropertyName("presignedUrls")] IReadOnlyDictionary<string, string> PresignedUrls);

public sealed record S3CompleteRequest([property: JsonPropertyName("parts")] List<S3PartReference>? Parts);

public sealed record S3PartReference(
    [property: JsonPropertyName("PartNumber")] int? PartNumber,
    [property: JsonPropertyName("ETag")] string? ETag);

public sealed record S3CompleteResponse(
    [property: JsonPropertyName("location")] string Location,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("bucket"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Bucket);

/// <summary>A small file's upload in one POST of a form, as S3's POST policy takes it: the form's fields, then the file.</summary>
public sealed record S3PostParameters(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("fields")] IReadOnlyDictionary<string, string> Fields,
    [property: JsonPropertyName("expires")] long Expires);
