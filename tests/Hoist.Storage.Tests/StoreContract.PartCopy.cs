using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

/// <summary>A part copied from a stored object (S3's UploadPartCopy): how the tus face assembles a final upload from partial ones.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Objects_copied_into_parts_complete_into_their_concatenation()
    {
        var first = TestData.Bytes(50, MinPart + 3);
        var second = TestData.Bytes(51, 1234);
        await PutAsync(Key("first.bin"), first);
        // The second source is itself a completed multipart upload, as a tus partial upload is.
        var sourceKey = Key("second.bin");
        var sourceUpload = await CreateUploadAsync(sourceKey);
        await CompleteAsync(sourceKey, sourceUpload, await UploadPartAsync(sourceKey, sourceUpload, 1, second));
        var key = Key("joined.bin");
        var uploadId = await CreateUploadAsync(key);

        var parts = new[]
        {
            await Store.UploadPartCopyAsync(key, uploadId, 1, Key("first.bin"), Ct),
            await Store.UploadPartCopyAsync(key, uploadId, 2, sourceKey, Ct),
        };

        Assert.Equal((1, (long)first.Length, PartETag(first)), (parts[0].PartNumber, parts[0].Size, parts[0].ETag));
        Assert.Equal((2, (long)second.Length, PartETag(second)), (parts[1].PartNumber, parts[1].Size, parts[1].ETag));
        var listed = await ListPartsAsync(key, uploadId);
        Assert.Equal(parts.Select(p => (p.PartNumber, p.Size, p.ETag)), listed.Select(p => (p.PartNumber, p.Size, p.ETag)));
        var completed = await CompleteAsync(key, uploadId, parts);
        Assert.Equal(first.Length + second.Length, completed.Size);
        AssertSameBytes([.. first, .. second], await ReadAsync(key));
    }

    [Fact]
    public async Task Copying_a_missing_object_into_a_part_is_refused_with_NoSuchKey()
    {
        var key = Key("joined.bin");
        var uploadId = await CreateUploadAsync(key);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchKey, () => Store.UploadPartCopyAsync(key, uploadId, 1, Key("missing.bin"), Ct));

        Assert.Empty(await ListPartsAsync(key, uploadId));
    }

    [Fact]
    public async Task Copying_into_an_unknown_upload_is_refused_with_NoSuchUpload()
    {
        await PutAsync(Key("source.bin"), [1, 2, 3]);
        var key = Key("joined.bin");
        var uploadId = await CreateUploadAsync(key);
        await Store.AbortMultipartUploadAsync(key, uploadId, Ct);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchUpload, () => Store.UploadPartCopyAsync(key, uploadId, 1, Key("source.bin"), Ct));
    }
}
