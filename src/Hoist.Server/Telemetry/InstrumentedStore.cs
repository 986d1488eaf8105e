using System.Diagnostics;
using System.Runtime.CompilerServices;
using Hoist.Server.Storage;
using Microsoft.AspNetCore.Connections;

namespace Hoist.Server.Telemetry;

/// <summary>
/// Makes every store call a span (a child of the request that made it, named "store UploadPart",
/// "store ListParts", ...; tagged with the key, the store's upload id, the part number and the
/// outcome) and counts it in <c>hoist.store.calls</c> and <c>hoist.store.duration</c> by operation
/// and outcome. It wraps the whole store, retries included (<see cref="RetryingStore"/> sits inside),
/// so one call of the upload service is one span. With no one listening a span costs nothing.
/// Like every decorator it adds no capability (<see cref="StoreCapabilities"/> are the store's own).
/// </summary>
public sealed class InstrumentedStore(IObjectStore inner, HoistMetrics metrics) : IObjectStore
{
    public static readonly ActivitySource Source = new(HoistMetrics.MeterName);

    /// <summary>The outcome of a call that succeeded; a failed one has its <see cref="StoreErrorCode"/>'s name, or one of the names below.</summary>
    public const string Ok = "Ok";

    /// <summary>The caller stopped waiting (its client went away, a timeout).</summary>
    public const string Canceled = "Canceled";

    /// <summary>The client's request body failed while the store read it (too slow, cut off).</summary>
    public const string RequestBody = "RequestBody";

    /// <summary>Anything else: a bug, an unexpected answer.</summary>
    public const string Error = "Error";

    public string Location => inner.Location;

    public Task CheckWritableAsync(CancellationToken cancellationToken) =>
        CallAsync("CheckWritable", null, null, 0, () => inner.CheckWritableAsync(cancellationToken));

