using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>`hoist rm` and `hoist link` as a process against the server as a process, on each store.</summary>
public abstract class CliFileCommandTests(HoistServerFixture server) : IDisposable
{
    private readonly TempFolder _files = new();

    private string State => _files.Combine("state", "uploads.json");

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Rm_deletes_each_key_reports_each_and_exits_1_when_one_is_missing()
    {
        var first = _files.File("rm-one.bin", 1000, seed: 41);
        var second = _files.File("rm-two.bin", 2000, seed: 42);
        var upload = await HoistCli.RunAsync(["upload", first, second, "--server", server.Url.OriginalString, "--state", State, "--json"]);
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var keys = CliTests.JsonLines(upload.Output).Select(d => d.GetProperty("key").GetString()!).ToList();
        var env = new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.OriginalString };

        var rm = await HoistCli.RunAsync(["rm", .. keys], env);

        Assert.True(rm.ExitCode == 0, rm.ToString());
        foreach (var key in keys)
        {
            Assert.Contains($"deleted {key}", rm.Output, StringComparison.Ordinal);
            Assert.Empty(CliTests.JsonLines((await HoistCli.RunAsync(["ls", key, "--json"], env)).Output));
        }

        var third = _files.File("rm-three.bin", 3000, seed: 43);
        var kept = CliTests.JsonLines((await HoistCli.RunAsync(["upload", third, "--server", server.Url.OriginalString, "--state", State, "--json"])).Output).Single().GetProperty("key").GetString()!;
        var again = await HoistCli.RunAsync(["rm", keys[0], kept], env);

        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains($"{keys[0]}: no such file (file_not_found)", again.Error, StringComparison.Ordinal);
        Assert.Contains($"deleted {kept}", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_prints_a_URL_that_downloads_the_file_byte_for_byte_and_json_says_when_it_expires()
    {
        var path = _files.File("link-me.bin", 5000, seed: 44);
        var upload = await HoistCli.RunAsync(["upload", path, "--server", server.Url.OriginalString, "--state", State, "--json"]);
        Assert.True(upload.ExitCode == 0, upload.ToString());
        var key = CliTests.JsonLines(upload.Output).Single().GetProperty("key").GetString()!;
        var env = new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.OriginalString };

        var plain = await HoistCli.RunAsync(["link", key, "--expires", "1h"], env);
        var json = await HoistCli.RunAsync(["link", key, "--expires", "90s", "--json"], env);

        Assert.True(plain.ExitCode == 0, plain.ToString());
        var url = plain.Output.Trim();
        Assert.DoesNotContain('\n', url);
        using var anybody = new HttpClient();
        Assert.Equal(await File.ReadAllBytesAsync(path), await anybody.GetByteArrayAsync(new Uri(url)));
        Assert.True(json.ExitCode == 0, json.ToString());
        var line = CliTests.JsonLines(json.Output).Single();
        Assert.Equal(key, line.GetProperty("key").GetString());
        Assert.StartsWith("http", line.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.InRange(line.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(80), DateTimeOffset.UtcNow.AddSeconds(92));
    }

    [Fact]
    public async Task Link_to_a_missing_file_exits_1_and_an_expiry_over_7_days_exits_2()
    {
        var env = new Dictionary<string, string> { ["HOIST_SERVER"] = server.Url.OriginalString };

        var missing = await HoistCli.RunAsync(["link", "anonymous/2026/01/01/abcdefghijkl/none.bin"], env);
        var tooLong = await HoistCli.RunAsync(["link", "anonymous/x.bin", "--expires", "8d"], env);

        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("no such file (file_not_found)", missing.Error, StringComparison.Ordinal);
        Assert.True(tooLong.ExitCode == 2, tooLong.ToString());
        Assert.Contains("--expires", tooLong.Error, StringComparison.Ordinal);
    }
}

public sealed class FileSystemCliFileCommandTests(FileSystemServerFixture server) : CliFileCommandTests(server), IClassFixture<FileSystemServerFixture>;

public sealed class S3CliFileCommandTests(S3ServerFixture server) : CliFileCommandTests(server), IClassFixture<S3ServerFixture>;
