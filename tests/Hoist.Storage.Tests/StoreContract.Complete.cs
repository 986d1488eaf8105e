using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Completing_answers_the_MD5_of_the_part_ETags_and_the_part_count_as_ETag()
    {
        var key = Key("multipart-etag.bin");
        var uploadId = await CreateUploadAsync(key);
        byte[][] bodies = [TestData.Bytes(1, MinPart), TestData.Bytes(2, MinPart), TestData.Bytes(3, 12_345)];
        var parts = new List<StoredPart>();
        for (var i = 0; i < bodies.Length; i++)
        {
            parts.Add(await UploadPartAsync(key, uploadId, i + 1, bodies[i]));
        }
        var expected = MultipartETag(bodies);

        var completed = await CompleteAsync(key, uploadId, [.. parts]);

        Assert.Equal(expected, completed.ETag);
        Assert.EndsWith("-3", completed.ETag, StringComparison.Ordinal);
        Assert.Equal(bodies.Sum(b => (long)b.Length), completed.Size);
        var head = await Store.HeadObjectAsync(key, Ct);
        Assert.NotNull(head);
        Assert.Equal((expected, completed.Size), (head.ETag, head.Size));
    }

    [Fact]
    public async Task A_completed_object_holds_the_parts_bytes_in_part_order()
    {
        var key = Key("assembled.bin");
        var uploadId = await CreateUploadAsync(key);
        var first = TestData.Bytes(1, MinPart);
        var second = TestData.Bytes(2, 777);
        var p2 = await UploadPartAsync(key, uploadId, 2, second);
        var p1 = await UploadPartAsync(key, uploadId, 1, first);

        await CompleteAsync(key, uploadId, p1, p2);

        AssertSameBytes([.. first, .. second], await ReadAsync(key));
    }

    [Fact]
    public async Task Completing_is_refused_with_EntityTooSmall_when_a_part_but_the_last_is_under_5_MiB()
    {
        var key = Key("too-small.bin");
        var uploadId = await CreateUploadAsync(key);
        var p1 = await UploadPartAsync(key, uploadId, 1, TestData.Bytes(1, MinPart - 1));
        var p2 = await UploadPartAsync(key, uploadId, 2, TestData.Bytes(2, 10));

        await AssertStoreErrorAsync(StoreErrorCode.EntityTooSmall, () => CompleteAsync(key, uploadId, p1, p2));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task A_completed_object_answers_the_same_ETag_size_and_checksum_however_often_asked()
    {
        var key = Key("asked-again.bin");
        var uploadId = await CreateUploadAsync(key);
        byte[] first = TestData.Bytes(1, MinPart), second = TestData.Bytes(2, 99);
        var p1 = await UploadPartAsync(key, uploadId, 1, first, Sha256(first));
        var p2 = await UploadPartAsync(key, uploadId, 2, second, Sha256(second));
        var expected = $"{Convert.ToBase64String(SHA256.HashData([.. Sha256(first), .. Sha256(second)]))}-2";

        var completed = await CompleteAsync(key, uploadId, p1, p2);

        Assert.Equal(expected, completed.ChecksumSha256);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(completed, await Store.HeadCompletedAsync(key, Ct));
        }
        Assert.Null(await Store.HeadCompletedAsync(Key("never-completed.bin"), Ct));
        await Store.DeleteObjectAsync(key, Ct);
        Assert.Null(await Store.HeadCompletedAsync(key, Ct));
    }

    [Fact]
    public async Task A_completed_objects_checksum_is_computed_even_when_no_part_declared_one()
    {
        var key = Key("no-declared-checksum.bin");
        var uploadId = await CreateUploadAsync(key);
        var bytes = TestData.Bytes(1, 10);
        var p1 = await UploadPartAsync(key, uploadId, 1, bytes);

        var completed = await CompleteAsync(key, uploadId, p1);

        Assert.Equal($"{Convert.ToBase64String(SHA256.HashData(Sha256(bytes)))}-1", completed.ChecksumSha256);
        Assert.Equal(completed, await Store.HeadCompletedAsync(key, Ct));
    }

    [Fact]
    public async Task A_part_of_exactly_5_MiB_followed_by_a_1_byte_last_part_completes()
    {
        var key = Key("smallest-parts.bin");
        var uploadId = await CreateUploadAsync(key);
        var p1 = await UploadPartAsync(key, uploadId, 1, TestData.Bytes(1, MinPart));
        var p2 = await UploadPartAsync(key, uploadId, 2, TestData.Bytes(2, 1));

        var completed = await CompleteAsync(key, uploadId, p1, p2);

        Assert.Equal(MinPart + 1L, completed.Size);
    }

    [Fact]
    public async Task Completing_with_parts_out_of_order_is_refused_with_InvalidPartOrder()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();

        await AssertStoreErrorAsync(StoreErrorCode.InvalidPartOrder, () => CompleteAsync(key, uploadId, parts[1], parts[0]));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task Completing_with_a_part_named_twice_is_refused_with_InvalidPartOrder()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();

        await AssertStoreErrorAsync(StoreErrorCode.InvalidPartOrder, () => CompleteAsync(key, uploadId, parts[0], parts[0], parts[1]));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task Completing_with_a_wrong_ETag_is_refused_with_InvalidPart()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();
        var wrong = parts[1] with { ETag = TestData.Md5Hex("not the part"u8) };

        await AssertStoreErrorAsync(StoreErrorCode.InvalidPart, () => CompleteAsync(key, uploadId, parts[0], wrong));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task Completing_with_a_part_never_uploaded_is_refused_with_InvalidPart()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();
        var missing = parts[1] with { PartNumber = 3 };

        await AssertStoreErrorAsync(StoreErrorCode.InvalidPart, () => CompleteAsync(key, uploadId, parts[0], parts[1], missing));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    // AWS would assemble a subset; Ceph RGW refuses it with InvalidPart. The contract takes the
    // strict rule, which every store can keep: a complete names exactly the parts the upload holds.
    [Fact]
    public async Task Completing_with_only_some_of_the_uploaded_parts_is_refused_with_InvalidPart()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();
        await UploadPartAsync(key, uploadId, 3, TestData.Bytes(3, 1000));

        await AssertStoreErrorAsync(StoreErrorCode.InvalidPart, () => CompleteAsync(key, uploadId, parts));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task Completing_with_no_parts_is_refused_with_InvalidPart()
    {
        var (key, uploadId, _) = await TwoPartUploadAsync();

        await AssertStoreErrorAsync(StoreErrorCode.InvalidPart, () => CompleteAsync(key, uploadId));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task A_refused_complete_leaves_the_upload_to_be_completed_properly()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();
        await AssertStoreErrorAsync(StoreErrorCode.InvalidPartOrder, () => CompleteAsync(key, uploadId, parts[1], parts[0]));

        var completed = await CompleteAsync(key, uploadId, parts);

        Assert.Equal(2L * MinPart, completed.Size);
        Assert.Equal(2L * MinPart, (await Store.HeadObjectAsync(key, Ct))?.Size);
    }

    [Fact]
    public async Task Completing_accepts_ETags_in_quotes()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();
        var quoted = parts.Select(p => p with { ETag = $"\"{p.ETag}\"" }).ToArray();

        var completed = await CompleteAsync(key, uploadId, quoted);

        Assert.Equal(2L * MinPart, completed.Size);
    }

    [Fact]
    public async Task A_completed_upload_no_longer_exists()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();

        await CompleteAsync(key, uploadId, parts);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => ListPartsAsync(key, uploadId));
        Assert.DoesNotContain(await ListUploadsAsync(Scope), u => u.UploadId == uploadId);
    }

    [Fact]
    public async Task Content_type_and_metadata_given_at_create_are_on_the_completed_object()
    {
        var key = Key("described.bin");
        var metadata = new Dictionary<string, string> { ["original-name"] = "holiday video.mp4", ["owner"] = "alice" };
        var uploadId = await Store.CreateMultipartUploadAsync(key, "video/mp4", metadata, null, Ct);
        var part = await UploadPartAsync(key, uploadId, 1, TestData.Bytes(1, 1000));

        await CompleteAsync(key, uploadId, part);

        var head = await Store.HeadObjectAsync(key, Ct);
        Assert.NotNull(head);
        Assert.Equal("video/mp4", head.ContentType);
        Assert.Equal(metadata, head.Metadata);
    }

    [Fact]
    public async Task A_single_part_upload_of_0_bytes_completes_as_an_empty_object()
    {
        var key = Key("empty-multipart.bin");
        var uploadId = await CreateUploadAsync(key);
        var part = await UploadPartAsync(key, uploadId, 1, []);
        Assert.Equal((PartETag([]), 0L), (part.ETag, part.Size));

        var completed = await CompleteAsync(key, uploadId, part);

        Assert.Equal((MultipartETag([[]]), 0L), (completed.ETag, completed.Size));
        Assert.Empty(await ReadAsync(key));
    }

    [Fact]
    public async Task A_105_MiB_object_uploaded_in_parallel_parts_out_of_order_reads_back_intact()
    {
        const long size = 105L * MiB;
        const int partSize = 8 * MiB;
        var key = Key("large.bin");
        var partCount = (int)((size + partSize - 1) / partSize);
        long PartLength(int n) => Math.Min(partSize, size - ((long)(n - 1) * partSize));
        int Seed(int n) => 1000 + n;

        // The expected values, from the generator alone: whole-object SHA-256 and the part ETags.
        using var expectedSha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var partETags = new List<byte[]>();
        for (var n = 1; n <= partCount; n++)
        {
            await using var source = TestData.Stream(Seed(n), PartLength(n));
            var part = new byte[PartLength(n)];
            await source.ReadExactlyAsync(part, Ct);
            expectedSha.AppendData(part);
            partETags.Add(Convert.FromHexString(PartETag(part)));
        }

        var uploadId = await CreateUploadAsync(key);
        var order = Enumerable.Range(1, partCount).OrderBy(n => (n * 7919) % partCount).ToList();
        Assert.NotEqual(Enumerable.Range(1, partCount), order);
        var stored = new System.Collections.Concurrent.ConcurrentBag<StoredPart>();
        await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (n, ct) =>
        {
            await using var body = TestData.Stream(Seed(n), PartLength(n));
            stored.Add(await Store.UploadPartAsync(key, uploadId, n, body, PartLength(n), null, ct));
        });
        var completed = await CompleteAsync(key, uploadId, [.. stored.OrderBy(p => p.PartNumber)]);

        Assert.Equal((TestData.MultipartETag(partETags), size), (completed.ETag, completed.Size));
        await using var content = await Store.GetObjectAsync(key, null, Ct);
        using var actualSha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[MiB];
        long total = 0;
        int n2;
        while ((n2 = await content.Body.ReadAsync(buffer, Ct)) > 0)
        {
            actualSha.AppendData(buffer, 0, n2);
            total += n2;
        }
        Assert.Equal(size, total);
        Assert.Equal(Convert.ToHexString(expectedSha.GetHashAndReset()), Convert.ToHexString(actualSha.GetHashAndReset()));
    }
}
