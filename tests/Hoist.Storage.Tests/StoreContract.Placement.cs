using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

// The create's part size is a layout hint (docs/store-contract.md): whatever a client sends — parts
// that fit the plan, parts that do not, parts re-sent, raced or cut off — the object is exactly the
// parts the complete named. On the file system store these take the placed path and its fallbacks.
public abstract partial class StoreContract
{
    [Theory]
    [InlineData((long)MinPart)]
    [InlineData(null)]
    public async Task Parts_sent_in_any_order_make_the_object_whether_or_not_the_create_gave_the_part_size(long? partSize)
    {
        var key = Key("placed.bin");
        var uploadId = await CreateUploadAsync(key, partSize);
        byte[][] bodies = [TestData.Bytes(11, MinPart), TestData.Bytes(12, MinPart), TestData.Bytes(13, 3 * MiB + 7)];
        var parts = new StoredPart[3];
        foreach (var n in new[] { 3, 1, 2 })
        {
            parts[n - 1] = await UploadPartAsync(key, uploadId, n, bodies[n - 1]);
        }

        var completed = await CompleteAsync(key, uploadId, parts);

        Assert.Equal(bodies.Sum(b => (long)b.Length), completed.Size);
        AssertSameBytes([.. bodies.SelectMany(b => b)], await ReadAsync(key));
        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => ListPartsAsync(key, uploadId));
    }

    [Fact]
    public async Task A_part_sent_again_over_a_planned_part_replaces_it_and_a_failed_resend_keeps_it()
    {
        var key = Key("resent.bin");
        var uploadId = await CreateUploadAsync(key);
        var first = TestData.Bytes(21, MinPart);
        var second = TestData.Bytes(22, MinPart);
        var last = TestData.Bytes(23, MiB);
        await UploadPartAsync(key, uploadId, 1, first);
        var part2 = await UploadPartAsync(key, uploadId, 2, TestData.Bytes(24, MinPart));
        var part1 = await UploadPartAsync(key, uploadId, 1, second);
        // A re-send of part 2 whose bytes fail their checksum stores nothing: the part stored before stays.
        await AssertStoreErrorAsync(StoreErrorCode.BadDigest, () => UploadPartAsync(key, uploadId, 2, TestData.Bytes(25, MinPart), Sha256(TestData.Bytes(26, MinPart))));
        var part3 = await UploadPartAsync(key, uploadId, 3, last);

        var listed = await ListPartsAsync(key, uploadId);
        Assert.Equal([part1.ETag, part2.ETag, part3.ETag], listed.Select(p => p.ETag));
        await CompleteAsync(key, uploadId, part1, part2, part3);

        AssertSameBytes([.. second, .. TestData.Bytes(24, MinPart), .. last], await ReadAsync(key));
    }

    [Fact]
    public async Task Parts_that_do_not_fit_the_plan_still_make_the_object()
    {
        // Part 1 larger than planned, a gap in the numbers, then a short part: nothing is where the plan puts it.
        var key = Key("unplanned.bin");
        var uploadId = await CreateUploadAsync(key);
        var big = TestData.Bytes(31, MinPart + MiB);
        var middle = TestData.Bytes(32, MinPart);
        var tail = TestData.Bytes(33, 100);
        var parts = new[]
        {
            await UploadPartAsync(key, uploadId, 1, big),
            await UploadPartAsync(key, uploadId, 3, middle),
            await UploadPartAsync(key, uploadId, 7, tail),
        };

        await CompleteAsync(key, uploadId, parts);

        AssertSameBytes([.. big, .. middle, .. tail], await ReadAsync(key));
    }

    [Fact]
    public async Task Senders_racing_on_one_planned_part_leave_one_whole_part_that_the_complete_uses()
    {
        for (var round = 0; round < 5; round++)
        {
            var key = Key($"raced-part-{round}.bin");
            var uploadId = await CreateUploadAsync(key);
            var bodies = Enumerable.Range(0, 4).Select(i => TestData.Bytes(100 * round + i, MinPart)).ToList();
            using var start = new SemaphoreSlim(0);
            var senders = bodies.Select(body => Task.Run(async () =>
            {
                await start.WaitAsync(Ct);
                return await UploadPartAsync(key, uploadId, 1, body);
            })).ToList();
            start.Release(senders.Count);
            await Task.WhenAll(senders);
            var tail = TestData.Bytes(100 * round + 9, 1000);
            await UploadPartAsync(key, uploadId, 2, tail);

            var listed = await ListPartsAsync(key, uploadId);
            await Store.CompleteMultipartUploadAsync(key, uploadId, listed, Ct);

            var stored = await ReadAsync(key);
            var winner = bodies.FindIndex(b => stored.AsSpan(0, MinPart).SequenceEqual(b));
            Assert.True(winner >= 0, $"Round {round}: the object's first part is none of the bodies sent (a mix of them).");
            Assert.Equal(PartETag(bodies[winner]), listed[0].ETag);
            AssertSameBytes([.. bodies[winner], .. tail], stored);
        }
    }
}
