using System.Diagnostics;
using System.Text.Json;
using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>`hoist` as a process against the server as a process (file-system store): exit codes, --json, resume after a kill.</summary>
public sealed class CliTests(FileSystemServerFixture server) : IClassFixture<FileSystemServerFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TestFiles _files = new();

    private string State => _files.Combine("state", "uploads.json");

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Uploading_files_exits_0_prints_one_json_document_per_file_and_ls_and_get_find_them()
    {
        var small = _files.File("small.bin", 3 * MiB, seed: 30);
        var large = _files.File("large.bin", 12 * MiB, seed: 31);

        var run = await Hoist("upload", small, large, "--server", server.Url.OriginalString, "--state", State, "--json", "--sha256");

        Assert.True(run.ExitCode == 0, run.ToString());
        var documents = JsonLines(run.Output);
        Assert.Equal(2, documents.Count);
        foreach (var (path, document) in new[] { small, large }.Select(p => (p, documents.Single(d => d.GetProperty("path").GetString() == p))))
        {
            Assert.Equal("uploaded", document.GetProperty("status").GetString());
            Assert.Equal(Path.GetFileName(path), document.GetProperty("name").GetString());
            Assert.True(document.GetProperty("checksumVerified").GetBoolean());
            Assert.Equal(TestData.Sha256HexOfFile(path), document.GetProperty("sha256").GetString());
            Assert.EndsWith("-" + document.GetProperty("partCount").GetInt32(), document.GetProperty("checksumSha256").GetString(), StringComparison.Ordinal);
            Assert.Equal(await DownloadedSha256Async(document.GetProperty("key").GetString()!), TestData.Sha256HexOfFile(path));
        }
        Assert.Empty(await RecordedUploadsAsync());

        // And back: ls finds it, get fetches it (the server from HOIST_SERVER this time).
        var key = documents.Single(d => d.GetProperty("path").GetString() == large).GetProperty("key").GetString()!;
        var env = new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.OriginalString };
        var ls = await HoistCli.RunAsync(["ls", key[..(key.LastIndexOf('/') + 1)], "--json"], env);
        var get = await HoistCli.RunAsync(["get", key, "-o", _files.Combine("fetched.bin"), "--json"], env);

        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Equal(key, JsonLines(ls.Output).Single().GetProperty("key").GetString());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(TestData.Sha256HexOfFile(large), JsonLines(get.Output).Single().GetProperty("sha256").GetString());
        Assert.Equal(TestData.Sha256HexOfFile(large), TestData.Sha256HexOfFile(_files.Combine("fetched.bin")));
    }

    [Fact]
    public async Task A_file_the_server_refuses_makes_the_exit_code_1_and_the_others_still_go_up()
    {
        var good = _files.File("good.bin", 2 * MiB, seed: 33);
        var tooLarge = _files.Combine("too-large.bin");
        await using (var sparse = File.Create(tooLarge))
        {
            sparse.SetLength(HoistServerFixture.MaxFileSize + 1);
        }

        var run = await Hoist("upload", good, tooLarge, "--server", server.Url.OriginalString, "--state", State, "--json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var documents = JsonLines(run.Output);
        Assert.Equal("uploaded", documents.Single(d => d.GetProperty("path").GetString() == good).GetProperty("status").GetString());
        var failed = documents.Single(d => d.GetProperty("path").GetString() == tooLarge);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("file_too_large", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("upload")]
    [InlineData("upload {file}")]
    [InlineData("upload {missing} --server {server}")]
    [InlineData("upload {file} --server ftp://example.org")]
    [InlineData("upload {file} --server {server} --parallel 0")]
    [InlineData("upload {file} --server {server} --limit-rate fast")]
    [InlineData("upload {file} --server {server} --retry-for soon")]
    [InlineData("resume --retry-for -5s")]
    [InlineData("upload {file} --server {server} --no-such-option")]
    [InlineData("get")]
    [InlineData("frobnicate")]
    public async Task A_wrong_command_line_exits_2_without_doing_anything(string line)
    {
        var file = _files.File("usage.bin", 1000, seed: 34);
        var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Replace("{file}", file, StringComparison.Ordinal).Replace("{missing}", _files.Combine("missing.bin"), StringComparison.Ordinal)
                .Replace("{server}", server.Url.OriginalString, StringComparison.Ordinal))
            .Concat(["--state", State]);

        var run = await HoistCli.RunAsync(line.Length == 0 ? [] : args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.NotEmpty(run.Error);
        Assert.False(File.Exists(State));
    }

    [Theory]
    [InlineData("upload --paralel 3 {file} --server {server}", "unknown option '--paralel' for 'hoist upload'", "Did you mean '--parallel'?")]
    [InlineData("upload {file} --server {server} --limit-rat 5M", "unknown option '--limit-rat' for 'hoist upload'", "Did you mean '--limit-rate'?")]
    [InlineData("get some/key --outptu x.bin --server {server}", "unknown option '--outptu' for 'hoist get'", "Did you mean '--output'?")]
    [InlineData("ls --jsno --server {server}", "unknown option '--jsno' for 'hoist ls'", "Did you mean '--json'?")]
    [InlineData("upload {file} --server {server} --zzzzzzzzzz", "unknown option '--zzzzzzzzzz' for 'hoist upload'", null)]
    [InlineData("uplaod {file} --server {server}", "unknown command 'uplaod'", "Did you mean 'upload'?")]
    [InlineData("lss", "unknown command 'lss'", "Did you mean 'ls'?")]
    public async Task An_unknown_option_or_command_is_named_with_the_nearest_known_one_and_exits_2(string line, string said, string? suggestion)
    {
        var file = _files.File("typo.bin", 1000, seed: 38);
        var args = line.Split(' ').Select(a => a.Replace("{file}", file, StringComparison.Ordinal).Replace("{server}", server.Url.OriginalString, StringComparison.Ordinal))
            .Concat(["--state", State]);

        var run = await HoistCli.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(said, run.Error, StringComparison.Ordinal);
        if (suggestion is null)
        {
            Assert.DoesNotContain("Did you mean", run.Error, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(suggestion, run.Error, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("no such file or folder", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(State));
    }

    [Fact]
    public async Task Get_does_not_replace_an_existing_file_unless_forced()
    {
        var source = _files.File("original.bin", 2 * MiB, seed: 39);
        var upload = await Hoist("upload", source, "--server", server.Url.OriginalString, "--state", State, "--json");
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var key = JsonLines(upload.Output).Single().GetProperty("key").GetString()!;
        var mine = _files.Combine("mine.bin");
        await File.WriteAllTextAsync(mine, "my own work");
        var folder = _files.Combine("get-here");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "original.bin"), "keep me");
        var env = new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.OriginalString };

        var named = await HoistCli.RunAsync(["get", key, "-o", mine], env);
        var implicitName = await RunInAsync(folder, ["get", key], env);

        Assert.True(named.ExitCode == 2, named.ToString());
        Assert.Contains("exists; not replaced", named.Error, StringComparison.Ordinal);
        Assert.Contains("--force", named.Error, StringComparison.Ordinal);
        Assert.Equal("my own work", await File.ReadAllTextAsync(mine));
        Assert.True(implicitName.ExitCode == 2, implicitName.ToString());
        Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(folder, "original.bin")));
        Assert.Single(Directory.GetFiles(folder));

        var fresh = await HoistCli.RunAsync(["get", key, "-o", _files.Combine("fresh.bin")], env);
        var forced = await HoistCli.RunAsync(["get", key, "-o", mine, "--force"], env);

        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(TestData.Sha256HexOfFile(source), TestData.Sha256HexOfFile(mine));
    }

    [Fact]
    public async Task Json_output_is_UTF_8_as_it_is()
    {
        var file = _files.File("résumé—日本.bin", 1000, seed: 40);

        var run = await Hoist("upload", file, "--server", server.Url.OriginalString, "--state", State, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("\"name\":\"résumé—日本.bin\"", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", run.Output, StringComparison.Ordinal);
        var key = JsonLines(run.Output).Single().GetProperty("key").GetString()!;
        var env = new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.OriginalString };
        var ls = await HoistCli.RunAsync(["ls", key, "--json"], env);
        var get = await HoistCli.RunAsync(["get", key, "-o", _files.Combine("résumé-copy.bin"), "--json"], env);
        Assert.Contains(key, ls.Output, StringComparison.Ordinal);
        Assert.Contains("résumé-copy.bin", get.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", ls.Output + get.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_comes_from_HOIST_SERVER_and_output_in_a_pipe_has_no_ANSI()
    {
        var file = _files.File("env.bin", 6 * MiB, seed: 35);

        var run = await HoistCli.RunAsync(["upload", file, "--state", State], new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.OriginalString });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("uploaded env.bin -> ", run.Output, StringComparison.Ordinal);
        // The file's plain SHA-256 only with --sha256 (an upload is verified without it).
        Assert.DoesNotContain(", sha256 ", run.Output, StringComparison.Ordinal);
        var key = run.Output.Split(" -> ")[1].Split(' ')[0];
        var get = await HoistCli.RunAsync(["get", key, "-o", _files.Combine("env-back.bin")], new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.OriginalString });
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains($"sha256 {TestData.Sha256HexOfFile(file)}", get.Output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Output + run.Error);
    }

    [Fact]
    public async Task Resume_after_SIGKILL_finishes_the_upload_and_the_object_has_the_file_s_SHA_256()
    {
        var file = _files.File("killed.bin", 60 * MiB, seed: 36);
        string uploadId;
        using (var cli = new RunningCli(["upload", file, "--server", server.Url.OriginalString, "--state", State, "--parallel", "1", "--limit-rate", "15M"]))
        {
            uploadId = await WaitForStoredPartsAsync(2);
            cli.Process.Kill();
            await cli.Process.WaitForExitAsync();
        }
        var stored = await SettledStoredPartCountAsync(uploadId);
        Assert.InRange(stored, 2, 11);
        Assert.Single(await RecordedUploadsAsync());

        var resume = await Hoist("resume", "--state", State, "--json", "--sha256");

        Assert.True(resume.ExitCode == 0, resume.ToString());
        var document = JsonLines(resume.Output).Single();
        Assert.Equal("uploaded", document.GetProperty("status").GetString());
        Assert.Equal(12 - stored, document.GetProperty("partsSent").GetInt32());
        Assert.Equal(TestData.Sha256HexOfFile(file), document.GetProperty("sha256").GetString());
        Assert.Equal(TestData.Sha256HexOfFile(file), await DownloadedSha256Async(document.GetProperty("key").GetString()!));
        Assert.Empty(await RecordedUploadsAsync());
        Assert.True(JsonLines((await Hoist("resume", "--state", State, "--json")).Output).Count == 0);
    }

    [Fact]
    public async Task Pending_lists_the_unfinished_uploads_with_what_the_server_has_stored()
    {
        var empty = await Hoist("pending", "--state", State);
        Assert.True(empty.ExitCode == 0, empty.ToString());
        Assert.Contains("no unfinished uploads", empty.Output, StringComparison.Ordinal);

        var file = _files.File("pending.bin", 20 * MiB, seed: 44);
        string uploadId;
        using (var cli = new RunningCli(["upload", file, "--server", server.Url.OriginalString, "--state", State, "--parallel", "1", "--limit-rate", "5M"]))
        {
            uploadId = await WaitForStoredPartsAsync(1);
            cli.Process.Kill();
            await cli.Process.WaitForExitAsync();
        }
        var stored = await SettledStoredPartCountAsync(uploadId);
        var bytes = (await Client().GetUploadStatusAsync(uploadId)).BytesStored;

        var json = await Hoist("pending", "--state", State, "--json");
        var plain = await Hoist("pending", "--state", State);

        Assert.True(json.ExitCode == 0, json.ToString());
        var document = JsonLines(json.Output).Single();
        Assert.Equal("pending", document.GetProperty("status").GetString());
        Assert.Equal(uploadId, document.GetProperty("uploadId").GetString());
        Assert.Equal(file, document.GetProperty("path").GetString());
        Assert.Equal(stored, document.GetProperty("partsStored").GetInt32());
        Assert.Equal(4, document.GetProperty("partCount").GetInt32());
        Assert.Equal(bytes, document.GetProperty("bytesStored").GetInt64());
        Assert.Equal(20 * MiB, document.GetProperty("size").GetInt64());
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains($"pending.bin: {stored} of 4 parts stored", plain.Output, StringComparison.Ordinal);
        Assert.Contains(uploadId, plain.Output, StringComparison.Ordinal);

        await Client().AbortAsync(uploadId);
        var gone = await Hoist("pending", "--state", State, "--json");

        Assert.True(gone.ExitCode == 0, gone.ToString());
        Assert.Equal("gone", JsonLines(gone.Output).Single().GetProperty("status").GetString());
        Assert.Single(await RecordedUploadsAsync());
    }

    [Fact]
    public async Task Ctrl_C_stops_cleanly_says_how_to_resume_and_abort_forgets_the_upload()
    {
        var file = _files.File("interrupted.bin", 40 * MiB, seed: 37);
        string uploadId;
        HoistCli.Run run;
        using (var cli = new RunningCli(["upload", file, "--server", server.Url.OriginalString, "--state", State, "--parallel", "1", "--limit-rate", "10M"]))
        {
            uploadId = await WaitForStoredPartsAsync(1);
            using (var signal = Process.Start("kill", ["-INT", cli.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await signal.WaitForExitAsync();
            }
            run = await cli.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Contains("hoist resume", run.Error, StringComparison.Ordinal);
        Assert.Contains("interrupted interrupted.bin (resumable)", run.Output, StringComparison.Ordinal);
        Assert.Single(await RecordedUploadsAsync());

        var abort = await Hoist("abort", uploadId, "--state", State);

        Assert.True(abort.ExitCode == 0, abort.ToString());
        Assert.Empty(await RecordedUploadsAsync());
        var gone = await Assert.ThrowsAsync<HoistApiException>(() => Client().GetUploadStatusAsync(uploadId));
        Assert.True(gone.IsUploadGone);
    }

    [Fact]
    public async Task Concurrent_hoist_processes_share_the_state_file_and_resume_leaves_their_uploads_alone()
    {
        var files = Enumerable.Range(0, 3).Select(i => _files.File($"parallel{i}.bin", 8 * MiB, seed: 50 + i)).ToList();
        var clis = files.Select(f => new RunningCli(["upload", f, "--server", server.Url.OriginalString, "--state", State, "--json", "--limit-rate", "2M"])).ToList();
        try
        {
            var deadline = Stopwatch.StartNew();
            while ((await RecordedUploadsAsync()).Count < 3)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the state file never held the 3 uploads at once");
                await Task.Delay(50);
            }

            var resume = await Hoist("resume", "--state", State, "--json");

            Assert.True(resume.ExitCode == 0, resume.ToString());
            Assert.All(JsonLines(resume.Output), d => Assert.Equal("skipped", d.GetProperty("status").GetString()));
            foreach (var cli in clis)
            {
                var run = await cli.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.True(run.ExitCode == 0, run.ToString());
            }
            Assert.Empty(await RecordedUploadsAsync());
        }
        finally
        {
            clis.ForEach(c => c.Dispose());
        }
    }

    private static async Task<HoistCli.Run> RunInAsync(string folder, string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var start = HoistCli.StartInfo(args, environment);
        start.WorkingDirectory = folder;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new HoistCli.Run(process.ExitCode, await output, await error);
    }

    private HoistClient Client() => new(new HttpClient(), new HoistClientOptions { ServerUrl = server.Url });

    private static Task<HoistCli.Run> Hoist(params string[] args) => HoistCli.RunAsync(args);

    private async Task<string> DownloadedSha256Async(string key) =>
        (await Client().DownloadToFileAsync(key, _files.Combine("download-" + Guid.NewGuid().ToString("N")))).Sha256;

    /// <summary>The upload ids recorded in the state file.</summary>
    private async Task<IReadOnlyList<string>> RecordedUploadsAsync()
    {
        if (!File.Exists(State))
        {
            return [];
        }
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(State));
        return document.RootElement.GetProperty("uploads").EnumerateArray().Select(u => u.GetProperty("uploadId").GetString()!).ToList();
    }

    /// <summary>Waits until the CLI has recorded its upload and the server holds <paramref name="parts"/> of its parts.</summary>
    private async Task<string> WaitForStoredPartsAsync(int parts)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if ((await RecordedUploadsAsync()) is [var uploadId] && (await Client().GetUploadStatusAsync(uploadId)).Parts.Count >= parts)
            {
                return uploadId;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No upload with {parts} stored parts after 60 s.");
    }

    private async Task<int> SettledStoredPartCountAsync(string uploadId)
    {
        var last = -1;
        for (var i = 0; i < 50; i++)
        {
            var now = (await Client().GetUploadStatusAsync(uploadId)).Parts.Count;
            if (now == last)
            {
                return now;
            }
            last = now;
            await Task.Delay(200);
        }
        return last;
    }

    internal static List<JsonElement> JsonLines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
}
