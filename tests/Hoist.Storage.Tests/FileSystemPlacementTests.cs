using Hoist.Server.Storage;
using Hoist.Server.Storage.FileSystem;

namespace Hoist.Storage.Tests;

/// <summary>
/// How the file system store keeps planned parts (docs/store-contract.md, "Parts placed where they end
/// up"): in the upload's data file, so each byte is written once. The contract tests check the bytes;
/// these check where they went.
/// </summary>
public sealed class FileSystemPlacementTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private const int PartSize = 5 * MiB;

    private readonly FileSystemTestStore _folder = new("hoist-placement");
    private readonly FileSystemStore _store;
    private readonly CancellationToken _ct = CancellationToken.None;

    public FileSystemPlacementTests() => _store = (FileSystemStore)_folder.Open();

    private string Root => _folder.Root;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _folder.DisposeAsync().AsTask();

    private string UploadFolder(string uploadId) => Path.Combine(Root, ".hoist", "uploads", uploadId);

    private static string[] Names(string folder) =>
        [.. Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n is not (".lock" or "upload.json" or "data.lock") && !n!.EndsWith(".claim", StringComparison.Ordinal)).Order(StringComparer.Ordinal)!];

    [Fact]
    public async Task Planned_parts_go_into_the_data_file_and_the_complete_makes_it_the_object()
    {
        var key = "owner/placed.bin";
        var uploadId = await _store.CreateMultipartUploadAsync(key, null, new Dictionary<string, string>(), PartSize, _ct);
        byte[][] bodies = [TestData.Bytes(1, PartSize), TestData.Bytes(2, PartSize), TestData.Bytes(3, 1234)];
        var parts = new StoredPart[3];
        foreach (var n in new[] { 2, 3, 1 })
        {
            parts[n - 1] = await _store.UploadPartAsync(key, uploadId, n, new MemoryStream(bodies[n - 1]), bodies[n - 1].Length, null, _ct);
        }

        Assert.Equal(["00001.placed", "00002.placed", "00003.placed", "data"], Names(UploadFolder(uploadId)));
        Assert.Equal(2L * PartSize + 1234, new FileInfo(Path.Combine(UploadFolder(uploadId), "data")).Length);

        await _store.CompleteMultipartUploadAsync(key, uploadId, parts, _ct);

        Assert.False(Directory.Exists(UploadFolder(uploadId)));
        Assert.Equal(bodies.SelectMany(b => b).ToArray(), await File.ReadAllBytesAsync(Path.Combine(Root, key), _ct));
        Assert.Empty(Directory.GetFiles(Path.Combine(Root, ".hoist", "tmp")));
    }

    [Fact]
    public async Task A_part_sent_again_goes_to_a_part_file_of_its_own_and_replaces_the_placed_one()
    {
        var key = "owner/resent.bin";
        var uploadId = await _store.CreateMultipartUploadAsync(key, null, new Dictionary<string, string>(), PartSize, _ct);
        await _store.UploadPartAsync(key, uploadId, 1, new MemoryStream(TestData.Bytes(1, PartSize)), PartSize, null, _ct);
        var again = TestData.Bytes(9, PartSize);
        var part1 = await _store.UploadPartAsync(key, uploadId, 1, new MemoryStream(again), PartSize, null, _ct);

        Assert.Equal(["00001.part", "data"], Names(UploadFolder(uploadId)));

        var part2 = await _store.UploadPartAsync(key, uploadId, 2, new MemoryStream(TestData.Bytes(2, 10)), 10, null, _ct);
        await _store.CompleteMultipartUploadAsync(key, uploadId, [part1, part2], _ct);
        var stored = await File.ReadAllBytesAsync(Path.Combine(Root, key), _ct);
        Assert.Equal(again.Concat(TestData.Bytes(2, 10)), stored);
    }

    [Fact]
    public async Task Without_a_part_size_parts_are_files_as_before()
    {
        var key = "owner/unplanned.bin";
        var uploadId = await _store.CreateMultipartUploadAsync(key, null, new Dictionary<string, string>(), null, _ct);
        var part = await _store.UploadPartAsync(key, uploadId, 1, new MemoryStream(TestData.Bytes(1, 100)), 100, null, _ct);

        Assert.Equal(["00001.part"], Names(UploadFolder(uploadId)));
        await _store.CompleteMultipartUploadAsync(key, uploadId, [part], _ct);
        Assert.Equal(TestData.Bytes(1, 100), await File.ReadAllBytesAsync(Path.Combine(Root, key), _ct));
    }
}
