extern alias cli;
using Hoist.Client.Tests.Support;
using cli::Hoist.Cli.Transfers;

namespace Hoist.Client.Tests;

/// <summary>
/// `hoist upload &lt;folder&gt;` as a process, on each store: 50 small files and 2 large ones, relative paths kept in
/// the keys ({path}) and in metadata, all under one id (a group, docs/api.md); `hoist get &lt;id folder&gt;/` brings the tree back.
/// </summary>
public abstract class CliFolderTests(HoistServerFixture server) : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TestFiles _files = new();

    protected TestFiles Files => _files;

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
        // One group: every key is the same owner/yyyy/MM/dd/id/ followed by the file's relative path.
        var folders = documents.Select(d => d.GetProperty("key").GetString()!).Select(k => k[..^d(k)]).Distinct().ToList();
        static int d(string key) => key.Length - key.IndexOf("/photos/", StringComparison.Ordinal) - 1;
        Assert.Single(folders);
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
                // The tree is kept under the folder's one id: owner/yyyy/MM/dd/id/photos/day1/img01.jpg.
                Assert.Matches("^anonymous/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-z]{12}/" + System.Text.RegularExpressions.Regex.Escape(name) + "$", key);
                var target = _files.Combine("back", name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var back = await client.DownloadToFileAsync(key, target, null, cancellationToken);
                Assert.Equal(TestData.Sha256HexOfFile(expected[name]), back.Sha256);
            });
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
        var listed = CliTests.JsonLines((await HoistCli.RunAsync(["ls", "--server", server.Url.OriginalString, "--json"])).Output).Select(d => d.GetProperty("key").GetString()!).ToList();
        Assert.All(expected.Keys, name => Assert.Contains(listed, key => key.EndsWith("/" + name, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Get_of_a_folder_upload_brings_its_tree_back_and_refuses_to_replace_it_without_force()
    {
        var expected = new Dictionary<string, string>
        {
            ["trip/a.txt"] = _files.File("trip/a.txt", 1000, seed: 51),
            ["trip/day1/b.bin"] = _files.File("trip/day1/b.bin", 6 * MiB + 5, seed: 52),
            ["trip/day1/night/c.txt"] = _files.File("trip/day1/night/c.txt", 0, seed: 53),
        };
        var run = await HoistCli.RunAsync(["upload", _files.Combine("trip"), "--server", server.Url.OriginalString, "--state", _files.Combine("state.json"), "--json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var keys = CliTests.JsonLines(run.Output).Select(d => d.GetProperty("key").GetString()!).ToList();
        var folder = keys[0][..(keys[0].IndexOf("/trip/", StringComparison.Ordinal) + 1)];
        Assert.All(keys, key => Assert.StartsWith(folder, key, StringComparison.Ordinal));

        var back = _files.Combine("back");
        var get = await HoistCli.RunAsync(["get", folder, "-o", back, "--server", server.Url.OriginalString]);

        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(expected.Keys.Order(), Directory.EnumerateFiles(back, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(back, f).Replace('\\', '/')).Order());
        foreach (var (name, original) in expected)
        {
            Assert.Equal(TestData.Sha256HexOfFile(original), TestData.Sha256HexOfFile(Path.Combine(back, name)));
            Assert.Contains($"saved {name} (", get.Output, StringComparison.Ordinal);
        }

        File.WriteAllText(Path.Combine(back, "trip", "a.txt"), "mine");
        var again = await HoistCli.RunAsync(["get", folder, "-o", back, "--server", server.Url.OriginalString]);
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains("--force", again.Error, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(back, "trip", "a.txt")));

        var forced = await HoistCli.RunAsync(["get", folder, "-o", back, "--force", "--server", server.Url.OriginalString]);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(TestData.Sha256HexOfFile(expected["trip/a.txt"]), TestData.Sha256HexOfFile(Path.Combine(back, "trip", "a.txt")));
    }

    [Theory]
    [InlineData("a/b.txt", true)]
    [InlineData("../escape.txt", false)]
    [InlineData("a/../../escape.txt", false)]
    [InlineData("a/./b.txt", false)]
    [InlineData("a//b.txt", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("a\\..\\..\\escape.txt", false)]
    [InlineData("..", false)]
    [InlineData("...", true)]
    public void A_key_is_only_ever_written_inside_the_target_folder(string relative, bool inside)
    {
        var root = _files.Combine("target");

        var local = FolderDownload.LocalPath(root, relative);

        Assert.Equal(inside, local is not null);
        if (local is not null)
        {
            Assert.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, local, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_key_through_a_symbolic_link_in_the_target_folder_is_refused()
    {
        var root = _files.Combine("linked");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(_files.Combine("elsewhere"));
        Directory.CreateSymbolicLink(Path.Combine(root, "out"), _files.Combine("elsewhere"));

        Assert.Null(FolderDownload.LocalPath(root, "out/x.txt"));
        Assert.Null(FolderDownload.LocalPath(root, "out/deeper/x.txt"));
        Assert.NotNull(FolderDownload.LocalPath(root, "in/x.txt"));
    }
}

public sealed class FileSystemCliFolderTests(FileSystemServerFixture server) : CliFolderTests(server), IClassFixture<FileSystemServerFixture>;

public sealed class S3CliFolderTests(S3ServerFixture server) : CliFolderTests(server), IClassFixture<S3ServerFixture>
{
    /// <summary>No Hoist key template makes a key with "..", but a bucket may hold one (written to S3 directly): get must not follow it out.</summary>
    [Fact]
    public async Task Get_of_a_folder_holding_a_key_with_dot_dot_segments_writes_nothing_anywhere()
    {
        var s3 = ((S3TestStore)server.Store).S3;
        const string folder = "anonymous/2026/01/01/abcdefghjkmn/";
        using var raw = s3.CreateS3Client();
        await raw.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = s3.Bucket, Key = s3.Prefix + folder + "ok.txt", ContentBody = "fine" });
        await raw.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = s3.Bucket, Key = s3.Prefix + folder + "../../../../../escape.txt", ContentBody = "evil" });
        var back = Files.Combine("back");
        Directory.CreateDirectory(back);
        var escape = Path.GetFullPath(Path.Combine(back, "../../../../../escape.txt"));

        HoistCli.Run get;
        try
        {
            get = await HoistCli.RunAsync(["get", folder, "-o", back, "--server", server.Url.OriginalString]);
        }
        finally
        {
            // The store's own cleanup refuses a key with "..": it goes the way it came.
            await raw.DeleteObjectAsync(s3.Bucket, s3.Prefix + folder + "../../../../../escape.txt");
        }

        Assert.True(get.ExitCode == 1, get.ToString());
        Assert.Contains("would leave", get.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(back));
        Assert.False(File.Exists(escape), escape);
    }
}
