using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>`hoist rm` as a process against the server as a process, on each store.</summary>
public abstract class CliFileCommandTests(HoistServerFixture server) : IDisposable
{
    private readonly TestFiles _files = new();

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
}

public sealed class FileSystemCliFileCommandTests(FileSystemServerFixture server) : CliFileCommandTests(server), IClassFixture<FileSystemServerFixture>;

public sealed class S3CliFileCommandTests(S3ServerFixture server) : CliFileCommandTests(server), IClassFixture<S3ServerFixture>;
