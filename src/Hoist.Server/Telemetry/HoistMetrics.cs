using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hoist.Server.Errors;
using Hoist.Server.Storage;
using Microsoft.AspNetCore.Connections;

namespace Hoist.Server.Telemetry;

/// <summary>
/// Hoist's own instruments, on the meter <see cref="MeterName"/> (the list, with the Prometheus
/// names, is in docs/observability.md). Each is updated once per upload, part or store call, never
/// per byte. The same meter also carries <c>hoist.parts.refused</c> (Admission/PartAdmission.cs) and
/// <c>hoist.sweeper.*</c> (Uploads/AbandonedUploadSweeper.cs).
/// <para>
/// Servers are stateless, so no instance knows how many uploads are open (an upload lives in the
/// store, and its parts may arrive at any instance, hours apart): what an instance can count is
/// <c>hoist.parts.in_flight</c>, the part bodies it is receiving right now.
/// </para>
/// </summary>
public sealed class HoistMetrics
{
    /// <summary>The meter's name, and the name of the <see cref="ActivitySource"/> of the store calls.</summary>
    public const string MeterName = "Hoist.Server";

    /// <summary>The outcome of a part that was stored (any other outcome is the refusal's <c>code</c>).</summary>
    public const string Stored = "stored";

    private static readonly double[] PartSeconds = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
    private static readonly double[] StoreSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _aborted;
    private readonly Counter<long> _received;
    private readonly Counter<long> _stored;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Histogram<double> _partDuration;
    private readonly Counter<long> _storeCalls;
    private readonly Histogram<double> _storeDuration;

    public HoistMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _started = meter.CreateCounter<long>("hoist.uploads.started", "{upload}", "Uploads created (multipart uploads begun in the store)");
        _completed = meter.CreateCounter<long>("hoist.uploads.completed", "{upload}", "Uploads completed into their file (a repeated complete of the same upload counts once)");
        _failed = meter.CreateCounter<long>("hoist.uploads.failed", "{upload}", "Completes refused or failed, by reason (the answer's code: incomplete_upload, upload_not_found, store_unavailable, ...)");
        _aborted = meter.CreateCounter<long>("hoist.uploads.aborted", "{upload}", "Uploads aborted by their client (the sweeper's aborts are hoist.sweeper.aborted_uploads)");
        _received = meter.CreateCounter<long>("hoist.parts.received", "By", "Bytes of part bodies read from clients, stored or not");
        _stored = meter.CreateCounter<long>("hoist.parts.stored", "By", "Bytes of parts stored");
        _inFlight = meter.CreateUpDownCounter<long>("hoist.parts.in_flight", "{part}", "Part bodies this instance is receiving and storing now");
        _partDuration = meter.CreateHistogram("hoist.part.duration", "s", "Time from a part's first body byte asked for to its answer from the store, by outcome (stored, or the refusal's code)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PartSeconds });
        _storeCalls = meter.CreateCounter<long>("hoist.store.calls", "{call}", "Store calls, by operation (UploadPart, ListParts, ...) and outcome (Ok, a store error code such as NoSuchUpload, Canceled, RequestBody, Error)");
        _storeDuration = meter.CreateHistogram("hoist.store.duration", "s", "Duration of store calls, by operation and outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StoreSeconds });
    }

    public void UploadStarted() => _started.Add(1);

    public void UploadCompleted() => _completed.Add(1);

    public void UploadFailed(Exception reason) => _failed.Add(1, new KeyValuePair<string, object?>("reason", ReasonOf(reason)));

    public void UploadAborted() => _aborted.Add(1);

    /// <summary>A part body begins: counted in flight until <see cref="PartEnded"/>. Answers the start time.</summary>
    public long PartStarted()
    {
        _inFlight.Add(1);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>A part ends: stored (<paramref name="storedBytes"/> &gt; 0 or an empty part) or refused with <paramref name="failure"/>.</summary>
    public void PartEnded(long started, long receivedBytes, long storedBytes, Exception? failure)
    {
        _inFlight.Add(-1);
        _received.Add(receivedBytes);
        if (failure is null)
        {
            _stored.Add(storedBytes);
        }
        _partDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", failure is null ? Stored : ReasonOf(failure)));
    }

    public void StoreCallEnded(string operation, string outcome, long started)
    {
        var operationTag = new KeyValuePair<string, object?>("operation", operation);
        var outcomeTag = new KeyValuePair<string, object?>("outcome", outcome);
        _storeCalls.Add(1, operationTag, outcomeTag);
        _storeDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, operationTag, outcomeTag);
    }

    /// <summary>Why a request failed, as the API's <c>code</c> names it (docs/api.md), from a small fixed set.</summary>
    public static string ReasonOf(Exception exception) => exception switch
    {
        ApiException e => e.Code,
        StoreException e => ProblemExceptionHandler.FromStore(e).Code,
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => "request_timeout",
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => "body_too_large",
        BadHttpRequestException => "bad_request",
        OperationCanceledException => "canceled",
        ConnectionResetException => "client_disconnected",
        IOException => "io_error",
        _ => "error",
    };
}
