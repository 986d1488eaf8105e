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
    [property: JsonPropertyName("e")] long ExpiresAtUnix,
    [property: JsonPropertyName("c"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Concat = null,
    [property: JsonPropertyName("g"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Grouped = false,
    [property: JsonPropertyName("w"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool SinglePut = false,
    [property: JsonPropertyName("n"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OriginalName = null)
{
    // Grouped: created with a groupId, so its key was not fresh; its complete checks that no other file took the key meanwhile.
    // SinglePut: a one-part file the store keeps in one call when its part arrives (docs/upload-token.md): no
    // multipart upload was begun, and StoreUploadId is Hoist's own id, kept with the object as metadata.
    // OriginalName: the original-name metadata a single-put object is stored with (a multipart upload got it at create).

    /// <summary><see cref="Concat"/> of a tus partial upload (concatenation, docs/tus.md): stored outside the owner's files, to be joined by a final upload.</summary>
    public const string Partial = "partial";

    /// <summary><see cref="Concat"/> of a tus final upload, assembled from partial ones at its creation.</summary>
    public const string Final = "final";

    public const int CurrentVersion = 1;

    /// <summary>The <see cref="Size"/> of an upload created without a length (tus creation-defer-length, docs/tus.md).</summary>
    public const long DeferredSize = -1;

    /// <summary>Whether the size was not known at create: the store holds it once learnt, and <see cref="WithSize"/> gives the token it stands for.</summary>
    [JsonIgnore]
    public bool IsSizeDeferred => Size == DeferredSize;

    [JsonIgnore]
    public PartPlan Plan => !IsSizeDeferred && PartPlan.For(Size, PartSize) is var plan && plan.PartSize == PartSize
        ? plan
        : throw new InvalidOperationException(IsSizeDeferred ? "The upload's size is not known yet." : "The token's part size does not match its plan.");

    /// <summary>A deferred upload's token once its size is known (never signed: it is recomputed from the store on every request).</summary>
    public UploadToken WithSize(long size) => this with { Size = size };

    [JsonIgnore]
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeSeconds(ExpiresAtUnix);
}
