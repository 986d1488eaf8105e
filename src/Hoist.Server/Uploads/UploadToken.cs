using System.Text.Json.Serialization;

namespace Hoist.Server.Uploads;

/// <summary>
/// Everything the server needs to serve an upload after its creation, carried by the client as the
/// public <c>uploadId</c> and signed by the server (see <see cref="UploadTokenSigner"/>): no session
/// table, so any instance can serve any request. Short JSON names keep the id short in URLs.
/// </summary>
public sealed record UploadToken(
    [property: JsonPropertyName("v")] int Version,
    [property: JsonPropertyName("u")] string StoreUploadId,
    [property: JsonPropertyName("k")] string Key,
    [property: JsonPropertyName("o")] string Owner,
    [property: JsonPropertyName("s")] long Size,
    [property: JsonPropertyName("p")] long PartSize,
    [property: JsonPropertyName("t")] string ContentType,
    [property: JsonPropertyName("a")] string? ChecksumAlgorithm,
    [property: JsonPropertyName("e")] long ExpiresAtUnix)
{
    public const int CurrentVersion = 1;

    [JsonIgnore]
    public PartPlan Plan => PartPlan.For(Size, PartSize) is var plan && plan.PartSize == PartSize
        ? plan
        : throw new InvalidOperationException("The token's part size does not match its plan.");

    [JsonIgnore]
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(ExpiresAtUnix);
}
