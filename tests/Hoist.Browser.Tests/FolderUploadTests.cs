using Hoist.Browser.Tests.Support;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>
/// A chosen or dropped folder's files go up with their paths inside it, under one id (a group, docs/api.md),
/// and the keys keep the tree. On each store.
/// </summary>
public abstract class FolderUploadTests(PageFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_folder_of_three_files_in_two_subfolders_keeps_its_paths()
    {
        using var files = new TestFiles();
        TestFile[] sources =
        [
            files.Random("album/cover.txt", 1000),
            files.Random("album/2024/spring.bin", 2 * 1024 * 1024),
            files.Random("album/2024/summer/beach.bin", 9 * 1024 * 1024),
        ];
        await using var page = await UploadPage.OpenAsync(fixture);

        await page.Page.Locator("#folder-input").SetInputFilesAsync(Path.Combine(files.Path, "album"));

        foreach (var source in sources)
        {
            // The row shows the path inside the chosen folder.
            await page.ExpectStatusAsync(source.Name, "complete");
        }
        var keys = await fixture.ListKeysAsync();
        output.WriteLine($"{fixture.StoreName}: {string.Join(", ", keys)}");
        foreach (var source in sources)
        {
            await fixture.AssertStoredAsync(source);
        }
        AssertOneFolder(keys, sources.Select(s => s.Name));
        Assert.Empty(page.Errors);
    }

    /// <summary>
    /// A folder dropped on the zone: Dropzone reads it through the drop's DataTransferItem entries
    /// (webkitGetAsEntry, then the directory reader). Playwright cannot make the browser drag a folder from
    /// the desktop, so the drop is a real DragEvent with a real DataTransfer holding real Files, whose items
    /// answer entries of the shape Chromium gives for a dropped folder (isDirectory, createReader().readEntries, file()).
    /// </summary>
    [Fact]
    public async Task A_dropped_folder_uploads_its_files_with_their_relative_paths_under_one_id()
    {
        (string Name, int Size, int Seed)[] sources = [("trip/notes.txt", 1000, 1), ("trip/day1/a.bin", 20_000, 2), ("trip/day1/night/b.bin", 6 * 1024 * 1024 + 3, 3)];
        await using var page = await UploadPage.OpenAsync(fixture);

        await page.Page.EvaluateAsync("""
            (sources) => {
              const bytes = (size, seed) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 255);
              const fileEntry = (file) => ({ isFile: true, isDirectory: false, name: file.name, file: (done) => setTimeout(() => done(file)) });
              const folderEntry = (name, children) => ({
                isFile: false, isDirectory: true, name,
                // As Chromium's reader: every entry in a first batch, then an empty one; answered asynchronously.
                createReader() { let read = false; return { readEntries(done) { const batch = read ? [] : children; read = true; setTimeout(() => done(batch)); } }; },
              });
              // The tree of paths as entries: folder → children.
              const root = new Map();
              const transfer = new DataTransfer();
              for (const { path, size, seed } of sources) {
                const segments = path.split('/');
                const file = new File([bytes(size, seed)], segments.at(-1), { type: 'application/octet-stream' });
                transfer.items.add(file);
                let level = root;
                for (const folder of segments.slice(0, -1)) level = level.get(folder) ?? level.set(folder, new Map()).get(folder);
                level.set(file.name, file);
              }
              const entryOf = (name, value) => value instanceof File ? fileEntry(value) : folderEntry(name, [...value].map(([n, v]) => entryOf(n, v)));
              const top = entryOf('trip', root.get('trip'));
              // One dropped folder: the first item is its entry; the others stand for nothing (a real folder drop has one item).
              const items = [...transfer.items];
              items.forEach((item, i) => Object.defineProperty(item, 'webkitGetAsEntry', { value: () => (i === 0 ? top : null) }));
              Object.defineProperty(transfer, 'items', { value: [items[0]] });
              document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
            }
            """, sources.Select(s => new { path = s.Name, size = s.Size, seed = s.Seed }).ToArray());

        foreach (var (name, _, _) in sources)
        {
            await page.ExpectStatusAsync(name, "complete");
        }
        var keys = await fixture.ListKeysAsync();
        output.WriteLine($"{fixture.StoreName}: {string.Join(", ", keys)}");
        AssertOneFolder(keys, sources.Select(s => s.Name));
        foreach (var (name, size, seed) in sources)
        {
            var bytes = Enumerable.Range(0, size).Select(i => (byte)((i * 31 + seed) & 255)).ToArray();
            var key = Assert.Single(keys, k => k.EndsWith("/" + name, StringComparison.Ordinal));
            Assert.Equal((TestData.Sha256Hex(bytes), (long)size), await fixture.DownloadSha256Async(key));
        }
        Assert.Empty(page.Errors);
    }

    /// <summary>The keys of <paramref name="names"/> are one owner/yyyy/MM/dd/id/ folder followed by each name.</summary>
    private static void AssertOneFolder(IReadOnlyList<string> keys, IEnumerable<string> names)
    {
        var folders = names.Select(name => Assert.Single(keys, k => k.EndsWith("/" + name, StringComparison.Ordinal)) is var key ? key[..^name.Length] : "").Distinct().ToList();
        var folder = Assert.Single(folders);
        Assert.Matches("^anonymous/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-z]{12}/$", folder);
    }
}

public sealed class FileSystemFolderUploadTests(FileSystemPageFixture fixture, ITestOutputHelper output) : FolderUploadTests(fixture, output), IClassFixture<FileSystemPageFixture>;

public sealed class S3FolderUploadTests(S3PageFixture fixture, ITestOutputHelper output) : FolderUploadTests(fixture, output), IClassFixture<S3PageFixture>;
