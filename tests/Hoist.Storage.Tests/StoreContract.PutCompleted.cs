using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

/// <summary>A one-part file stored in one call (PutCompletedAsync): what a one-part upload's complete would leave.</summary>
public abstract partial class StoreContract
{
    private Task<CompletedObject> PutCompletedAsync(string key, byte[] bytes, byte[] sha256, long? length = null) =>
        Store.PutCompletedAsync(key, TestData.Body(bytes), length ?? bytes.Length, sha256, "text/plain",
            new Dictionary<string, string> { ["original-name"] = "a%20b.txt" }, Ct);

    private static string OnePartChecksum(byte[] bytes) => $"{Convert.ToBase64String(SHA256.HashData(SHA256.HashData(bytes)))}-1";

    [Fact]
    public async Task A_file_put_completed_answers_its_parts_ETag_and_the_one_part_checksum_and_is_found_completed()
    {
        var key = Key("single.txt");
        var bytes = TestData.Bytes(1, 70_000);

        var completed = await PutCompletedAsync(key, bytes, Sha256(bytes));

        Assert.Equal((key, PartETag(bytes), 70_000L, OnePartChecksum(bytes)), (completed.Key, completed.ETag, completed.Size, completed.ChecksumSha256));
        Assert.Equal(completed, await Store.HeadCompletedAsync(key, Ct));
        AssertSameBytes(bytes, await ReadAsync(key));
        var head = await Store.HeadObjectAsync(key, Ct);
        Assert.NotNull(head);
        Assert.Equal(("text/plain", PartETag(bytes), "a%20b.txt"), (head.ContentType, head.ETag, head.Metadata["original-name"]));
        Assert.Empty(await ListUploadsAsync(Scope));
    }

    [Fact]
    public async Task An_empty_file_put_completed_is_an_empty_object_with_its_checksum()
    {
        var key = Key("empty.txt");

        var completed = await PutCompletedAsync(key, [], Sha256([]));

        Assert.Equal((0L, OnePartChecksum([])), (completed.Size, completed.ChecksumSha256));
        Assert.Empty(await ReadAsync(key));
    }

    [Fact]
    public async Task A_file_put_completed_that_does_not_match_its_SHA256_is_refused_with_BadDigest_and_the_earlier_object_survives()
    {
        var key = Key("single-bad.txt");
        var earlier = TestData.Bytes(1, 50_000);
        await PutCompletedAsync(key, earlier, Sha256(earlier));

        await AssertStoreErrorAsync(StoreErrorCode.BadDigest, () => PutCompletedAsync(key, TestData.Bytes(2, 50_000), Sha256(TestData.Bytes(3, 50_000))));

        AssertSameBytes(earlier, await ReadAsync(key));
        Assert.Equal(OnePartChecksum(earlier), (await Store.HeadCompletedAsync(key, Ct))?.ChecksumSha256);
    }

    [Fact]
    public async Task A_file_put_completed_with_a_short_body_stores_nothing()
    {
        var key = Key("single-short.txt");
        var bytes = TestData.Bytes(4, 10_000);

        await Assert.ThrowsAnyAsync<Exception>(() => PutCompletedAsync(key, bytes, Sha256(bytes), length: 20_000));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task A_file_put_completed_where_the_key_holds_an_object_stores_nothing_and_says_ObjectExists()
    {
        var key = Key("single-taken.txt");
        var earlier = TestData.Bytes(5, 40_000);
        await PutCompletedAsync(key, earlier, Sha256(earlier));
        var later = TestData.Bytes(6, 40_000);

        await AssertStoreErrorAsync(StoreErrorCode.ObjectExists, () => PutCompletedAsync(key, later, Sha256(later)));

        AssertSameBytes(earlier, await ReadAsync(key));
        Assert.Equal(OnePartChecksum(earlier), (await Store.HeadCompletedAsync(key, Ct))?.ChecksumSha256);
    }

    [Fact]
    public async Task Of_files_put_completed_to_one_key_at_the_same_instant_one_is_stored_whole_and_the_others_are_refused()
    {
        const int Racers = 4;
        var key = Key("single-race.txt");
        var files = Enumerable.Range(0, Racers).Select(i => TestData.Bytes(10 + i, 300_000)).ToArray();
        // Each body holds back its second half until every put has begun: all of them pass any check
        // made before the bytes and reach the commit together.
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Started()
        {
            if (Interlocked.Increment(ref started) == Racers)
            {
                allStarted.SetResult();
            }
        }

        var outcomes = await Task.WhenAll(files.Select(async bytes =>
        {
            try
            {
                await Store.PutCompletedAsync(key, new HeldBackStream(bytes, Started, allStarted.Task), bytes.Length, Sha256(bytes), null, new Dictionary<string, string>(), Ct);
                return bytes;
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.ObjectExists)
            {
                return null;
            }
        }));

        var stored = Assert.Single(outcomes, o => o is not null);
        AssertSameBytes(stored!, await ReadAsync(key));
        Assert.Equal(OnePartChecksum(stored!), (await Store.HeadCompletedAsync(key, Ct))?.ChecksumSha256);
    }
}
