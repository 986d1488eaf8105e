using System.Diagnostics;
using System.Text.Json;
using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>
/// `hoist` as a process against a server process that is stopped and started again, on each store:
/// the CLI retries for its time budget (--retry-for) and, when it gives up, says how to resume; after a
/// signing-key rotation, uploads begun before go on when the old key is kept as a previous one, and
/// are dropped from the state file, with the reason, when it is not.
/// </summary>
public abstract class CliRecoveryTests(HoistServerFixture fixture) : IDisposable
{
    private const int MiB = 1024 * 1024;
    private const string KeyA = "hoist-client-tests-signing-key-A-0123456789";
    private const string KeyB = "hoist-client-tests-signing-key-B-0123456789";
    private readonly TestFiles _files = new();

    private string State => _files.Combine("state", "uploads.json");

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Hoist_keeps_retrying_while_the_server_is_stopped_longer_than_its_6_tries_used_to_last_and_finishes_when_it_is_back()
    {
        await using var server = await ServerProcess.StartAsync(Settings(KeyA));
        var file = _files.File("restart.bin", 12 * MiB, seed: 80);
        using var cli = new RunningCli(["upload", file, "--server", server.Address.OriginalString, "--state", State, "--json", "--parallel", "1", "--limit-rate", "4M"]);
        await WaitForStoredPartsAsync(server.Address, 1);

        await server.KillAsync();
        // 6 tries gave up 11.8 s after the server died; the default budget is 2 minutes.
        await Task.Delay(TimeSpan.FromSeconds(14));
        await server.RestartAsync(Settings(KeyA));
        var run = await cli.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(run.ExitCode == 0, run.ToString());
        var document = CliTests.JsonLines(run.Output).Single();
        Assert.Equal("uploaded", document.GetProperty("status").GetString());
        Assert.True(document.GetProperty("checksumVerified").GetBoolean());
        Assert.True(document.GetProperty("retries").GetInt32() >= 6, run.Output);
        Assert.Equal(TestData.Sha256HexOfFile(file), await DownloadedSha256Async(server.Address, document.GetProperty("key").GetString()!));
        Assert.Empty(await RecordedAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hoist_gives_up_once_its_retry_budget_is_spent_exits_1_and_names_the_resume_command_which_finishes_the_upload(bool json)
    {
        await using var server = await ServerProcess.StartAsync(Settings(KeyA));
        var file = _files.File("gives-up.bin", 12 * MiB, seed: 81);
        using var cli = new RunningCli(["upload", file, "--server", server.Address.OriginalString, "--state", State, "--parallel", "1", "--limit-rate", "4M",
            "--retry-for", "3s", .. json ? ["--json"] : Array.Empty<string>()]);
        await WaitForStoredPartsAsync(server.Address, 1);

        await server.KillAsync();
        var clock = Stopwatch.StartNew();
        var run = await cli.WaitAsync(TimeSpan.FromSeconds(60));
        clock.Stop();

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(20));
        var resume = $"hoist resume {file} --server {server.Address.OriginalString} --state {State}";
        Assert.Contains($"Finish it with: {resume}", run.Error, StringComparison.Ordinal);
        if (json)
        {
            var document = CliTests.JsonLines(run.Output).Single();
            Assert.Equal(("failed", true, resume), (document.GetProperty("status").GetString(), document.GetProperty("resumable").GetBoolean(), document.GetProperty("resume").GetString()));
            Assert.Contains("gave up after", document.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("failed gives-up.bin: ", run.Error, StringComparison.Ordinal);
            Assert.Contains("gave up after", run.Error, StringComparison.Ordinal);
            Assert.Contains($"Continue with: {resume}", run.Error, StringComparison.Ordinal);
        }
        Assert.Single(await RecordedAsync());

        await server.RestartAsync(Settings(KeyA));
        var resumed = await HoistCli.RunAsync(resume.Split(' ').Skip(1));

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("uploaded gives-up.bin -> ", resumed.Output, StringComparison.Ordinal);
        Assert.Contains("sha256 verified", resumed.Output, StringComparison.Ordinal);
        Assert.Empty(await RecordedAsync());
    }

    [Fact]
    public async Task After_a_restart_with_a_new_signing_key_and_the_old_one_as_previous_uploads_begun_before_are_resumed_and_aborted()
    {
        await using var server = await ServerProcess.StartAsync(Settings(KeyA));
        var (toResume, toAbort) = await TwoInterruptedUploadsAsync(server);
        await server.KillAsync();
        await server.RestartAsync(Settings(KeyB, previous: KeyA));

        var abort = await HoistCli.RunAsync(["abort", toAbort.UploadId, "--state", State]);
        var resume = await HoistCli.RunAsync(["resume", "--state", State, "--json"]);

        Assert.True(abort.ExitCode == 0, abort.ToString());
        Assert.Contains("aborted two.bin", abort.Output, StringComparison.Ordinal);
        Assert.True(resume.ExitCode == 0, resume.ToString());
        var document = CliTests.JsonLines(resume.Output).Single();
        Assert.Equal(("uploaded", toResume.UploadId), (document.GetProperty("status").GetString(), document.GetProperty("uploadId").GetString()));
        Assert.True(document.GetProperty("checksumVerified").GetBoolean());
        Assert.Equal(TestData.Sha256HexOfFile(toResume.Path), await DownloadedSha256Async(server.Address, document.GetProperty("key").GetString()!));
        Assert.Empty(await RecordedAsync());
        var gone = await Assert.ThrowsAsync<HoistApiException>(() => Client(server.Address).GetUploadStatusAsync(toAbort.UploadId));
        Assert.True(gone.IsUploadGone, gone.Message);
    }

    [Fact]
    public async Task After_a_restart_with_a_new_signing_key_alone_resume_and_abort_drop_the_uploads_begun_before_and_say_why()
    {
        await using var server = await ServerProcess.StartAsync(Settings(KeyA));
        var (toResume, toAbort) = await TwoInterruptedUploadsAsync(server);
        await server.KillAsync();
        await server.RestartAsync(Settings(KeyB));

        var resume = await HoistCli.RunAsync(["resume", toResume.Path, "--state", State]);

        Assert.True(resume.ExitCode == 1, resume.ToString());
        Assert.Contains("failed one.bin: The server no longer accepts this upload's id (upload_id_forged): its signing key changed", resume.Error, StringComparison.Ordinal);
        Assert.Contains($"Its record is dropped from the state file; upload the file again: hoist upload {toResume.Path} --server {server.Address.OriginalString}", resume.Error, StringComparison.Ordinal);
        Assert.Equal([toAbort.UploadId], (await RecordedAsync()).Select(r => r.UploadId));

        var abort = await HoistCli.RunAsync(["abort", toAbort.UploadId, "--state", State]);

        Assert.True(abort.ExitCode == 1, abort.ToString());
        Assert.Contains("cannot abort two.bin", abort.Error, StringComparison.Ordinal);
        Assert.Contains("(upload_id_forged)", abort.Error, StringComparison.Ordinal);
        Assert.Contains("Its record is dropped from the state file.", abort.Error, StringComparison.Ordinal);
        Assert.Empty(await RecordedAsync());
        var nothing = await HoistCli.RunAsync(["resume", "--state", State]);
        Assert.True(nothing.ExitCode == 0, nothing.ToString());
        Assert.Contains("Nothing to resume.", nothing.Error, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings(string key, string? previous = null) => fixture.Settings(new Dictionary<string, string?>
    {
        ["Hoist:Tokens:SigningKey"] = key,
        ["Hoist:Tokens:PreviousSigningKeys:0"] = previous,
    });

    /// <summary>Starts one.bin and two.bin in one `hoist upload`, kills it once each has a part stored, and answers their records.</summary>
    private async Task<(Recorded One, Recorded Two)> TwoInterruptedUploadsAsync(ServerProcess server)
    {
        var one = _files.File("one.bin", 12 * MiB, seed: 82);
        var two = _files.File("two.bin", 12 * MiB, seed: 83);
        using (var cli = new RunningCli(["upload", one, two, "--server", server.Address.OriginalString, "--state", State, "--files", "2", "--parallel", "1", "--limit-rate", "4M"]))
        {
            await WaitForStoredPartsAsync(server.Address, 1, uploads: 2);
            cli.Process.Kill();
            await cli.Process.WaitForExitAsync();
        }
        var recorded = await RecordedAsync();
        return (recorded.Single(r => r.Path == one), recorded.Single(r => r.Path == two));
    }

    private static HoistClient Client(Uri server) =>
        new(new HttpClient(), new HoistClientOptions { ServerUrl = server, Retry = new RetryOptions { RetryFor = TimeSpan.FromSeconds(5) } });

    private async Task<string> DownloadedSha256Async(Uri server, string key) =>
        (await Client(server).DownloadToFileAsync(key, _files.Combine("download-" + Guid.NewGuid().ToString("N")))).Sha256;

    public sealed record Recorded(string UploadId, string Path);

    private async Task<IReadOnlyList<Recorded>> RecordedAsync()
    {
        if (!File.Exists(State))
        {
            return [];
        }
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(State));
        return document.RootElement.GetProperty("uploads").EnumerateArray()
            .Select(u => new Recorded(u.GetProperty("uploadId").GetString()!, u.GetProperty("path").GetString()!)).ToList();
    }

    /// <summary>Waits until the state file records <paramref name="uploads"/> uploads and the server holds <paramref name="parts"/> parts of each.</summary>
    private async Task WaitForStoredPartsAsync(Uri server, int parts, int uploads = 1)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var recorded = await RecordedAsync();
            if (recorded.Count == uploads)
            {
                var stored = await Task.WhenAll(recorded.Select(r => Client(server).GetUploadStatusAsync(r.UploadId)));
                if (stored.All(s => s.Parts.Count(p => p.ChecksumSha256 is not null) >= parts))
                {
                    return;
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Not {uploads} uploads with {parts} stored parts after 60 s.");
    }
}

public sealed class FileSystemCliRecoveryTests(FileSystemServerFixture fixture) : CliRecoveryTests(fixture), IClassFixture<FileSystemServerFixture>;

public sealed class S3CliRecoveryTests(S3ServerFixture fixture) : CliRecoveryTests(fixture), IClassFixture<S3ServerFixture>;
