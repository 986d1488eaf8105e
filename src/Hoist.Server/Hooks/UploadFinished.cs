using System.Text.Json.Serialization;

namespace Hoist.Server.Hooks;

/// <summary>
/// A completed upload, as the post-finish hook sends it and as <see cref="IUploadFinishedHandler"/>s
/// receive it. <see cref="Id"/> is the same for every delivery of one upload's event: receivers drop
/// the duplicates that at-least-once delivery brings.
/// </summary>
public sealed record UploadFinished(
    string Id,
    string Type,
    string Key,
    long Size,
    [property: JsonPropertyName("etag")] string ETag,
    string? ChecksumSha256,
    string Owner,
    DateTimeOffset CompletedAt)
{
    public const string PostFinish = "post-finish";
}

/// <summary>
/// In-process hook for library users of Hoist.Server: register any number in DI
/// (<c>services.AddSingleton&lt;IUploadFinishedHandler, MyHandler&gt;()</c>). Each is called on the
/// instance that completed the upload, after the complete and before its answer leaves, whether or
/// not an HTTP hook is set. A handler that throws is logged and does not fail the complete; for
/// delivery that survives a crash, use the post-finish HTTP hook.
/// </summary>
public interface IUploadFinishedHandler
{
    Task OnUploadFinishedAsync(UploadFinished upload, CancellationToken cancellationToken);
}
