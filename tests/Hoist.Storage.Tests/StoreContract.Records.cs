using System.Text;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    private IRecordStore Records => Fixture.Capabilities.Records ?? throw new Xunit.Sdk.XunitException("The store keeps no records.");

    /// <summary>A record folder of this test's own.</summary>
    private string RecordFolder { get; } = $"t-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_record_reads_back_as_written_and_is_gone_after_its_delete()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"id":"a"}""");

        await Records.PutRecordAsync(RecordFolder, "a.json", bytes, Ct);
        var read = await Records.GetRecordAsync(RecordFolder, "a.json", Ct);
        await Records.DeleteRecordAsync(RecordFolder, "a.json", Ct);

        Assert.Equal(bytes, read);
        Assert.Null(await Records.GetRecordAsync(RecordFolder, "a.json", Ct));
    }

    [Fact]
    public async Task A_missing_record_reads_as_null_and_deleting_it_is_not_an_error()
    {
        Assert.Null(await Records.GetRecordAsync(RecordFolder, "never.json", Ct));

        await Records.DeleteRecordAsync(RecordFolder, "never.json", Ct);
    }

    [Fact]
    public async Task Records_are_listed_by_name_in_order_up_to_the_maximum_and_only_their_own_folder()
    {
        foreach (var name in new[] { "c.json", "a.json", "b.json" })
        {
            await Records.PutRecordAsync(RecordFolder, name, "{}"u8.ToArray(), Ct);
        }
        await Records.PutRecordAsync(RecordFolder + "-other", "z.json", "{}"u8.ToArray(), Ct);

        Assert.Equal(["a.json", "b.json", "c.json"], await Records.ListRecordsAsync(RecordFolder, 10, Ct));
        Assert.Equal(["a.json", "b.json"], await Records.ListRecordsAsync(RecordFolder, 2, Ct));
        Assert.Empty(await Records.ListRecordsAsync(RecordFolder + "-empty", 10, Ct));
        await DeleteRecordsAsync(RecordFolder, RecordFolder + "-other");
    }

    [Fact]
    public async Task Writing_a_record_again_replaces_it()
    {
        await Records.PutRecordAsync(RecordFolder, "r.json", "1"u8.ToArray(), Ct);
        await Records.PutRecordAsync(RecordFolder, "r.json", "2"u8.ToArray(), Ct);

        Assert.Equal("2"u8.ToArray(), await Records.GetRecordAsync(RecordFolder, "r.json", Ct));
        await DeleteRecordsAsync(RecordFolder);
    }

    [Fact]
    public async Task Records_are_neither_objects_nor_listed_with_them()
    {
        await Records.PutRecordAsync(RecordFolder, "r.json", "{}"u8.ToArray(), Ct);

        var page = await Store.ListObjectsAsync("", null, 1000, Ct);
        Assert.DoesNotContain(page.Objects, o => o.Key.Contains(RecordFolder, StringComparison.Ordinal));
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => Store.HeadObjectAsync(RecordNames.KeyOf(RecordFolder, "r.json"), Ct));
        await DeleteRecordsAsync(RecordFolder);
    }

    [Theory]
    [InlineData("Upper", "a.json")]
    [InlineData("a/b", "a.json")]
    [InlineData("..", "a.json")]
    [InlineData("ok", "../a.json")]
    [InlineData("ok", ".hidden")]
    [InlineData("ok", "a/b")]
    [InlineData("ok", "")]
    public async Task Record_folders_and_names_outside_the_rules_are_refused(string folder, string name)
    {
        await AssertStoreErrorAsync(StoreErrorCode.InvalidArgument, () => Records.PutRecordAsync(folder, name, "{}"u8.ToArray(), Ct));
    }

    [Fact]
    public async Task A_record_larger_than_the_limit_is_refused()
    {
        await AssertStoreErrorAsync(StoreErrorCode.EntityTooLarge,
            () => Records.PutRecordAsync(RecordFolder, "big.json", new byte[RecordNames.MaxRecordBytes + 1], Ct));
    }

    /// <summary>Leaves nothing behind (the fixtures empty only what object listings show).</summary>
    private async Task DeleteRecordsAsync(params string[] folders)
    {
        foreach (var folder in folders)
        {
            foreach (var name in await Records.ListRecordsAsync(folder, 1000, Ct))
            {
                await Records.DeleteRecordAsync(folder, name, Ct);
            }
            Assert.Empty(await Records.ListRecordsAsync(folder, 1000, Ct));
        }
    }
}