    public Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, long? partSize, CancellationToken cancellationToken) =>
        CallAsync("CreateMultipartUpload", key, null, 0, () => inner.CreateMultipartUploadAsync(key, contentType, metadata, partSize, cancellationToken));

    public Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken) =>
        CallAsync("UploadPart", key, uploadId, partNumber, () => inner.UploadPartAsync(key, uploadId, partNumber, body, length, expectedSha256, cancellationToken));

    public IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        EnumerateAsync("ListParts", key, uploadId, inner.ListPartsAsync(key, uploadId, cancellationToken), cancellationToken);

    public Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken) =>
        CallAsync("CompleteMultipartUpload", key, uploadId, 0, () => inner.CompleteMultipartUploadAsync(key, uploadId, parts, cancellationToken));

    public Task<CompletedObject?> HeadCompletedAsync(string key, CancellationToken cancellationToken) =>
        CallAsync("HeadCompleted", key, null, 0, () => inner.HeadCompletedAsync(key, cancellationToken));

    public Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        CallAsync("AbortMultipartUpload", key, uploadId, 0, () => inner.AbortMultipartUploadAsync(key, uploadId, cancellationToken));

    public IAsyncEnumerable<IncompleteUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        EnumerateAsync("ListMultipartUploads", prefix, null, inner.ListMultipartUploadsAsync(prefix, cancellationToken), cancellationToken);

    public Task<ObjectInfo> PutObjectAsync(string key, Stream body, long length, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        CallAsync("PutObject", key, null, 0, () => inner.PutObjectAsync(key, body, length, contentType, metadata, cancellationToken));

    public Task<CompletedObject> PutCompletedAsync(string key, Stream body, long length, byte[] expectedSha256, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        CallAsync("PutCompleted", key, null, 0, () => inner.PutCompletedAsync(key, body, length, expectedSha256, contentType, metadata, cancellationToken));

    public Task<ObjectInfo?> HeadObjectAsync(string key, CancellationToken cancellationToken) =>
        CallAsync("HeadObject", key, null, 0, () => inner.HeadObjectAsync(key, cancellationToken));

    /// <summary>The span ends when the store has answered the headers; the body streams afterwards, outside it.</summary>
    public Task<ObjectContent> GetObjectAsync(string key, ByteRange? range, CancellationToken cancellationToken) =>
        CallAsync("GetObject", key, null, 0, () => inner.GetObjectAsync(key, range, cancellationToken));

    public Task DeleteObjectAsync(string key, CancellationToken cancellationToken) =>
        CallAsync("DeleteObject", key, null, 0, () => inner.DeleteObjectAsync(key, cancellationToken));

    public Task<ObjectPage> ListObjectsAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken) =>
        CallAsync("ListObjects", prefix, null, 0, () => inner.ListObjectsAsync(prefix, continuationToken, maxKeys, cancellationToken));

    public Task<StoredPart> UploadPartCopyAsync(string key, string uploadId, int partNumber, string sourceKey, CancellationToken cancellationToken) =>
        CallAsync("UploadPartCopy", key, uploadId, partNumber, () => inner.UploadPartCopyAsync(key, uploadId, partNumber, sourceKey, cancellationToken));

    public Task<ScratchObject> PutScratchAsync(string name, Stream body, long length, CancellationToken cancellationToken) =>
        CallAsync("PutScratch", name, null, 0, () => inner.PutScratchAsync(name, body, length, cancellationToken));

    public Task<ObjectContent> GetScratchAsync(string name, CancellationToken cancellationToken) =>
        CallAsync("GetScratch", name, null, 0, () => inner.GetScratchAsync(name, cancellationToken));

    public Task DeleteScratchAsync(string name, CancellationToken cancellationToken) =>
        CallAsync("DeleteScratch", name, null, 0, () => inner.DeleteScratchAsync(name, cancellationToken));

    public IAsyncEnumerable<ScratchObject> ListScratchAsync(string prefix, CancellationToken cancellationToken) =>
        EnumerateAsync("ListScratch", prefix, null, inner.ListScratchAsync(prefix, cancellationToken), cancellationToken);

    /// <summary>Why a store call failed, as a <c>outcome</c> tag: a few fixed names.</summary>
    public static string OutcomeOf(Exception exception) => exception switch
    {
        StoreException e => e.Code.ToString(),
        OperationCanceledException => Canceled,
        BadHttpRequestException or ConnectionResetException => RequestBody,
        _ => Error,
    };

    private async Task<T> CallAsync<T>(string operation, string? key, string? uploadId, int partNumber, Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = Start(operation, key, uploadId, partNumber);
        var outcome = Ok;
        try
        {
            return await call();
        }
        catch (Exception e)
        {
            outcome = OutcomeOf(e);
            Fail(activity, outcome, e);
            throw;
        }
        finally
        {
            End(activity, operation, outcome, started);
        }
    }

    private async Task CallAsync(string operation, string? key, string? uploadId, int partNumber, Func<Task> call) =>
        await CallAsync(operation, key, uploadId, partNumber, async () =>
        {
            await call();
            return true;
        });

    /// <summary>A listing is one call from its first page asked for to its end (or to the caller stopping early, which is no failure).</summary>
    private async IAsyncEnumerable<T> EnumerateAsync<T>(string operation, string? key, string? uploadId, IAsyncEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = Start(operation, key, uploadId, 0);
        var outcome = Ok;
        try
        {
            await using var enumerator = items.GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync();
                }
                catch (Exception e)
                {
                    outcome = OutcomeOf(e);
                    Fail(activity, outcome, e);
                    throw;
                }
                if (!more)
                {
                    break;
                }
                yield return enumerator.Current;
            }
        }
        finally
        {
            End(activity, operation, outcome, started);
        }
    }

    private static Activity? Start(string operation, string? key, string? uploadId, int partNumber)
    {
        var activity = Source.HasListeners() ? Source.StartActivity("store " + operation, ActivityKind.Internal) : null;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("hoist.store.operation", operation);
            if (key is not null)
            {
                activity.SetTag("hoist.store.key", key);
            }
            if (uploadId is not null)
            {
                activity.SetTag("hoist.store.upload_id", uploadId);
            }
            if (partNumber > 0)
            {
                activity.SetTag("hoist.store.part_number", partNumber);
            }
        }
        return activity;
    }

    private static void Fail(Activity? activity, string outcome, Exception exception)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag("error.type", outcome == Error ? exception.GetType().FullName : outcome);
        activity.AddException(exception);
    }

    private void End(Activity? activity, string operation, string outcome, long started)
    {
        activity?.SetTag("hoist.store.outcome", outcome);
        metrics.StoreCallEnded(operation, outcome, started);
    }
}
