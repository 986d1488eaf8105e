using Hoist.Client.Tests.Support;
using Hoist.Server.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>
/// `hoist upload` against a server process in direct mode on the real S3 server (docs/api.md): the parts go
/// straight to the store, which the server's own counter of part bytes received shows (it stays at 0),
/// unless --no-direct sends them through Hoist.
/// </summary>
public sealed class CliDirectModeTests(S3DirectFixture store) : IClassFixture<S3DirectFixture>, IDisposable
{
    private const string PartsReceived = "hoist_parts_received_bytes_total";
    private const int FileSize = (3 * TestData.PartSize) + 4321;
    private readonly TestFiles _files = new();

    private string State => _files.Combine("state", "uploads.json");

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task The_CLI_sends_the_parts_straight_to_the_store_and_the_server_receives_none_of_their_bytes()
    {
        var path = _files.File("cli-direct.bin", FileSize, seed: 140);
        var small = _files.File("cli-direct-small.bin", 1024 * 1024, seed: 141);
        await using var server = await ServerProcess.StartAsync(store.Settings(DirectStoreFixture.Direct()));
        using var http = new HttpClient { BaseAddress = server.Address };
        var before = await PrometheusText.ScrapeAsync(http, CancellationToken.None);

        var run = await Upload(server, path, "--json");
        var plain = await Upload(server, small);

        Assert.True(run.ExitCode == 0, run.ToString());
        var document = CliTests.JsonLines(run.Output).Single();
        Assert.Equal(4, document.GetProperty("partCount").GetInt32());
        Assert.Equal(4, document.GetProperty("partsSentDirect").GetInt32());
        Assert.True(document.GetProperty("checksumVerified").GetBoolean());
        Assert.False(document.TryGetProperty("directFallback", out _));
        Assert.Equal((TestData.Sha256HexOfFile(path), (long)FileSize), await store.StoredAsync(document.GetProperty("key").GetString()!, CancellationToken.None));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("sent directly to the store", plain.Output, StringComparison.Ordinal);
        var after = await PrometheusText.ScrapeAsync(http, CancellationToken.None);
        Assert.Equal(0, after.Value(PartsReceived) - before.Value(PartsReceived));
    }

    [Fact]
    public async Task With_no_direct_the_CLI_sends_every_part_through_Hoist()
    {
        var path = _files.File("cli-proxied.bin", FileSize, seed: 142);
        await using var server = await ServerProcess.StartAsync(store.Settings(DirectStoreFixture.Direct()));
        using var http = new HttpClient { BaseAddress = server.Address };
        var before = await PrometheusText.ScrapeAsync(http, CancellationToken.None);

        var run = await Upload(server, path, "--json", "--no-direct");

        Assert.True(run.ExitCode == 0, run.ToString());
        var document = CliTests.JsonLines(run.Output).Single();
        Assert.Equal(0, document.GetProperty("partsSentDirect").GetInt32());
        Assert.True(document.GetProperty("checksumVerified").GetBoolean());
        Assert.EndsWith("-4", document.GetProperty("checksumSha256").GetString(), StringComparison.Ordinal);
        var after = await PrometheusText.ScrapeAsync(http, CancellationToken.None);
        Assert.Equal(FileSize, after.Value(PartsReceived) - before.Value(PartsReceived));
    }

    [Fact]
    public async Task When_the_store_cannot_be_reached_the_CLI_says_how_many_parts_went_through_Hoist()
    {
        var path = _files.File("cli-fallback.bin", FileSize, seed: 143);
        var dead = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        await using var server = await ServerProcess.StartAsync(store.Settings(DirectStoreFixture.Direct(new Dictionary<string, string?> { ["Hoist:Storage:S3:PublicServiceUrl"] = dead })));

        var run = await Upload(server, path, "--sha256");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("0 of 4 parts sent directly, 4 through Hoist (the store could not be reached: ", run.Output, StringComparison.Ordinal);
        Assert.Contains($"sha256 {TestData.Sha256HexOfFile(path)}", run.Output, StringComparison.Ordinal);
    }

    private Task<HoistCli.Run> Upload(ServerProcess server, string path, params string[] more) =>
        HoistCli.RunAsync(["upload", path, "--server", server.Address.OriginalString, "--token", DirectStoreFixture.ApiKey, "--state", State, .. more]);
}
