using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Security;

/// <summary>
/// Hoist:Auth:Mode None is for local use: a real server process that listens beyond loopback says so
/// loudly in its log; on loopback it stays quiet. No store involved: one store suffices.
/// </summary>
public sealed class OpenServerWarningTests(FileSystemFixture fixture) : IClassFixture<FileSystemFixture>
{
    private static bool IsWarning(string line) => line.Contains("WITHOUT AUTHENTICATION", StringComparison.Ordinal);

    [Fact]
    public async Task Without_authentication_a_server_listening_on_all_interfaces_warns()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var server = await ServerProcess.StartAsync(fixture.Settings(), timeout.Token, listenHost: "0.0.0.0");

        var warned = await server.WaitForOutputAsync(IsWarning, TimeSpan.FromSeconds(10), timeout.Token);

        Assert.True(warned, $"No warning in the log:\n{server.Output}");
        Assert.Contains(server.Output.Split('\n'), line => IsWarning(line) && line.Contains("0.0.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_authentication_a_server_listening_on_loopback_does_not_warn()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var server = await ServerProcess.StartAsync(fixture.Settings(), timeout.Token, listenHost: "127.0.0.1");

        var warned = await server.WaitForOutputAsync(IsWarning, TimeSpan.FromSeconds(2), timeout.Token);

        Assert.False(warned, $"A warning in the log:\n{server.Output}");
    }

    [Fact]
    public async Task With_api_keys_a_server_listening_on_all_interfaces_does_not_warn()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var server = await ServerProcess.StartAsync(fixture.Settings(ApiKeyOwners.Settings()), timeout.Token, listenHost: "0.0.0.0");

        var warned = await server.WaitForOutputAsync(IsWarning, TimeSpan.FromSeconds(2), timeout.Token);

        Assert.False(warned, $"A warning in the log:\n{server.Output}");
    }
}
