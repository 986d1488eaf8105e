using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>`hoist upload &lt;folder&gt;` as a process, on each store: 50 small files and 2 large ones, relative paths kept in the keys ({path}) and in metadata.</summary>
public abstract class CliFolderTests(HoistServerFixture server) : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TempFolder _files = new();

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_folder_of_50_small_files_and_2_large_ones_is_uploaded_with_relative_paths_kept_in_keys_and_listings()
    {
        var sizes = new Random(40);
        var expected = new Dictionary<string, string>();
        for (var i = 0; i < 50; i++)
        {
            var relative = $"photos/{(i % 5 == 0 ? "" : $"day{i % 3}/")}img{i:00}.jpg";
            expected[relative] = _files.File(relative, sizes.Next(1, 64 * 1024), seed: 100 + i);
        }
        expected["photos/video/a.mp4"] = _files.File("photos/video/a.mp4", 12 * MiB, seed: 41);
        expected["photos/video/b.mp4"] = _files.File("photos/video/b.mp4", 7 * MiB + 3, seed: 42);

        var run = await HoistCli.RunAsync(["upload", _files.Combine("photos"), "--server", server.Url.OriginalString, "--state", _files.Combine("state.json"), "--json", "--files", "4"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var documents = CliTests.JsonLines(run.Output);
        Assert.Equal(expected.Keys.Order(), documents.Select(d => d.GetProperty("name").GetString()!).Order());
        Assert.All(documents, d => Assert.Equal("uploaded", d.GetProperty("status").GetString()));

        var client = new HoistClient(new HttpClient(), new HoistClientOptions { ServerUrl = server.Url });
        var store = server.Store.Open();
        try
        {
            await Parallel.ForEachAsync(documents, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (document, cancellationToken) =>
            {
                var name = document.GetProperty("name").GetString()!;
                var key = document.GetProperty("key").GetString()!;
                var info = await store.HeadObjectAsync(key, cancellationToken);
                Assert.NotNull(info);
                Assert.Equal(name, Uri.UnescapeDataString(info.Metadata[Hoist.Server.Uploads.UploadService.OriginalNameMetadata]));
                // The tree is kept under each file's own id: owner/yyyy/MM/dd/id/photos/day1/img01.jpg.
                Assert.Matches("^anonymous/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-z]{12}/" + System.Text.RegularExpressions.Regex.Escape(name) + "$", key);
                var target = _files.Combine("back", name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var back = await client.DownloadToFileAsync(key, target, null, cancellationToken);
                Assert.Equal(Hashes.Sha256Hex(expected[name]), back.Sha256);
            });
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
        var listed = CliTests.JsonLines((await HoistCli.RunAsync(["ls", "--server", server.Url.OriginalString, "--json"])).Output).Select(d => d.GetProperty("key").GetString()!).ToList();
        Assert.All(expected.Keys, name => Assert.Contains(listed, key => key.EndsWith("/" + name, StringComparison.Ordinal)));
    }
}

public sealed class FileSystemCliFolderTests(FileSystemServerFixture server) : CliFolderTests(server), IClassFixture<FileSystemServerFixture>;

public sealed class S3CliFolderTests(S3ServerFixture server) : CliFolderTests(server), IClassFixture<S3ServerFixture>;
