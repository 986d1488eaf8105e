using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

/// <summary>Scratch objects: the server's own temporary objects beside the uploads (the tus face's tails).</summary>
public abstract partial class StoreContract
{
    private string ScratchName(string name) => "contract/" + Scope + name;

    private async Task<byte[]> ReadScratchAsync(string name)
    {
        await using var content = await Store.GetScratchAsync(name, Ct);
        using var buffer = new MemoryStream();
        await content.Body.CopyToAsync(buffer, Ct);
        Assert.Equal(buffer.Length, content.Length);
        return buffer.ToArray();
    }

    [Fact]
    public async Task A_scratch_object_reads_back_byte_for_byte_and_lists_with_its_size()
    {
        var bytes = TestData.Bytes(40, 3 * MiB + 17);
        var name = ScratchName("a/tail.1");

        var put = await Store.PutScratchAsync(name, TestData.Body(bytes), bytes.Length, Ct);

        Assert.Equal((name, (long)bytes.Length), (put.Name, put.Size));
        AssertSameBytes(bytes, await ReadScratchAsync(name));
        var listed = Assert.Single(await Store.ListScratchAsync(ScratchName("a/"), Ct).ToListAsync(Ct));
        Assert.Equal((name, (long)bytes.Length), (listed.Name, listed.Size));
        Assert.True(listed.LastModified > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task An_empty_scratch_object_is_stored()
    {
        var name = ScratchName("empty");

        await Store.PutScratchAsync(name, TestData.Body([]), 0, Ct);

        Assert.Empty(await ReadScratchAsync(name));
    }

    [Fact]
    public async Task Scratch_objects_list_in_name_order_under_their_prefix_only()
    {
        foreach (var name in new[] { "p/b", "p/a", "p/c/d", "q/a", "pp" })
        {
            await Store.PutScratchAsync(ScratchName(name), TestData.Body([1]), 1, Ct);
        }

        var listed = await Store.ListScratchAsync(ScratchName("p/"), Ct).Select(s => s.Name).ToListAsync(Ct);

        Assert.Equal(["contract/" + Scope + "p/a", "contract/" + Scope + "p/b", "contract/" + Scope + "p/c/d"], listed);
    }

    [Fact]
    public async Task Putting_a_scratch_name_again_replaces_it()
    {
        var name = ScratchName("replaced");
        await Store.PutScratchAsync(name, TestData.Body([1, 2, 3]), 3, Ct);

        await Store.PutScratchAsync(name, TestData.Body([9]), 1, Ct);

        Assert.Equal(new byte[] { 9 }, await ReadScratchAsync(name));
    }

    [Fact]
    public async Task A_short_scratch_body_stores_nothing_and_keeps_the_earlier_object()
    {
        var name = ScratchName("kept");
        await Store.PutScratchAsync(name, TestData.Body([1, 2, 3]), 3, Ct);

        await AssertStoreErrorAsync(StoreErrorCode.IncompleteBody, () => Store.PutScratchAsync(name, TestData.Body(TestData.Bytes(41, 1000)), 2000, Ct));
        await AssertStoreErrorAsync(StoreErrorCode.IncompleteBody, () => Store.PutScratchAsync(ScratchName("never"), TestData.Body(TestData.Bytes(41, 1000)), 2000, Ct));

        Assert.Equal(new byte[] { 1, 2, 3 }, await ReadScratchAsync(name));
        Assert.Single(await Store.ListScratchAsync(ScratchName(""), Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_deleted_scratch_object_is_gone_and_deleting_it_again_is_no_error()
    {
        var name = ScratchName("deep/er/gone");
        await Store.PutScratchAsync(name, TestData.Body([1]), 1, Ct);

        await Store.DeleteScratchAsync(name, Ct);
        await Store.DeleteScratchAsync(name, Ct);

        await AssertStoreErrorAsync(StoreErrorCode.NoSuchKey, () => Store.GetScratchAsync(name, Ct));
        Assert.Empty(await Store.ListScratchAsync(ScratchName(""), Ct).ToListAsync(Ct));
        // The name can be used again at once (the file system store removed the emptied folders).
        await Store.PutScratchAsync(name, TestData.Body([2]), 1, Ct);
        Assert.Equal(new byte[] { 2 }, await ReadScratchAsync(name));
    }

    [Fact]
    public async Task Scratch_objects_are_never_listed_or_served_as_objects()
    {
        await Store.PutScratchAsync(ScratchName("hidden"), TestData.Body([1]), 1, Ct);

        var page = await Store.ListObjectsAsync("", null, 1000, Ct);

        Assert.DoesNotContain(page.Objects, o => o.Key.Contains("hidden", StringComparison.Ordinal));
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => Store.GetObjectAsync(ObjectKey.ScratchFolder + ScratchName("hidden"), null, Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("back\\slash")]
    public async Task Scratch_names_that_are_not_clean_keys_are_refused_with_InvalidKey(string name)
    {
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => Store.PutScratchAsync(name, TestData.Body([1]), 1, Ct));
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => Store.GetScratchAsync(name, Ct));
    }
}
