using System.Collections.Concurrent;
using System.Diagnostics;
using Hoist.Server.Telemetry;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Telemetry;

/// <summary>Each request is a span, and each store call it makes a child span of it (what an OTLP backend shows as one trace).</summary>
public abstract class TracingTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task A_part_put_is_a_request_span_with_a_child_span_for_its_store_call()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or HoistMetrics.MeterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var upload = await Api.CreateAsync("traced.bin", TestData.PartSize + 10, cancellationToken: Ct);

        await Api.PutPartAsync(upload.UploadId, 1, TestData.Bytes(seed: 51, TestData.PartSize), cancellationToken: Ct);

        // Other tests run alongside: only this upload's spans count.
        var store = await WaitForAsync(stopped, a => a.OperationName == "store UploadPart" && Equals(a.GetTagItem("hoist.store.key"), upload.Key));
        var request = await WaitForAsync(stopped, a => a.SpanId == store.ParentSpanId);
        Assert.Equal(("Microsoft.AspNetCore", ActivityKind.Server), (request.Source.Name, request.Kind));
        Assert.Equal(request.TraceId, store.TraceId);
        Assert.Equal(TelemetryTestData.StoreUploadIdOf(upload.UploadId), request.GetTagItem("hoist.upload_id"));
        Assert.Equal("anonymous", request.GetTagItem("hoist.owner"));
        Assert.Equal(TelemetryTestData.StoreUploadIdOf(upload.UploadId), store.GetTagItem("hoist.store.upload_id"));
        Assert.Equal(1, store.GetTagItem("hoist.store.part_number"));
        Assert.Equal("Ok", store.GetTagItem("hoist.store.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, store.Status);
        Assert.True(store.Duration > TimeSpan.Zero && store.Duration <= request.Duration);
    }

    [Fact]
    public async Task A_failed_store_call_is_an_error_span_with_its_outcome()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == HoistMetrics.MeterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var upload = await Api.CreateAsync("gone.bin", TestData.PartSize + 10, cancellationToken: Ct);
        using (await Api.AbortRawAsync(upload.UploadId, Ct))
        {
        }

        await Problem.AssertAsync(Api.ListPartsRawAsync(upload.UploadId, Ct), 404, "upload_not_found");

        var list = await WaitForAsync(stopped, a => a.OperationName == "store ListParts" && Equals(a.GetTagItem("hoist.store.key"), upload.Key));
        Assert.Equal(ActivityStatusCode.Error, list.Status);
        Assert.Equal("NoSuchUpload", list.GetTagItem("hoist.store.outcome"));
        Assert.Equal("NoSuchUpload", list.GetTagItem("error.type"));
    }

    /// <summary>A request's span stops once its answer is sent, which may be just after the client has it.</summary>
    private async Task<Activity> WaitForAsync(ConcurrentQueue<Activity> stopped, Func<Activity, bool> match)
    {
        for (var waited = 0; ; waited += 50)
        {
            if (stopped.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            Assert.True(waited < 10_000, "No such span within 10 s.");
            await Task.Delay(50, Ct);
        }
    }
}

public sealed class TracingOnFileSystem(FileSystemFixture fixture) : TracingTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class TracingOnS3(S3Fixture fixture) : TracingTests(fixture), IClassFixture<S3Fixture>;
