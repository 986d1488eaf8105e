using System.Diagnostics;
using Hoist.Resilience.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hoist.Resilience.Tests.Faults;

/// <summary>
/// A store that fails a fifth of its UploadPart calls (some before reading the body, some halfway
/// through it) answers 503 store_unavailable with Retry-After, and uploads still complete with
/// the right bytes because the client retries the failed parts.
/// </summary>
public abstract class FlakyStoreTests(StoreFixture fixture, ITestOutputHelper output)
    : TimedTests(TimeSpan.FromMinutes(2))
{
    [Fact]
    public async Task Uploads_complete_with_the_right_bytes_when_a_fifth_of_part_calls_fail()
    {
        FaultInjectingStore? faults = null;
        await using var app = fixture.CreateApp(services: s => s.DecorateStore((store, _) => faults = FaultInjectingStore.FailingEvery(5, store)));
        using var api = app.CreateApi();
        var client = new RetryingUploader(api);
        var files = Enumerable.Range(0, 3).Select(i => TestData.Bytes(seed: 20 + i, 6 * TestData.PartSize - 1000 * (i + 1))).ToList();

        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(files.Select((file, i) => client.UploadAsync($"flaky-{i}.bin", file, parallelism: 3, Ct)));
        clock.Stop();

        for (var i = 0; i < files.Count; i++)
        {
            var (upload, completed) = results[i];
            Assert.Equal(TestData.CompositeSha256(files[i], TestData.PartSize), completed.ChecksumSha256);
            Assert.Equal((TestData.Sha256Hex(files[i]), (long)files[i].Length), await api.DownloadSha256Async(upload.Key, Ct));
        }
        Assert.NotNull(faults);
        var partCount = results.Sum(r => r.Upload.PartCount);
        output.WriteLine($"{fixture.StoreName}: {partCount} parts, {client.Tries} part requests, {faults.Calls} UploadPart calls, " +
            $"{faults.BeforeBodyFaults} failed before the body, {faults.MidBodyFaults} midway; {clock.Elapsed.TotalSeconds:F1} s; " +
            $"the client saw: {string.Join("; ", client.Failures.Select(f => f.Status is { } s ? $"{s} {f.Code} Retry-After {f.RetryAfter?.TotalSeconds}" : f.NetworkError).Distinct())}");

        Assert.Equal(faults.Calls / 5, faults.Faults);
        Assert.True(faults.BeforeBodyFaults > 0 && faults.MidBodyFaults > 0, "Both kinds of fault were injected.");
        // Each injected fault cost exactly one failed try of one part, and nothing else failed.
        Assert.Equal(partCount + faults.Faults, client.Tries);
        Assert.Equal(faults.Faults, client.Failures.Count);
        Assert.All(client.Failures.Where(f => f.Status is not null), f =>
        {
            Assert.Equal((503, "store_unavailable"), (f.Status, f.Code));
            Assert.Equal(TimeSpan.FromSeconds(1), f.RetryAfter);
        });
        var keys = results.Select(r => r.Upload.Key).ToHashSet();
        Assert.DoesNotContain(await fixture.IncompleteUploadsAsync(Ct), u => keys.Contains(u.Key));
    }

    [Theory]
    [InlineData(PartFault.BeforeBody)]
    [InlineData(PartFault.MidBody)]
    public async Task A_failed_part_call_answers_503_store_unavailable_with_Retry_After_and_stores_nothing(PartFault fault)
    {
        await using var app = fixture.CreateApp(services: s => s.DecorateStore((store, _) => FaultInjectingStore.FailingFirstCall(fault, store)));
        using var api = app.CreateApi();
        var file = TestData.Bytes(seed: 30, TestData.PartSize + 10);
        var parts = TestData.Split(file, TestData.PartSize);
        var upload = await api.CreateAsync("refused.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);

        using (var refused = await api.PutPartRawAsync(upload.UploadId, 1, HoistApi.Part(parts[0], TestData.Sha256Base64(parts[0].Span)), Ct))
        {
            await Problem.AssertAsync(refused, 503, "store_unavailable");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }
        Assert.Empty((await api.ListPartsAsync(upload.UploadId, Ct)).Parts);

        // The same part again, on the same connection: the failure left nothing that gets in its way.
        await api.PutPartAsync(upload.UploadId, 1, parts[0], withChecksum: true, cancellationToken: Ct);
        await api.PutPartAsync(upload.UploadId, 2, parts[1], withChecksum: true, cancellationToken: Ct);
        await api.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(upload.Key, Ct));
    }
}

public sealed class FlakyStoreOnFileSystem(FileSystemFixture fixture, ITestOutputHelper output) : FlakyStoreTests(fixture, output), IClassFixture<FileSystemFixture>;

public sealed class FlakyStoreOnS3(S3Fixture fixture, ITestOutputHelper output) : FlakyStoreTests(fixture, output), IClassFixture<S3Fixture>;
