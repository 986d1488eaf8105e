using System.Diagnostics.Metrics;
using Hoist.Resilience.Tests.Support;
using Hoist.Server.Uploads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Hoist.Resilience.Tests.Sweeper;

/// <summary>
/// The sweeper aborts incomplete uploads older than Hoist:Uploads:AbandonAfter (24 h here, the
/// default) and leaves younger ones alone. The server's clock is a FakeTimeProvider; the stores
/// stamp an upload's start with their own real clocks, so the fake clock is set relative to the
/// start times the store reports.
/// </summary>
public abstract class SweeperTests(StoreFixture fixture)
    : TimedTests(TimeSpan.FromMinutes(1))
{
    private const string Aborted = "hoist.sweeper.aborted_uploads";
    private const string Runs = "hoist.sweeper.runs";
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromHours(24);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly LogCapture _logs = new();
    private readonly MetricCapture _metrics = new();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _metrics.Dispose();
        }
        base.Dispose(disposing);
    }

    private HoistApp CreateApp(TimeSpan sweepInterval) => fixture.CreateApp(
        new Dictionary<string, string?>
        {
            ["Hoist:Uploads:AbandonAfter"] = AbandonAfter.ToString(),
            ["Hoist:Uploads:SweepInterval"] = sweepInterval.ToString(),
            ["Logging:LogLevel:Hoist.Server.Uploads.AbandonedUploadSweeper"] = "Information",
        },
        services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock));
            services.AddSingleton<ILoggerProvider>(_logs);
        });

    [Fact]
    public async Task The_sweeper_aborts_an_old_upload_and_leaves_a_fresh_one_alone()
    {
        await using var app = CreateApp(sweepInterval: TimeSpan.Zero);
        using var api = app.CreateApi();
        var file = TestData.Bytes(seed: 50, TestData.PartSize + 999);
        var parts = TestData.Split(file, TestData.PartSize);
        var old = await api.CreateAsync("old.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        await api.PutPartAsync(old.UploadId, 1, parts[0], withChecksum: true, cancellationToken: Ct);
        // Stores may stamp start times to the second: make the two uploads a second apart.
        await Task.Delay(TimeSpan.FromSeconds(1.1), Ct);
        var fresh = await api.CreateAsync("fresh.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        await api.PutPartAsync(fresh.UploadId, 1, parts[0], withChecksum: true, cancellationToken: Ct);

        var started = (await fixture.IncompleteUploadsAsync(Ct)).ToDictionary(u => u.Key, u => u.Initiated);
        Assert.True(started[old.Key] < started[fresh.Key], $"The old upload started at {started[old.Key]:O}, the fresh one at {started[fresh.Key]:O}.");
        // Now is AbandonAfter past a moment between the two starts: one is too old, the other not.
        _clock.SetUtcNow(started[old.Key] + ((started[fresh.Key] - started[old.Key]) / 2) + AbandonAfter);

        var sweeper = app.Services.GetRequiredService<AbandonedUploadSweeper>();
        Assert.Equal(1, await sweeper.SweepOnceAsync(Ct));

        using (var gone = await api.ListPartsRawAsync(old.UploadId, Ct))
        {
            await Problem.AssertAsync(gone, 404, "upload_not_found");
        }
        var left = await fixture.IncompleteUploadsAsync(Ct);
        Assert.DoesNotContain(left, u => u.Key == old.Key);
        Assert.Contains(left, u => u.Key == fresh.Key);

        await api.PutPartAsync(fresh.UploadId, 2, parts[1], withChecksum: true, cancellationToken: Ct);
        var completed = await api.CompleteAsync(fresh.UploadId, Ct);
        Assert.Equal(TestData.CompositeSha256(file, TestData.PartSize), completed.ChecksumSha256);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(fresh.Key, Ct));

        var meters = app.Services.GetRequiredService<IMeterFactory>();
        Assert.Equal(1, _metrics.Sum(meters, Aborted));
        Assert.Equal(1, _metrics.Sum(meters, Runs));
        var sweeperLogs = _logs.Entries.Where(e => e.Category == typeof(AbandonedUploadSweeper).FullName).Select(e => e.Message).ToList();
        Assert.Contains(sweeperLogs, m => m.Contains(old.Key, StringComparison.Ordinal) && m.Contains("aborted", StringComparison.Ordinal));
        Assert.DoesNotContain(sweeperLogs, m => m.Contains(fresh.Key, StringComparison.Ordinal));
        Assert.Contains(sweeperLogs, m => m.StartsWith("Sweeper run: ", StringComparison.Ordinal) && m.Contains(" 1 aborted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_upload_older_than_AbandonAfter_whose_parts_keep_arriving_is_not_swept()
    {
        await using var app = CreateApp(sweepInterval: TimeSpan.Zero);
        using var api = app.CreateApi();
        var upload = await api.CreateAsync("long-running.bin", 3 * TestData.PartSize, checksumAlgorithm: "sha256", cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 1, TestData.Bytes(seed: 52, TestData.PartSize), withChecksum: true, cancellationToken: Ct);
        // Stores may stamp times to the second: the newest part comes well after the start.
        await Task.Delay(TimeSpan.FromSeconds(2.1), Ct);
        await api.PutPartAsync(upload.UploadId, 2, TestData.Bytes(seed: 53, TestData.PartSize), withChecksum: true, cancellationToken: Ct);
        var initiated = Assert.Single(await fixture.IncompleteUploadsAsync(Ct), u => u.Key == upload.Key).Initiated;
        var newestPart = (await fixture.Store
            .ListPartsAsync(upload.Key, await StoreUploadIdAsync(upload.Key), Ct).ToListAsync(Ct)).Max(p => p.LastModified);
        Assert.True(newestPart - initiated >= TimeSpan.FromSeconds(1), $"started {initiated:O}, newest part {newestPart:O}");
        var sweeper = app.Services.GetRequiredService<AbandonedUploadSweeper>();

        // Started more than AbandonAfter ago, but its newest part is younger than that: still moving.
        _clock.SetUtcNow(newestPart + AbandonAfter - TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, await sweeper.SweepOnceAsync(Ct));
        Assert.Equal(2, (await api.ListPartsAsync(upload.UploadId, Ct)).Parts.Count);

        // Nothing more arrives: a second past AbandonAfter after its newest part, it is abandoned.
        _clock.SetUtcNow(newestPart + AbandonAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await sweeper.SweepOnceAsync(Ct));
        using var gone = await api.ListPartsRawAsync(upload.UploadId, Ct);
        await Problem.AssertAsync(gone, 404, "upload_not_found");
    }

    private async Task<string> StoreUploadIdAsync(string key) =>
        Assert.Single(await fixture.IncompleteUploadsAsync(Ct), u => u.Key == key).UploadId;

    [Fact]
    public async Task The_sweeper_runs_at_start_and_then_every_interval_as_a_hosted_service()
    {
        await using var app = CreateApp(sweepInterval: TimeSpan.FromHours(1));
        using var api = app.CreateApi();
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        await _metrics.WaitForAsync(meters, Runs, 1, TimeSpan.FromSeconds(20));

        var upload = await api.CreateAsync("abandoned.bin", 2 * TestData.PartSize, checksumAlgorithm: "sha256", cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 1, TestData.Bytes(seed: 51, TestData.PartSize), withChecksum: true, cancellationToken: Ct);
        Assert.Equal(0, _metrics.Sum(meters, Aborted));

        // A day and an hour later by the server's clock: the hourly timer fires and the upload is past its TTL.
        _clock.Advance(AbandonAfter + TimeSpan.FromHours(1));
        await _metrics.WaitForAsync(meters, Aborted, 1, TimeSpan.FromSeconds(20));

        Assert.True(_metrics.Sum(meters, Runs) >= 2);
        Assert.DoesNotContain(await fixture.IncompleteUploadsAsync(Ct), u => u.Key == upload.Key);
        using var gone = await api.ListPartsRawAsync(upload.UploadId, Ct);
        await Problem.AssertAsync(gone, 404, "upload_not_found");
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(upload.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_finished_tus_partial_upload_no_final_took_is_removed_once_older_than_AbandonAfter()
    {
        await using var app = CreateApp(sweepInterval: TimeSpan.Zero);
        var store = app.Services.GetRequiredService<Hoist.Server.Storage.IObjectStore>();
        var key = UploadService.PartialsPrefix("alice") + "sweeper-test";
        await store.PutObjectAsync(key, new MemoryStream(new byte[10]), 10, null, new Dictionary<string, string>(), Ct);
        var written = (await store.HeadObjectAsync(key, Ct))!.LastModified;
        var sweeper = app.Services.GetRequiredService<AbandonedUploadSweeper>();

        _clock.SetUtcNow(written + AbandonAfter - TimeSpan.FromMinutes(1));
        await sweeper.SweepOnceAsync(Ct);
        Assert.NotNull(await store.HeadObjectAsync(key, Ct));

        _clock.SetUtcNow(written + AbandonAfter + TimeSpan.FromSeconds(1));
        await sweeper.SweepOnceAsync(Ct);
        Assert.Null(await store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task A_tus_tail_written_after_the_last_part_keeps_the_upload_alive_and_goes_with_it()
    {
        await using var app = CreateApp(sweepInterval: TimeSpan.Zero);
        using var api = app.CreateApi();
        var file = TestData.Bytes(seed: 51, TestData.PartSize + 10);
        var upload = await api.CreateAsync("tailed.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 1, TestData.Split(file, TestData.PartSize)[0], withChecksum: true, cancellationToken: Ct);
        var storeUploadId = (await fixture.IncompleteUploadsAsync(Ct)).Single(u => u.Key == upload.Key).UploadId;
        var store = app.Services.GetRequiredService<Hoist.Server.Storage.IObjectStore>();
        var lastPart = (await store.ListPartsAsync(upload.Key, storeUploadId, Ct).ToListAsync(Ct)).Max(p => p.LastModified);
        // What a tus PATCH leaves after a part: a tail in the upload's scratch folder, written later.
        await Task.Delay(TimeSpan.FromSeconds(2.1), Ct);
        var tailName = UploadScratch.Prefix(upload.Key, storeUploadId) + "tail.test";
        await store.PutScratchAsync(tailName, new MemoryStream(new byte[10]), 10, Ct);
        var tailTime = (await store.ListScratchAsync(tailName, Ct).ToListAsync(Ct)).Single().LastModified;
        Assert.True(tailTime > lastPart.AddSeconds(1), $"The part was written at {lastPart:O}, the tail at {tailTime:O}.");
        var sweeper = app.Services.GetRequiredService<AbandonedUploadSweeper>();

        // Idle since the part, but not since the tail: kept, tail and all.
        _clock.SetUtcNow(lastPart + ((tailTime - lastPart) / 2) + AbandonAfter);
        await sweeper.SweepOnceAsync(Ct);
        Assert.Contains(await fixture.IncompleteUploadsAsync(Ct), u => u.Key == upload.Key);
        Assert.Single(await store.ListScratchAsync(tailName, Ct).ToListAsync(Ct));

        // Idle since the tail too: aborted, and its tail removed.
        _clock.SetUtcNow(tailTime + AbandonAfter + TimeSpan.FromSeconds(1));
        await sweeper.SweepOnceAsync(Ct);
        Assert.DoesNotContain(await fixture.IncompleteUploadsAsync(Ct), u => u.Key == upload.Key);
        Assert.Empty(await store.ListScratchAsync(tailName, Ct).ToListAsync(Ct));
    }
}

public sealed class SweeperOnFileSystem(FileSystemFixture fixture) : SweeperTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class SweeperOnS3(S3Fixture fixture) : SweeperTests(fixture), IClassFixture<S3Fixture>;
