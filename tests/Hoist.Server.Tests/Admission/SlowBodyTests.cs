using Hoist.Server.Admission;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Admission;

/// <summary>
/// Hoist:Limits:MinBodyRate on real Kestrel: a part body slower than the minimum is dropped with 408
/// request_timeout once the grace period is over, and leaves nothing in the store; a body that keeps
/// above it is stored however long it takes. (The grace period is 2 s here to keep the tests short.)
/// </summary>
public abstract class SlowBodyTests(StoreFixture fixture) : ApiTests(fixture)
{
    private static Dictionary<string, string?> Settings() => ApiKeyOwners.Settings(new Dictionary<string, string?>
    {
        ["Hoist:Limits:MinBodyRate"] = "16384",
        ["Hoist:Limits:MinBodyRateGracePeriod"] = "00:00:02",
    });

    [Fact]
    public async Task A_part_body_slower_than_the_minimum_rate_is_dropped_with_408_and_leaves_no_trace_while_the_part_stored_before_survives()
    {
        await using var server = KestrelHoist.Start(Fixture, Settings());
        var alice = server.Client(ApiKeyOwners.AliceKey);
        var file = TestData.Bytes(seed: 100, 2 * TestData.PartSize);
        var parts = TestData.Split(file, TestData.PartSize);
        var upload = await alice.CreateAsync("slow.bin", file.Length, cancellationToken: Ct);
        await alice.PutPartAsync(upload.UploadId, 1, parts[0], cancellationToken: Ct);
        var before = await SnapshotAsync(upload.UploadId, alice);

        // Part 1 again (it is stored) and part 2 (it is not), both at 300 B/s.
        await using var again = await DrippingPart.OpenAsync(server.Address, upload.UploadId, 1, TestData.PartSize, ApiKeyOwners.AliceKey, Ct);
        await using var fresh = await DrippingPart.OpenAsync(server.Address, upload.UploadId, 2, TestData.PartSize, ApiKeyOwners.AliceKey, Ct);
        var dripping = Task.WhenAll(again.DripAsync(300, Ct), fresh.DripAsync(300, Ct));
        var answers = await Task.WhenAll(again.Answer, fresh.Answer).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await dripping;

        foreach (var answer in answers)
        {
            Assert.True(answer is { Status: 408, Code: "request_timeout" }, answer.ToString());
            Assert.True(answer.After > TimeSpan.FromSeconds(1.5) && answer.After < TimeSpan.FromSeconds(10), answer.ToString());
        }
        await AssertUnchangedAsync(before, upload.UploadId, alice);
        await AssertAllReleasedAsync(server);
        // The part stored before is whole: with part 2 sent at speed the file completes with the right bytes.
        await alice.PutPartAsync(upload.UploadId, 2, parts[1], cancellationToken: Ct);
        var completed = await alice.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await alice.DownloadSha256Async(completed.Key, Ct));
    }

    [Fact]
    public async Task A_part_body_that_keeps_above_the_minimum_rate_is_stored_however_long_it_takes()
    {
        await using var server = KestrelHoist.Start(Fixture, Settings());
        var alice = server.Client(ApiKeyOwners.AliceKey);
        const int size = 160 * 1024; // 5 s at 32 KiB/s: well past the grace period
        var upload = await alice.CreateAsync("steady.bin", size, cancellationToken: Ct);

        await using var steady = await DrippingPart.OpenAsync(server.Address, upload.UploadId, 1, size, ApiKeyOwners.AliceKey, Ct);
        await steady.DripAsync(32 * 1024, Ct);
        var answer = await steady.Answer.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(answer.Status == 200, answer.ToString());
        Assert.True(answer.After > TimeSpan.FromSeconds(3), answer.ToString());
        Assert.Equal((TestData.Sha256Hex(new byte[size]), (long)size), await alice.DownloadSha256Async(upload.Key, Ct));
        await AssertAllReleasedAsync(server);
    }

    /// <summary>Every count of the admission control is back to zero (the requests' ends are seen a moment after the answers).</summary>
    internal static async Task AssertAllReleasedAsync(KestrelHoist server)
    {
        var admission = server.Services.GetRequiredService<PartAdmission>();
        for (var waited = 0; admission.InFlightFor(ApiKeyOwners.Alice) + admission.InFlightFor(ApiKeyOwners.Bob) + admission.StoreWritesInUse > 0; waited += 50)
        {
            Assert.True(waited < 10_000, $"still counted after 10 s: alice {admission.InFlightFor(ApiKeyOwners.Alice)}, bob {admission.InFlightFor(ApiKeyOwners.Bob)}, store writes {admission.StoreWritesInUse}");
            await Task.Delay(50);
        }
    }
}

public sealed class SlowBodiesOnFileSystem(FileSystemFixture fixture) : SlowBodyTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class SlowBodiesOnS3(S3Fixture fixture) : SlowBodyTests(fixture), IClassFixture<S3Fixture>;
