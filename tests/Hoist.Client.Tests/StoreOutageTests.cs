using System.Diagnostics;
using System.Net;
using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>
/// HoistClient through a store outage (every store call refused, the server answering 503
/// store_unavailable with a Retry-After that grows with the outage): it retries for as long as its
/// budget (<see cref="RetryOptions.RetryFor"/>) allows, not for a number of tries.
/// </summary>
public abstract class StoreOutageTests(OutageAppFixture app) : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TestFiles _files = new();

    public void Dispose()
    {
        app.Outage.ComeBack();
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_client_keeps_retrying_through_a_store_outage_for_more_than_six_tries_and_finishes_when_the_store_is_back()
    {
        var path = _files.File("outage.bin", 12 * MiB, seed: 60);
        var counter = new PartCounter();
        var client = app.Client(new HoistClientOptions { Parallelism = 1, Retry = new RetryOptions { RetryFor = TimeSpan.FromMinutes(1) } }, counter);
        app.Outage.GoDownAfterParts(1);

        var upload = client.UploadFileAsync(path);
        await WaitUntilAsync(() => app.Outage.IsDown, upload);
        var outage = Stopwatch.StartNew();
        // Part 1 stored, then 7 tries of part 2 refused: a client of 6 tries would have given up.
        await WaitUntilAsync(() => counter.Unavailable >= 7, upload);
        app.Outage.ComeBack();
        outage.Stop();
        var result = await upload;

        Assert.True(outage.Elapsed > TimeSpan.FromSeconds(5), $"the outage lasted only {outage.Elapsed}");
        Assert.True(result.Retries >= 7, $"{result.Retries} retries");
        Assert.True(result.ChecksumVerified);
        Assert.Equal(TestData.Sha256HexOfFile(path), (await client.DownloadToFileAsync(result.Key, _files.Combine("back.bin"))).Sha256);
    }

    [Fact]
    public async Task A_client_gives_up_once_its_retry_budget_is_spent_and_says_after_how_many_tries()
    {
        var path = _files.File("never.bin", 2 * MiB, seed: 61);
        var client = app.Client(new HoistClientOptions { Retry = new RetryOptions { RetryFor = TimeSpan.FromSeconds(3) } });
        app.Outage.GoDown();
        var clock = Stopwatch.StartNew();

        var refusal = await Assert.ThrowsAsync<HoistApiException>(() => client.UploadFileAsync(path));

        clock.Stop();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "store_unavailable", true), (refusal.StatusCode, refusal.Code, refusal.IsTransient));
        Assert.InRange(refusal.RetriedFor, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(4));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(15));
        Assert.True(refusal.Tries >= 3, $"{refusal.Tries} tries");
        Assert.Contains($"gave up after {refusal.Tries} tries", refusal.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Task running)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (running.IsCompleted)
            {
                await running;
                Assert.Fail("The upload ended before the condition was met.");
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "The condition was not met within 60 s.");
            await Task.Delay(20);
        }
    }
}

public sealed class FileSystemStoreOutageTests(FileSystemOutageAppFixture app) : StoreOutageTests(app), IClassFixture<FileSystemOutageAppFixture>;

public sealed class S3StoreOutageTests(S3OutageAppFixture app) : StoreOutageTests(app), IClassFixture<S3OutageAppFixture>;
