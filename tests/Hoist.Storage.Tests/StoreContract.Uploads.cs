using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    private static string UnknownUploadId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task Uploading_a_part_to_an_unknown_upload_is_refused_with_NoSuchUpload()
    {
        var key = Key("unknown.bin");

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => UploadPartAsync(key, UnknownUploadId(), 1, TestData.Bytes(1, 1000)));
    }

    [Fact]
    public async Task Listing_the_parts_of_an_unknown_upload_is_refused_with_NoSuchUpload()
    {
        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => ListPartsAsync(Key("unknown.bin"), UnknownUploadId()));
    }

    [Fact]
    public async Task Completing_an_unknown_upload_is_refused_with_NoSuchUpload()
    {
        var part = new StoredPart(1, 1000, TestData.Md5Hex(TestData.Bytes(1, 1000)), DateTimeOffset.UtcNow);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => CompleteAsync(Key("unknown.bin"), UnknownUploadId(), part));
    }

    [Fact]
    public async Task Aborting_an_unknown_upload_is_refused_with_NoSuchUpload()
    {
        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => Store.AbortMultipartUploadAsync(Key("unknown.bin"), UnknownUploadId(), Ct));
    }

    [Fact]
    public async Task An_upload_id_used_with_another_key_is_refused_with_NoSuchUpload()
    {
        var key = Key("owner.bin");
        var uploadId = await CreateUploadAsync(key);
        await UploadPartAsync(key, uploadId, 1, TestData.Bytes(1, 1000));

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => ListPartsAsync(Key("other.bin"), uploadId));
        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => UploadPartAsync(Key("other.bin"), uploadId, 2, TestData.Bytes(2, 1000)));

        Assert.Single(await ListPartsAsync(key, uploadId));
    }

    [Fact]
    public async Task Aborting_removes_every_part_so_listing_them_is_refused_with_NoSuchUpload()
    {
        var (key, uploadId, _) = await TwoPartUploadAsync();

        await Store.AbortMultipartUploadAsync(key, uploadId, Ct);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => ListPartsAsync(key, uploadId));
    }

    [Fact]
    public async Task An_aborted_upload_is_no_longer_listed_as_incomplete()
    {
        var (key, uploadId, _) = await TwoPartUploadAsync();
        Assert.Contains(await ListUploadsAsync(Scope), u => u.UploadId == uploadId);

        await Store.AbortMultipartUploadAsync(key, uploadId, Ct);

        Assert.DoesNotContain(await ListUploadsAsync(Scope), u => u.UploadId == uploadId);
    }

    [Fact]
    public async Task An_aborted_upload_takes_no_more_parts()
    {
        var (key, uploadId, _) = await TwoPartUploadAsync();

        await Store.AbortMultipartUploadAsync(key, uploadId, Ct);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => UploadPartAsync(key, uploadId, 3, TestData.Bytes(3, 1000)));
    }

    [Fact]
    public async Task An_aborted_upload_cannot_be_completed()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();

        await Store.AbortMultipartUploadAsync(key, uploadId, Ct);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => CompleteAsync(key, uploadId, parts));
        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task Aborting_an_aborted_upload_is_refused_with_NoSuchUpload()
    {
        var (key, uploadId, _) = await TwoPartUploadAsync();
        await Store.AbortMultipartUploadAsync(key, uploadId, Ct);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => Store.AbortMultipartUploadAsync(key, uploadId, Ct));
    }

    [Fact]
    public async Task Listing_incomplete_uploads_answers_each_with_its_key_id_and_start_time()
    {
        var before = DateTimeOffset.UtcNow;
        var a = await CreateUploadAsync(Key("a.bin"));
        var b = await CreateUploadAsync(Key("b.bin"));
        var after = DateTimeOffset.UtcNow;

        var uploads = await ListUploadsAsync(Scope);

        Assert.Equal([(Key("a.bin"), a), (Key("b.bin"), b)], uploads.Select(u => (u.Key, u.UploadId)).Order());
        // S3 keeps the start time to the second (or millisecond); allow that and a little clock skew.
        Assert.All(uploads, u => Assert.InRange(u.Initiated, before.AddSeconds(-5), after.AddSeconds(5)));
    }

    [Fact]
    public async Task Listing_incomplete_uploads_keeps_to_the_prefix()
    {
        var inside = await CreateUploadAsync(Key("in/a.bin"));
        await CreateUploadAsync(Key("out/b.bin"));
        await CreateUploadAsync(Key("in-not/c.bin"));

        var uploads = await ListUploadsAsync(Key("in/"));

        var upload = Assert.Single(uploads);
        Assert.Equal((Key("in/a.bin"), inside), (upload.Key, upload.UploadId));
    }

    [Fact]
    public async Task Listing_incomplete_uploads_answers_all_of_them_past_1000()
    {
        var keys = Enumerable.Range(0, 1001).Select(i => Key($"many/{i:D4}.bin")).ToList();
        var ids = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (key, _) =>
            ids[await CreateUploadAsync(key)] = key);

        var uploads = await ListUploadsAsync(Key("many/"));

        Assert.Equal(ids.Keys.Order(), uploads.Select(u => u.UploadId).Order());
        Assert.All(uploads, u => Assert.Equal(ids[u.UploadId], u.Key));
        await Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (u, ct) =>
            await Store.AbortMultipartUploadAsync(u.Key, u.UploadId, ct));
    }

    [Fact]
    public async Task Two_uploads_of_one_key_are_independent()
    {
        var key = Key("twice.bin");
        var first = await CreateUploadAsync(key);
        var second = await CreateUploadAsync(key);
        Assert.NotEqual(first, second);
        var kept = await UploadPartAsync(key, second, 1, TestData.Bytes(2, 1000));
        await UploadPartAsync(key, first, 1, TestData.Bytes(1, 1000));

        await Store.AbortMultipartUploadAsync(key, first, Ct);

        Assert.Equal(kept.ETag, Assert.Single(await ListPartsAsync(key, second)).ETag);
        await CompleteAsync(key, second, kept);
        AssertSameBytes(TestData.Bytes(2, 1000), await ReadAsync(key));
    }

    [Fact]
    public async Task An_object_is_invisible_until_its_upload_completes()
    {
        var (key, _, _) = await TwoPartUploadAsync();

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
        await AssertStoreErrorAsync(StoreErrorCode.NoSuchKey, () => ReadAsync(key));
        Assert.Empty((await Store.ListObjectsAsync(Scope, null, 1000, Ct)).Objects);
    }
}
