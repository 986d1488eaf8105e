using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Telemetry;

/// <summary>
/// GET /metrics after real uploads, parsed as Prometheus text: Hoist's counts, bytes and part
/// durations, and the store calls by operation and outcome. Each test runs its own server (see
/// <see cref="MetricsRunAlone"/>) and compares two scrapes around what it does.
/// </summary>
[Collection(nameof(MetricsRunAlone))]
public abstract class MetricsTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task An_upload_counts_as_started_and_completed_with_its_bytes_received_and_stored_and_a_duration_per_part()
    {
        await using var app = Fixture.CreateApp();
        using var api = app.CreateApi();
        var file = TestData.Bytes(seed: 41, TestData.PartSize + 1000);
        var before = await ScrapeAsync(api);

        var upload = await api.CreateAsync("counted.bin", file.Length, cancellationToken: Ct);
        var parts = TestData.Split(file, TestData.PartSize);
        await api.PutPartAsync(upload.UploadId, 1, parts[0], cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 2, parts[1], cancellationToken: Ct);
        await api.CompleteAsync(upload.UploadId, Ct);

        var after = await ScrapeAsync(api);
        Assert.Equal(1, Delta(before, after, "hoist_uploads_started_total"));
        Assert.Equal(1, Delta(before, after, "hoist_uploads_completed_total"));
        Assert.Equal(0, Delta(before, after, "hoist_uploads_failed_total"));
        Assert.Equal(file.Length, Delta(before, after, "hoist_parts_received_bytes_total"));
        Assert.Equal(file.Length, Delta(before, after, "hoist_parts_stored_bytes_total"));
        Assert.Equal(2, Delta(before, after, "hoist_part_duration_seconds_count", ("outcome", "stored")));
        Assert.True(Delta(before, after, "hoist_part_duration_seconds_sum", ("outcome", "stored")) > 0);
        Assert.Equal(0, after.Value("hoist_parts_in_flight"));
        Assert.Equal(1, Delta(before, after, "hoist_store_calls_total", ("operation", "CreateMultipartUpload"), ("outcome", "Ok")));
        Assert.Equal(2, Delta(before, after, "hoist_store_calls_total", ("operation", "UploadPart"), ("outcome", "Ok")));
        Assert.Equal(1, Delta(before, after, "hoist_store_calls_total", ("operation", "CompleteMultipartUpload"), ("outcome", "Ok")));
        Assert.Equal(2, Delta(before, after, "hoist_store_duration_seconds_count", ("operation", "UploadPart"), ("outcome", "Ok")));
        Assert.All(after.Samples.Where(s => s.Name.StartsWith("hoist_", StringComparison.Ordinal)),
            s => Assert.Equal("Hoist.Server", s.Labels["otel_scope_name"]));
    }

    [Fact]
    public async Task Listing_an_aborted_upload_counts_the_abort_and_a_ListParts_call_with_outcome_NoSuchUpload()
    {
        await using var app = Fixture.CreateApp();
        using var api = app.CreateApi();
        var upload = await api.CreateAsync("aborted.bin", TestData.PartSize + 1, cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 1, TestData.Bytes(seed: 42, TestData.PartSize), cancellationToken: Ct);
        var before = await ScrapeAsync(api);

        using (var aborted = await api.AbortRawAsync(upload.UploadId, Ct))
        {
            await HoistApi.ExpectStatusAsync(aborted, HttpStatusCode.NoContent, Ct);
        }
        await Problem.AssertAsync(api.ListPartsRawAsync(upload.UploadId, Ct), 404, "upload_not_found");
        await Problem.AssertAsync(api.CompleteRawAsync(upload.UploadId, Ct), 404, "upload_not_found");

        var after = await ScrapeAsync(api);
        Assert.Equal(1, Delta(before, after, "hoist_uploads_aborted_total"));
        Assert.Equal(1, Delta(before, after, "hoist_store_calls_total", ("operation", "AbortMultipartUpload"), ("outcome", "Ok")));
        // One listing for GET .../parts, one for the complete: both find no upload.
        Assert.Equal(2, Delta(before, after, "hoist_store_calls_total", ("operation", "ListParts"), ("outcome", "NoSuchUpload")));
        Assert.Equal(0, Delta(before, after, "hoist_store_calls_total", ("operation", "ListParts"), ("outcome", "Ok")));
        Assert.Equal(2, Delta(before, after, "hoist_store_duration_seconds_count", ("operation", "ListParts"), ("outcome", "NoSuchUpload")));
        // Then each asks whether the upload was completed, which it was not.
        Assert.Equal(2, Delta(before, after, "hoist_store_calls_total", ("operation", "HeadCompleted"), ("outcome", "Ok")));
        Assert.Equal(1, Delta(before, after, "hoist_uploads_failed_total", ("reason", "upload_not_found")));
        Assert.Equal(0, Delta(before, after, "hoist_uploads_completed_total"));
    }

    [Fact]
    public async Task A_part_refused_for_its_checksum_counts_its_bytes_as_received_not_stored_with_outcome_checksum_mismatch()
    {
        await using var app = Fixture.CreateApp();
        using var api = app.CreateApi();
        var upload = await api.CreateAsync("damaged.bin", TestData.PartSize + 1, cancellationToken: Ct);
        var part = TestData.Bytes(seed: 43, TestData.PartSize);
        var before = await ScrapeAsync(api);

        await Problem.AssertAsync(api.PutPartRawAsync(upload.UploadId, 1, part, TestData.Sha256Base64([1, 2, 3]), Ct), 400, "checksum_mismatch");

        var after = await ScrapeAsync(api);
        Assert.Equal(part.Length, Delta(before, after, "hoist_parts_received_bytes_total"));
        Assert.Equal(0, Delta(before, after, "hoist_parts_stored_bytes_total"));
        Assert.Equal(1, Delta(before, after, "hoist_part_duration_seconds_count", ("outcome", "checksum_mismatch")));
        Assert.Equal(0, Delta(before, after, "hoist_part_duration_seconds_count", ("outcome", "stored")));
        Assert.Equal(1, Delta(before, after, "hoist_store_calls_total", ("operation", "UploadPart"), ("outcome", "BadDigest")));
        Assert.Equal(0, after.Value("hoist_parts_in_flight"));
    }

    [Fact]
    public async Task Metrics_need_no_authentication_and_show_http_and_runtime_instrumentation()
    {
        await using var app = Fixture.CreateApp(Security.ApiKeyOwners.Settings());
        using var anonymous = app.CreateApi();
        using (var refused = await anonymous.Http.GetAsync(new Uri("/api/files", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await PrometheusText.ScrapeAsync(anonymous.Http, Ct);
        var metrics = await PrometheusText.ScrapeAsync(anonymous.Http, Ct);

        Assert.Equal(1, metrics.Value("http_server_request_duration_seconds_count", ("http_route", "/api/files/"), ("http_response_status_code", "401")));
        Assert.True(metrics.Has("dotnet_gc_collections_total"), "the runtime's metrics");
        // Scrapes stay out of the request metrics: the first one is not there.
        Assert.DoesNotContain(metrics.Samples, s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.GetValueOrDefault("http_response_status_code") == "200");
    }

    private Task<PrometheusText> ScrapeAsync(HoistApi api) => PrometheusText.ScrapeAsync(api.Http, Ct);

    private static double Delta(PrometheusText before, PrometheusText after, string name, params (string Label, string Value)[] labels) =>
        after.Value(name, labels) - before.Value(name, labels);
}

public sealed class MetricsOnFileSystem(FileSystemFixture fixture) : MetricsTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class MetricsOnS3(S3Fixture fixture) : MetricsTests(fixture), IClassFixture<S3Fixture>;
