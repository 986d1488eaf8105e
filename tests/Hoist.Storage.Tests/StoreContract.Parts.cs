using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Uploading_a_part_answers_its_ETag_from_its_bytes()
    {
        var key = Key("part-etag.bin");
        var uploadId = await CreateUploadAsync(key);
        var bytes = TestData.Bytes(11, 300_000);

        var part = await UploadPartAsync(key, uploadId, 1, bytes);

        Assert.Equal(PartETag(bytes), part.ETag);
        Assert.Equal(1, part.PartNumber);
        Assert.Equal(bytes.Length, part.Size);
    }

    [Fact]
    public async Task Listing_parts_answers_every_part_in_ascending_order_with_its_size_and_ETag()
    {
        var key = Key("list-parts.bin");
        var uploadId = await CreateUploadAsync(key);
        var bytes = new Dictionary<int, byte[]> { [3] = TestData.Bytes(3, 3000), [1] = TestData.Bytes(1, 1000), [7] = TestData.Bytes(7, 7000) };
        foreach (var (number, body) in bytes)
        {
            await UploadPartAsync(key, uploadId, number, body);
        }

        var parts = await ListPartsAsync(key, uploadId);

        Assert.Equal([1, 3, 7], parts.Select(p => p.PartNumber));
        Assert.All(parts, p => Assert.Equal(bytes[p.PartNumber].Length, p.Size));
        Assert.All(parts, p => Assert.Equal(PartETag(bytes[p.PartNumber]), p.ETag));
    }

    [Fact]
    public async Task Listing_parts_answers_all_of_them_past_1000()
    {
        var key = Key("many-parts.bin");
        var uploadId = await CreateUploadAsync(key);
        var options = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct };
        await Parallel.ForEachAsync(Enumerable.Range(1, 1001), options, async (number, _) =>
            await UploadPartAsync(key, uploadId, number, [(byte)number]));

        var parts = await ListPartsAsync(key, uploadId);

        Assert.Equal(Enumerable.Range(1, 1001), parts.Select(p => p.PartNumber));
        Assert.All(parts, p => Assert.Equal(PartETag([(byte)p.PartNumber]), p.ETag));
    }

    [Fact]
    public async Task Part_numbers_1_and_10000_are_accepted()
    {
        var key = Key("part-number-limits.bin");
        var uploadId = await CreateUploadAsync(key);

        await UploadPartAsync(key, uploadId, 1, TestData.Bytes(1, 100));
        await UploadPartAsync(key, uploadId, 10_000, TestData.Bytes(2, 100));

        Assert.Equal([1, 10_000], (await ListPartsAsync(key, uploadId)).Select(p => p.PartNumber));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    [InlineData(-1)]
    public async Task Part_numbers_outside_1_to_10000_are_refused_with_InvalidArgument(int partNumber)
    {
        var key = Key("bad-part-number.bin");
        var uploadId = await CreateUploadAsync(key);

        await AssertStoreErrorAsync(StoreErrorCode.InvalidArgument, () => UploadPartAsync(key, uploadId, partNumber, TestData.Bytes(1, 100)));

        Assert.Empty(await ListPartsAsync(key, uploadId));
    }

    [Fact]
    public async Task Uploading_a_part_number_again_replaces_its_bytes_and_ETag()
    {
        var key = Key("replace-part.bin");
        var uploadId = await CreateUploadAsync(key);
        var first = TestData.Bytes(1, 4000);
        var second = TestData.Bytes(2, 3000);
        await UploadPartAsync(key, uploadId, 1, first);

        var replaced = await UploadPartAsync(key, uploadId, 1, second);

        Assert.Equal(PartETag(second), replaced.ETag);
        var listed = Assert.Single(await ListPartsAsync(key, uploadId));
        Assert.Equal((PartETag(second), 3000L), (listed.ETag, listed.Size));
        await CompleteAsync(key, uploadId, replaced);
        AssertSameBytes(second, await ReadAsync(key));
    }

    [Fact]
    public async Task Many_parts_uploaded_at_once_are_all_stored()
    {
        var key = Key("parallel-parts.bin");
        var uploadId = await CreateUploadAsync(key);
        var bodies = Enumerable.Range(1, 40).ToDictionary(n => n, n => TestData.Bytes(n, 100_000 + n));

        var answered = await Task.WhenAll(bodies.Select(b => Task.Run(() => UploadPartAsync(key, uploadId, b.Key, b.Value))));

        Assert.All(answered, p => Assert.Equal(PartETag(bodies[p.PartNumber]), p.ETag));
        var listed = await ListPartsAsync(key, uploadId);
        Assert.Equal(bodies.Keys.Order(), listed.Select(p => p.PartNumber));
        Assert.All(listed, p => Assert.Equal((PartETag(bodies[p.PartNumber]), (long)bodies[p.PartNumber].Length), (p.ETag, p.Size)));
    }

    [Fact]
    public async Task Concurrent_uploads_of_one_part_number_leave_one_of_them_whole()
    {
        var key = Key("racing-part.bin");
        var uploadId = await CreateUploadAsync(key);
        var bodies = Enumerable.Range(1, 6).Select(seed => TestData.Bytes(seed, MiB)).ToList();

        await Task.WhenAll(bodies.Select(b => Task.Run(() => UploadPartAsync(key, uploadId, 1, b))));

        var part = Assert.Single(await ListPartsAsync(key, uploadId));
        var winner = bodies.SingleOrDefault(b => PartETag(b) == part.ETag);
        Assert.NotNull(winner);
        await CompleteAsync(key, uploadId, part);
        AssertSameBytes(winner, await ReadAsync(key));
    }

    [Fact]
    public async Task A_part_with_its_expected_SHA256_is_stored()
    {
        var key = Key("sha-ok.bin");
        var uploadId = await CreateUploadAsync(key);
        var bytes = TestData.Bytes(5, 200_000);

        var part = await UploadPartAsync(key, uploadId, 1, bytes, Sha256(bytes));

        Assert.Equal(PartETag(bytes), part.ETag);
        Assert.Equal(Convert.ToBase64String(Sha256(bytes)), part.ChecksumSha256);
        var listed = Assert.Single(await ListPartsAsync(key, uploadId));
        Assert.Equal(PartETag(bytes), listed.ETag);
        Assert.Equal(Convert.ToBase64String(Sha256(bytes)), listed.ChecksumSha256);
    }

    [Fact]
    public async Task A_replaced_part_lists_the_SHA256_of_its_new_bytes()
    {
        var key = Key("sha-replaced.bin");
        var uploadId = await CreateUploadAsync(key);
        var first = TestData.Bytes(6, 100_000);
        var second = TestData.Bytes(7, 100_000);

        await UploadPartAsync(key, uploadId, 1, first, Sha256(first));
        await UploadPartAsync(key, uploadId, 1, second, Sha256(second));

        Assert.Equal(Convert.ToBase64String(Sha256(second)), Assert.Single(await ListPartsAsync(key, uploadId)).ChecksumSha256);
    }

    [Fact]
    public async Task A_part_that_does_not_match_its_SHA256_is_refused_with_BadDigest_and_the_earlier_part_survives()
    {
        var key = Key("sha-bad.bin");
        var uploadId = await CreateUploadAsync(key);
        var earlier = TestData.Bytes(1, 200_000);
        await UploadPartAsync(key, uploadId, 1, earlier);
        var corrupt = TestData.Bytes(2, 200_000);

        await AssertStoreErrorAsync(StoreErrorCode.BadDigest, () => UploadPartAsync(key, uploadId, 1, corrupt, Sha256(TestData.Bytes(3, 200_000))));

        var part = Assert.Single(await ListPartsAsync(key, uploadId));
        Assert.Equal((PartETag(earlier), 200_000L), (part.ETag, part.Size));
        await CompleteAsync(key, uploadId, part);
        AssertSameBytes(earlier, await ReadAsync(key));
    }

    [Fact]
    public async Task A_part_body_shorter_than_declared_is_refused_with_IncompleteBody_and_nothing_is_stored()
    {
        var key = Key("short-part.bin");
        var uploadId = await CreateUploadAsync(key);
        var bytes = TestData.Bytes(1, 100_000);

        await AssertStoreErrorAsync(StoreErrorCode.IncompleteBody, () =>
            Store.UploadPartAsync(key, uploadId, 1, TestData.Body(bytes), bytes.Length + 1, null, Ct));

        Assert.Empty(await ListPartsAsync(key, uploadId));
    }

    [Fact]
    public async Task A_part_body_longer_than_declared_is_refused_with_IncompleteBody_and_nothing_is_stored()
    {
        var key = Key("long-part.bin");
        var uploadId = await CreateUploadAsync(key);
        var bytes = TestData.Bytes(1, 100_000);

        await AssertStoreErrorAsync(StoreErrorCode.IncompleteBody, () =>
            Store.UploadPartAsync(key, uploadId, 1, TestData.Body(bytes), bytes.Length - 1, null, Ct));

        Assert.Empty(await ListPartsAsync(key, uploadId));
    }

    [Fact]
    public async Task A_part_body_shorter_than_declared_leaves_the_earlier_part_in_place()
    {
        var key = Key("short-part-again.bin");
        var uploadId = await CreateUploadAsync(key);
        var earlier = TestData.Bytes(1, 50_000);
        await UploadPartAsync(key, uploadId, 1, earlier);
        var shorter = TestData.Bytes(2, 60_000);

        await AssertStoreErrorAsync(StoreErrorCode.IncompleteBody, () =>
            Store.UploadPartAsync(key, uploadId, 1, TestData.Body(shorter), 70_000, null, Ct));

        var part = Assert.Single(await ListPartsAsync(key, uploadId));
        Assert.Equal((PartETag(earlier), 50_000L), (part.ETag, part.Size));
    }
}
