using System.Diagnostics;
using System.Net;
using Hoist.Server.Admission;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Admission;

/// <summary>
/// Hoist:Limits caps on real Kestrel: part bodies in flight per owner and per client address (429
/// too_many_parts_in_flight at once, before the body is read) and store writes per instance (503
/// server_busy after StoreWriteWait), both with Retry-After; every count ends with its request, also
/// when the client drops it. Parts held in flight here send 1 KiB and stop; the grace period is long
/// so that the minimum body rate does not end them first.
/// </summary>
public abstract class PartAdmissionTests(StoreFixture fixture) : ApiTests(fixture)
{
    private static readonly IPAddress OtherAddress = IPAddress.Parse("127.0.0.2");

    private static Dictionary<string, string?> Settings(int perOwner, int perAddress, int storeWrites = 128, string storeWriteWait = "00:00:10") =>
        ApiKeyOwners.Settings(new Dictionary<string, string?>
        {
            ["Hoist:Limits:MaxPartsInFlightPerOwner"] = perOwner.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hoist:Limits:MaxPartsInFlightPerAddress"] = perAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hoist:Limits:MaxStoreWrites"] = storeWrites.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hoist:Limits:StoreWriteWait"] = storeWriteWait,
            ["Hoist:Limits:MinBodyRateGracePeriod"] = "00:10:00",
        });

    [Fact]
    public async Task A_part_over_the_per_owner_cap_is_429_too_many_parts_in_flight_with_Retry_After_before_its_body_and_other_owners_are_not_refused()
    {
        await using var setup = await HoldTwoPartsAsync(Settings(perOwner: 2, perAddress: 0), "capped.bin", admission => admission.InFlightFor(ApiKeyOwners.Alice));
        var (server, admission, alice, upload, held, _) = setup;
        var bob = server.Client(ApiKeyOwners.BobKey);
        var before = await SnapshotAsync(upload.UploadId, alice);

        await using var third = await DrippingPart.OpenAsync(server.Address, upload.UploadId, 3, TestData.PartSize, ApiKeyOwners.AliceKey, Ct);
        var refused = await third.Answer.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(refused is { Status: 429, Code: "too_many_parts_in_flight", BodySent: 0 }, refused.ToString());
        Assert.Equal(PartAdmission.TooManyPartsRetryAfter, refused.RetryAfter);
        Assert.True(refused.After < TimeSpan.FromSeconds(5), refused.ToString());
        var bobs = await bob.CreateAsync("other.bin", 10, cancellationToken: Ct);
        Assert.NotNull((await bob.PutPartAsync(bobs.UploadId, 1, new byte[10], cancellationToken: Ct)).Completed);
        await AssertUnchangedAsync(before, upload.UploadId, alice);

        // A part dropped by its client counts out: the next one is taken.
        await FreeOneThenStorePartThreeAsync(setup);
    }

    [Fact]
    public async Task A_part_over_the_per_address_cap_is_429_whichever_key_sends_it_and_another_address_is_not_refused()
    {
        await using var server = KestrelHoist.Start(Fixture, Settings(perOwner: 0, perAddress: 2));
        var admission = server.Services.GetRequiredService<PartAdmission>();
        var (alice, bob) = (server.Client(ApiKeyOwners.AliceKey), server.Client(ApiKeyOwners.BobKey));
        var alices = await alice.CreateAsync("a.bin", 3 * TestData.PartSize, cancellationToken: Ct);
        var bobs = await bob.CreateAsync("b.bin", 2 * TestData.PartSize, cancellationToken: Ct);
        var held = (await HoldAsync(server, alices.UploadId, [1], ApiKeyOwners.AliceKey)).Concat(await HoldAsync(server, bobs.UploadId, [1], ApiKeyOwners.BobKey)).ToList();
        await WaitUntilAsync(() => admission.InFlightFor(ApiKeyOwners.Alice) + admission.InFlightFor(ApiKeyOwners.Bob) == 2);

        await using var fromHere = await DrippingPart.OpenAsync(server.Address, bobs.UploadId, 2, TestData.PartSize, ApiKeyOwners.BobKey, Ct);
        var refused = await fromHere.Answer.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await using var fromElsewhere = await DrippingPart.OpenAsync(server.Address, alices.UploadId, 2, TestData.PartSize, ApiKeyOwners.AliceKey, Ct, from: OtherAddress);
        await fromElsewhere.SendAsync(TestData.PartSize, Ct);
        var taken = await fromElsewhere.Answer.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(refused is { Status: 429, Code: "too_many_parts_in_flight", BodySent: 0 }, refused.ToString());
        Assert.Equal(PartAdmission.TooManyPartsRetryAfter, refused.RetryAfter);
        Assert.True(taken.Status == 200, taken.ToString());
        foreach (var part in held)
        {
            await part.DisposeAsync();
        }
        await SlowBodyTests.AssertAllReleasedAsync(server);
        Assert.Empty((await bob.ListPartsAsync(bobs.UploadId, Ct)).Parts);
        Assert.Equal([2], (await alice.ListPartsAsync(alices.UploadId, Ct)).Parts.Select(p => p.PartNumber));
        using var abortedA = await alice.AbortRawAsync(alices.UploadId, Ct);
        using var abortedB = await bob.AbortRawAsync(bobs.UploadId, Ct);
    }

    [Fact]
    public async Task A_part_that_waits_StoreWriteWait_for_a_store_write_is_503_server_busy_with_Retry_After_and_stores_nothing()
    {
        await using var setup = await HoldTwoPartsAsync(Settings(perOwner: 0, perAddress: 0, storeWrites: 2, storeWriteWait: "00:00:01"), "busy.bin", admission => admission.StoreWritesInUse);
        var (server, admission, alice, upload, held, _) = setup;
        var before = await SnapshotAsync(upload.UploadId, alice);

        await using var waiting = await DrippingPart.OpenAsync(server.Address, upload.UploadId, 3, TestData.PartSize, ApiKeyOwners.AliceKey, Ct);
        var refused = await waiting.Answer.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(refused is { Status: 503, Code: "server_busy", BodySent: 0 }, refused.ToString());
        Assert.Equal(PartAdmission.BusyRetryAfter, refused.RetryAfter);
        Assert.True(refused.After > TimeSpan.FromSeconds(0.9) && refused.After < TimeSpan.FromSeconds(10), refused.ToString());
        await AssertUnchangedAsync(before, upload.UploadId, alice);
        await FreeOneThenStorePartThreeAsync(setup);
    }

    [Fact]
    public async Task A_part_waiting_for_a_store_write_takes_the_first_that_frees()
    {
        await using var setup = await HoldTwoPartsAsync(Settings(perOwner: 0, perAddress: 0, storeWrites: 2, storeWriteWait: "00:00:30"), "queued.bin", admission => admission.StoreWritesInUse);
        var (server, admission, alice, upload, held, _) = setup;

        var waiting = alice.PutPartAsync(upload.UploadId, 3, new byte[TestData.PartSize], cancellationToken: Ct);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        Assert.False(waiting.IsCompleted, "the part did not wait for a store write");
        var clock = Stopwatch.StartNew();
        await held[0].DisposeAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"taken {clock.Elapsed.TotalSeconds:F1} s after a store write freed");
        await held[1].DisposeAsync();
        await SlowBodyTests.AssertAllReleasedAsync(server);
        Assert.Equal([3], (await alice.ListPartsAsync(upload.UploadId, Ct)).Parts.Select(p => p.PartNumber));
        using var aborted = await alice.AbortRawAsync(upload.UploadId, Ct);
    }

    /// <summary>
    /// A server with these settings, Alice's upload of 4 parts, and its parts 1 and 2 in flight (1 KiB sent each)
    /// once <paramref name="counted"/> counts them both. Disposing it stops the server.
    /// </summary>
    private async Task<HeldParts> HoldTwoPartsAsync(Dictionary<string, string?> settings, string fileName, Func<PartAdmission, int> counted)
    {
        var server = KestrelHoist.Start(Fixture, settings);
        try
        {
            var admission = server.Services.GetRequiredService<PartAdmission>();
            var alice = server.Client(ApiKeyOwners.AliceKey);
            var upload = await alice.CreateAsync(fileName, 4 * TestData.PartSize, cancellationToken: Ct);
            var held = await HoldAsync(server, upload.UploadId, [1, 2], ApiKeyOwners.AliceKey);
            await WaitUntilAsync(() => counted(admission) == 2);
            return new HeldParts(server, admission, alice, upload, held, counted);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends held part 1, waits until it counts out, sends part 3 whole, ends held part 2: then only part 3 is stored, nothing is counted.</summary>
    private async Task FreeOneThenStorePartThreeAsync(HeldParts setup)
    {
        await setup.Held[0].DisposeAsync();
        await WaitUntilAsync(() => setup.Counted(setup.Admission) == 1);
        await setup.Alice.PutPartAsync(setup.Upload.UploadId, 3, new byte[TestData.PartSize], cancellationToken: Ct);
        await setup.Held[1].DisposeAsync();
        await SlowBodyTests.AssertAllReleasedAsync(setup.Server);
        Assert.Equal([3], (await setup.Alice.ListPartsAsync(setup.Upload.UploadId, Ct)).Parts.Select(p => p.PartNumber));
        using var aborted = await setup.Alice.AbortRawAsync(setup.Upload.UploadId, Ct);
    }

    private sealed record HeldParts(KestrelHoist Server, PartAdmission Admission, HoistApi Alice, CreatedUpload Upload, List<DrippingPart> Held, Func<PartAdmission, int> Counted) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>Opens these parts and sends 1 KiB of each: parts in flight until disposed.</summary>
    private async Task<List<DrippingPart>> HoldAsync(KestrelHoist server, string uploadId, int[] partNumbers, string bearer)
    {
        var held = new List<DrippingPart>();
        foreach (var number in partNumbers)
        {
            var part = await DrippingPart.OpenAsync(server.Address, uploadId, number, TestData.PartSize, bearer, Ct);
            await part.SendAsync(1024, Ct);
            held.Add(part);
        }
        return held;
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the held parts were not admitted within 20 s");
            await Task.Delay(25, Ct);
        }
    }
}

public sealed class PartAdmissionOnFileSystem(FileSystemFixture fixture) : PartAdmissionTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class PartAdmissionOnS3(S3Fixture fixture) : PartAdmissionTests(fixture), IClassFixture<S3Fixture>;
