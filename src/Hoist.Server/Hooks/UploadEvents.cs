using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hoist.Server.Storage;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Hooks;

/// <summary>
/// What happens after a complete: with a post-finish URL the event is recorded in the store
/// (<see cref="IRecordStore"/>, folder <see cref="Folder"/>, one record <c>&lt;id&gt;.json</c> holding the
/// exact body that is sent) BEFORE the complete answers, so that a server that dies afterwards loses
/// nothing: any instance's <see cref="PostFinishDeliverer"/> sends it and removes it. Then the
/// in-process <see cref="IUploadFinishedHandler"/>s are called.
/// </summary>
public sealed partial class UploadEvents(
    IOptions<HookOptions> options,
    StoreCapabilities capabilities,
    IEnumerable<IUploadFinishedHandler> handlers,
    PostFinishDeliverer deliverer,
    TimeProvider time,
    ILogger<UploadEvents> logger)
{
    /// <summary>The record folder of pending post-finish events.</summary>
    public const string Folder = "post-finish";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IUploadFinishedHandler[] _handlers = [.. handlers];

    /// <summary>The event's id: the same for every complete (and retried complete) of one upload, whose key is its own.</summary>
    public static string IdOf(string key, string etag) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{key}\n{etag}")))[..32];

    public static string RecordName(string id) => id + ".json";

    /// <summary>Records (when a post-finish URL is set) and announces a completed upload. A record that cannot be written fails the complete: its retry records it.</summary>
    public async Task FinishedAsync(string owner, string key, long size, string etag, string? checksumSha256, CancellationToken cancellationToken)
    {
        var finished = new UploadFinished(IdOf(key, etag), UploadFinished.PostFinish, key, size, etag, checksumSha256, owner, time.GetUtcNow());
        if (!string.IsNullOrWhiteSpace(options.Value.PostFinishUrl))
        {
            var records = capabilities.Records ?? throw new InvalidOperationException("The store keeps no records; the post-finish hook needs them.");
            // Not the request's token: a client that hangs up after the complete must not cost the event.
            await records.PutRecordAsync(Folder, RecordName(finished.Id), JsonSerializer.SerializeToUtf8Bytes(finished, Json), CancellationToken.None);
            deliverer.Wake();
        }
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.OnUploadFinishedAsync(finished, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogHandlerFailed(e, handler.GetType().Name, finished.Key);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The upload-finished handler {Handler} failed for {Key}")]
    private partial void LogHandlerFailed(Exception e, string handler, string key);
}
