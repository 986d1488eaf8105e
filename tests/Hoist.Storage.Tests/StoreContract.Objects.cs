using System.Text;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task Putting_an_object_answers_its_size_and_the_hex_MD5_as_ETag()
    {
        var bytes = TestData.Bytes(1, 123_456);

        var info = await PutAsync(Key("put.bin"), bytes);

        Assert.Equal((Key("put.bin"), 123_456L, TestData.Md5Hex(bytes)), (info.Key, info.Size, info.ETag));
    }

    [Fact]
    public async Task A_put_object_reads_back_byte_for_byte()
    {
        var bytes = TestData.Bytes(2, 700_001);
        await PutAsync(Key("put.bin"), bytes);

        var content = await ReadAsync(Key("put.bin"));

        AssertSameBytes(bytes, content);
    }

    [Fact]
    public async Task Content_type_and_metadata_round_trip_through_put_head_and_get()
    {
        var key = Key("described.txt");
        var metadata = new Dictionary<string, string> { ["original-name"] = "notes (final).txt", ["owner"] = "bob" };
        var bytes = "hello"u8.ToArray();

        await PutAsync(key, bytes, "text/plain; charset=utf-8", metadata);

        var head = await Store.HeadObjectAsync(key, Ct);
        Assert.NotNull(head);
        Assert.Equal((key, 5L, TestData.Md5Hex(bytes), "text/plain; charset=utf-8"), (head.Key, head.Size, head.ETag, head.ContentType));
        Assert.Equal(metadata, head.Metadata);
        await using var content = await Store.GetObjectAsync(key, null, Ct);
        Assert.Equal(head.ContentType, content.Info.ContentType);
        Assert.Equal(metadata, content.Info.Metadata);
    }

    [Fact]
    public async Task Metadata_values_beyond_ASCII_round_trip()
    {
        var key = Key("unicode-metadata.txt");
        var metadata = new Dictionary<string, string> { ["original-name"] = "Zoë's résumé – 日本.pdf", ["note"] = " padded " };

        await PutAsync(key, [1], "application/pdf", metadata);

        Assert.Equal(metadata, (await Store.HeadObjectAsync(key, Ct))?.Metadata);
    }

    // S3 sends metadata as x-amz-meta-* headers, whose names it answers in lower case.
    [Fact]
    public async Task Metadata_names_come_back_in_lower_case()
    {
        var key = Key("cased-metadata.txt");

        await PutAsync(key, [1], null, new Dictionary<string, string> { ["Original-Name"] = "a.txt" });

        Assert.Equal(new Dictionary<string, string> { ["original-name"] = "a.txt" }, (await Store.HeadObjectAsync(key, Ct))?.Metadata);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("colon:name")]
    [InlineData("")]
    [InlineData("naïve")]
    public async Task Metadata_names_that_are_not_header_names_are_refused_with_InvalidArgument(string name)
    {
        var key = Key("bad-metadata.txt");

        await AssertStoreErrorAsync(StoreErrorCode.InvalidArgument, () => PutAsync(key, [1], null, new Dictionary<string, string> { [name] = "x" }));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task An_object_put_without_a_content_type_has_none()
    {
        var key = Key("untyped.bin");

        await PutAsync(key, [1, 2, 3]);

        Assert.Null((await Store.HeadObjectAsync(key, Ct))?.ContentType);
    }

    [Fact]
    public async Task Putting_an_object_again_replaces_it()
    {
        var key = Key("replaced.bin");
        await PutAsync(key, TestData.Bytes(1, 5000), "application/x-old");

        var newer = TestData.Bytes(2, 3000);
        await PutAsync(key, newer, "application/x-new");

        AssertSameBytes(newer, await ReadAsync(key));
        var head = await Store.HeadObjectAsync(key, Ct);
        Assert.Equal((3000L, TestData.Md5Hex(newer), "application/x-new"), (head?.Size, head?.ETag, head?.ContentType));
    }

    [Fact]
    public async Task A_0_byte_object_can_be_put_and_read()
    {
        var key = Key("empty.bin");

        var info = await PutAsync(key, []);

        Assert.Equal((0L, "d41d8cd98f00b204e9800998ecf8427e"), (info.Size, info.ETag));
        Assert.Equal(0L, (await Store.HeadObjectAsync(key, Ct))?.Size);
        Assert.Empty(await ReadAsync(key));
    }

    [Fact]
    public async Task Heading_a_missing_object_answers_null()
    {
        Assert.Null(await Store.HeadObjectAsync(Key("missing.bin"), Ct));
    }

    [Fact]
    public async Task Getting_a_missing_object_is_refused_with_NoSuchKey()
    {
        await AssertStoreErrorAsync(StoreErrorCode.NoSuchKey, () => Store.GetObjectAsync(Key("missing.bin"), null, Ct));
    }

    [Fact]
    public async Task Deleting_a_missing_object_is_not_an_error()
    {
        await Store.DeleteObjectAsync(Key("missing.bin"), Ct);

        Assert.Null(await Store.HeadObjectAsync(Key("missing.bin"), Ct));
    }

    // On a disk the shared start of other keys is a folder; in S3 it is just a name nobody holds.
    [Fact]
    public async Task A_key_that_only_starts_other_keys_is_a_missing_object()
    {
        await PutAsync(Key("folder/inner.bin"), TestData.Bytes(1, 100));
        var folder = Key("folder");

        Assert.Null(await Store.HeadObjectAsync(folder, Ct));
        await AssertStoreErrorAsync(StoreErrorCode.NoSuchKey, () => Store.GetObjectAsync(folder, null, Ct));
        await Store.DeleteObjectAsync(folder, Ct);
        Assert.NotNull(await Store.HeadObjectAsync(Key("folder/inner.bin"), Ct));
    }

    [Fact]
    public async Task Deleting_an_object_removes_it()
    {
        var key = Key("doomed.bin");
        await PutAsync(key, TestData.Bytes(1, 100));

        await Store.DeleteObjectAsync(key, Ct);

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
        await AssertStoreErrorAsync(StoreErrorCode.NoSuchKey, () => ReadAsync(key));
        Assert.Empty((await Store.ListObjectsAsync(Scope, null, 1000, Ct)).Objects);
    }

    [Fact]
    public async Task A_put_body_shorter_than_declared_is_refused_with_IncompleteBody_and_nothing_is_stored()
    {
        var key = Key("short-put.bin");
        var bytes = TestData.Bytes(1, 10_000);

        await AssertStoreErrorAsync(StoreErrorCode.IncompleteBody, () =>
            Store.PutObjectAsync(key, TestData.Body(bytes), bytes.Length + 100, null, NoMetadata, Ct));

        Assert.Null(await Store.HeadObjectAsync(key, Ct));
    }

    [Fact]
    public async Task A_put_body_shorter_than_declared_leaves_the_earlier_object_in_place()
    {
        var key = Key("short-put-again.bin");
        var earlier = TestData.Bytes(1, 10_000);
        await PutAsync(key, earlier);

        await AssertStoreErrorAsync(StoreErrorCode.IncompleteBody, () =>
            Store.PutObjectAsync(key, TestData.Body(TestData.Bytes(2, 5000)), 20_000, null, NoMetadata, Ct));

        AssertSameBytes(earlier, await ReadAsync(key));
    }

    [Fact]
    public async Task Keys_with_spaces_unicode_and_punctuation_round_trip()
    {
        var key = Key("Ünïcødé dir/файл + name (1) & 100%#?.txt");
        var bytes = Encoding.UTF8.GetBytes(key);

        await PutAsync(key, bytes);

        Assert.Equal(key, (await Store.HeadObjectAsync(key, Ct))?.Key);
        AssertSameBytes(bytes, await ReadAsync(key));
        Assert.Equal([key], (await Store.ListObjectsAsync(Scope, null, 1000, Ct)).Objects.Select(o => o.Key));
    }

    [Theory]
    [InlineData(10L, 19L, null, 10L, 10L)]
    [InlineData(0L, 0L, null, 0L, 1L)]
    [InlineData(990L, null, null, 990L, 10L)]
    [InlineData(995L, 5000L, null, 995L, 5L)]
    [InlineData(null, null, 100L, 900L, 100L)]
    [InlineData(null, null, 5000L, 0L, 1000L)]
    public async Task Getting_a_range_answers_exactly_those_bytes(long? from, long? to, long? suffix, long first, long length)
    {
        var key = Key("ranged.bin");
        var bytes = TestData.Bytes(9, 1000);
        await PutAsync(key, bytes);

        await using var content = await Store.GetObjectAsync(key, new ByteRange(from, to, suffix), Ct);
        using var read = new MemoryStream();
        await content.Body.CopyToAsync(read, Ct);

        Assert.Equal((first, length), (content.First, content.Length));
        AssertSameBytes(bytes.AsSpan((int)first, (int)length).ToArray(), read.ToArray());
        Assert.Equal(1000L, content.Info.Size);
        Assert.Equal(TestData.Md5Hex(bytes), content.Info.ETag);
    }

    [Theory]
    [InlineData(1000L, null)]
    [InlineData(1000L, 1005L)]
    [InlineData(5000L, null)]
    public async Task Getting_a_range_that_starts_past_the_end_is_refused_with_InvalidRange(long from, long? to)
    {
        var key = Key("ranged.bin");
        await PutAsync(key, TestData.Bytes(9, 1000));

        await AssertStoreErrorAsync(StoreErrorCode.InvalidRange, () => Store.GetObjectAsync(key, new ByteRange(from, to), Ct));
    }

    [Fact]
    public async Task Getting_a_range_of_an_empty_object_is_refused_with_InvalidRange()
    {
        var key = Key("empty-ranged.bin");
        await PutAsync(key, []);

        await AssertStoreErrorAsync(StoreErrorCode.InvalidRange, () => Store.GetObjectAsync(key, new ByteRange(0, null), Ct));
    }
}
