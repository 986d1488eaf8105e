using System.Text;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    private async Task<List<ObjectPage>> ListAllPagesAsync(string prefix, int maxKeys)
    {
        var pages = new List<ObjectPage>();
        string? token = null;
        do
        {
            var page = await Store.ListObjectsAsync(prefix, token, maxKeys, Ct);
            pages.Add(page);
            token = page.NextContinuationToken;
            Assert.True(pages.Count <= ListingSet.Count + 1, "The listing does not end.");
        }
        while (token is not null);
        return pages;
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(100)]
    [InlineData(250)]
    public async Task Listing_pages_through_more_than_1000_objects_in_key_order_without_repeats(int maxKeys)
    {
        var set = await Fixture.ListingSetAsync();

        var pages = await ListAllPagesAsync(set.Prefix, maxKeys);

        var keys = pages.SelectMany(p => p.Objects).Select(o => o.Key).ToList();
        Assert.Equal(set.Keys.Order(StringComparer.Ordinal), keys);
        var expectedPages = (ListingSet.Count + maxKeys - 1) / maxKeys;
        Assert.Equal(expectedPages, pages.Count);
        Assert.All(pages.SkipLast(1), p => Assert.Equal(maxKeys, p.Objects.Count));
        Assert.Null(pages[^1].NextContinuationToken);
    }

    [Fact]
    public async Task Listing_answers_at_most_1000_objects_per_page()
    {
        var set = await Fixture.ListingSetAsync();

        var page = await Store.ListObjectsAsync(set.Prefix, null, 5000, Ct);

        Assert.Equal(1000, page.Objects.Count);
        Assert.NotNull(page.NextContinuationToken);
    }

    [Fact]
    public async Task Listing_keeps_to_the_prefix()
    {
        var set = await Fixture.ListingSetAsync();

        var page = await Store.ListObjectsAsync(set.Prefix + "obj-10", null, 1000, Ct);

        Assert.Equal(Enumerable.Range(1000, 5).Select(i => $"{set.Prefix}obj-{i}"), page.Objects.Select(o => o.Key));
        Assert.Null(page.NextContinuationToken);
    }

    [Fact]
    public async Task Listing_a_prefix_that_is_not_a_folder_matches_keys_by_their_start()
    {
        var set = await Fixture.ListingSetAsync();
        var stem = set.Prefix.TrimEnd('/');

        var keys = (await ListAllPagesAsync(stem, 1000)).SelectMany(p => p.Objects).Select(o => o.Key).ToList();

        Assert.Equal(ListingSet.Count + 2, keys.Count);
        Assert.Contains(stem + "-decoy/obj-0000", keys);
        Assert.Contains(stem + "obj-0000", keys);
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task Listed_objects_carry_their_size_and_ETag()
    {
        var set = await Fixture.ListingSetAsync();

        var page = await Store.ListObjectsAsync(set.Prefix, null, 50, Ct);

        Assert.All(page.Objects, o =>
        {
            var bytes = Encoding.UTF8.GetBytes(o.Key);
            Assert.Equal((bytes.Length, TestData.Md5Hex(bytes)), ((int)o.Size, o.ETag));
        });
    }

    [Fact]
    public async Task Listing_a_prefix_with_no_objects_answers_an_empty_last_page()
    {
        var page = await Store.ListObjectsAsync(Key("nothing-here/"), null, 1000, Ct);

        Assert.Empty(page.Objects);
        Assert.Null(page.NextContinuationToken);
    }

    [Fact]
    public async Task Listing_shows_an_object_once_its_upload_completes()
    {
        var (key, uploadId, parts) = await TwoPartUploadAsync();
        Assert.Empty((await Store.ListObjectsAsync(Scope, null, 1000, Ct)).Objects);

        var completed = await CompleteAsync(key, uploadId, parts);

        var listed = Assert.Single((await Store.ListObjectsAsync(Scope, null, 1000, Ct)).Objects);
        Assert.Equal((key, completed.Size, completed.ETag), (listed.Key, listed.Size, listed.ETag));
    }
}
