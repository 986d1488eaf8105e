using Hoist.Resilience.Tests.Support;
using Hoist.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Hoist.Resilience.Tests.Faults;

/// <summary>
/// The server's own retries (<see cref="RetryingStore"/>): a part the store refused before reading
/// its body is tried again inside the same request; a part that failed midway cannot be replayed
/// (its body streams through once) and goes back to the client as a 503.
/// </summary>
public abstract class ServerRetryTests(StoreFixture fixture)
    : TimedTests(TimeSpan.FromMinutes(1))
{
    /// <summary>An app whose store is the server's retry layer over the fault injector over the real store.</summary>
    private HoistApp CreateApp(FaultInjectingStore faults) => fixture.CreateApp(
        new Dictionary<string, string?>
        {
            ["Hoist:Storage:Retry:MaxAttempts"] = "3",
            ["Hoist:Storage:Retry:BaseDelay"] = "00:00:00.020",
            ["Hoist:Storage:Retry:MaxDelay"] = "00:00:00.100",
        },
        services => services.Replace(ServiceDescriptor.Singleton<IObjectStore>(sp => new RetryingStore(
            faults,
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Retry,
            TimeProvider.System,
            sp.GetRequiredService<ILogger<RetryingStore>>()))));

    [Fact]
    public async Task A_part_the_store_refused_before_reading_its_body_is_retried_by_the_server()
    {
        var faults = FaultInjectingStore.FailingFirstTries(PartFault.BeforeBody, fixture.OpenStore());
        await using var app = CreateApp(faults);
        using var api = app.CreateApi();
        var file = TestData.Bytes(seed: 40, 2 * TestData.PartSize + 77);
        var parts = TestData.Split(file, TestData.PartSize);
        var upload = await api.CreateAsync("server-retry.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);

        // One request per part, no client retries: each succeeds at the server's second try.
        for (var n = 1; n <= parts.Count; n++)
        {
            var stored = await api.PutPartAsync(upload.UploadId, n, parts[n - 1], withChecksum: true, cancellationToken: Ct);
            Assert.Equal(fixture.TestStore.PartETag(parts[n - 1].Span), stored.ETag);
        }
        Assert.Equal((parts.Count, 2 * parts.Count), (faults.BeforeBodyFaults, faults.Calls));

        await api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(upload.Key, Ct));
    }

    [Fact]
    public async Task A_part_that_failed_midway_is_not_replayed_by_the_server_but_answered_503()
    {
        var faults = FaultInjectingStore.FailingFirstCall(PartFault.MidBody, fixture.OpenStore());
        await using var app = CreateApp(faults);
        using var api = app.CreateApi();
        var file = TestData.Bytes(seed: 41, TestData.PartSize + 5);
        var parts = TestData.Split(file, TestData.PartSize);
        var upload = await api.CreateAsync("no-replay.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);

        using (var refused = await api.PutPartRawAsync(upload.UploadId, 1, HoistApi.Part(parts[0], TestData.Sha256Base64(parts[0].Span)), Ct))
        {
            await Problem.AssertAsync(refused, 503, "store_unavailable");
        }
        Assert.Equal(1, faults.Calls);
        Assert.Empty((await api.ListPartsAsync(upload.UploadId, Ct)).Parts);

        await api.PutPartAsync(upload.UploadId, 1, parts[0], withChecksum: true, cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 2, parts[1], withChecksum: true, cancellationToken: Ct);
        await api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(upload.Key, Ct));
    }

    [Fact]
    public async Task The_server_gives_up_after_its_last_try_and_answers_503()
    {
        var faults = new FaultInjectingStore(fixture.OpenStore(), (_, _) => PartFault.BeforeBody);
        await using var app = CreateApp(faults);
        using var api = app.CreateApi();
        var part = TestData.Bytes(seed: 42, TestData.PartSize);
        var upload = await api.CreateAsync("gives-up.bin", 2 * TestData.PartSize, checksumAlgorithm: "sha256", cancellationToken: Ct);

        using var refused = await api.PutPartRawAsync(upload.UploadId, 1, HoistApi.Part(part, TestData.Sha256Base64(part)), Ct);
        await Problem.AssertAsync(refused, 503, "store_unavailable");
        Assert.Equal(3, faults.Calls);
    }

    [Fact]
    public async Task The_Retry_After_of_store_unavailable_grows_with_the_outage_and_starts_over_once_the_store_answers()
    {
        var down = false;
        var faults = new FaultInjectingStore(fixture.OpenStore(), (_, _) => Volatile.Read(ref down) ? PartFault.BeforeBody : PartFault.None);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        RetryingStore? retrying = null;
        // No retries inside the server: each request meets the store once, and the fake clock alone says how long the outage has lasted.
        await using var app = fixture.CreateApp(
            new Dictionary<string, string?> { ["Hoist:Storage:Retry:MaxAttempts"] = "1" },
            services => services.Replace(ServiceDescriptor.Singleton<IObjectStore>(sp => retrying = new RetryingStore(
                faults, sp.GetRequiredService<IOptions<StorageOptions>>().Value.Retry, clock, sp.GetRequiredService<ILogger<RetryingStore>>()))));
        using var api = app.CreateApi();
        var part = TestData.Bytes(seed: 43, TestData.PartSize);
        var upload = await api.CreateAsync("outage.bin", 2 * TestData.PartSize, checksumAlgorithm: "sha256", cancellationToken: Ct);

        async Task<int> RetryAfterAsync()
        {
            using var refused = await api.PutPartRawAsync(upload.UploadId, 1, HoistApi.Part(part, TestData.Sha256Base64(part)), Ct);
            await Problem.AssertAsync(refused, 503, "store_unavailable");
            return (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        }

        Volatile.Write(ref down, true);
        var waits = new List<int> { await RetryAfterAsync() };
        foreach (var step in new[] { 3, 10, 30, 60, 120 })
        {
            clock.Advance(TimeSpan.FromSeconds(step));
            waits.Add(await RetryAfterAsync());
        }

        // Outage at 0, 3, 13, 43, 103, 223 s: a quarter of it, from 1 s up to 30 s.
        Assert.Equal([1, 1, 4, 11, 26, 30], waits);
        Assert.Equal(TimeSpan.FromSeconds(223), retrying!.Outage.Length);

        // The store answers again: the outage is over, and the next one starts at 1 s.
        Volatile.Write(ref down, false);
        await api.PutPartAsync(upload.UploadId, 1, part, withChecksum: true, cancellationToken: Ct);
        Assert.Equal(TimeSpan.Zero, retrying.Outage.Length);
        Volatile.Write(ref down, true);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await RetryAfterAsync());
    }
}

public sealed class ServerRetryOnFileSystem(FileSystemFixture fixture) : ServerRetryTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class ServerRetryOnS3(S3Fixture fixture) : ServerRetryTests(fixture), IClassFixture<S3Fixture>;
