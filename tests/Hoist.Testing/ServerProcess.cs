using System.Diagnostics;
using System.Net;

namespace Hoist.Testing;

/// <summary>
/// A real Hoist server process (<c>dotnet Hoist.Server.dll --urls ...</c>, the build the tests were
/// built with) on a free loopback port, configured through Hoist__* environment variables as an
/// operator would. It can be killed outright (SIGKILL, as a crash) and started again on the same
/// port, with other settings if need be. Disposing kills it, with its children.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly string _listenHost;
    private readonly string? _alsoListenOn;
    private ChildProcess _process;

    private ServerProcess(ChildProcess process, Uri address, string listenHost, string? alsoListenOn)
    {
        _process = process;
        Address = address;
        _listenHost = listenHost;
        _alsoListenOn = alsoListenOn;
    }

    /// <summary>Where the tests reach it: http://127.0.0.1:port/.</summary>
    public Uri Address { get; }

    /// <summary>The server's process id, to look at it from outside (its sockets in /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Waits until the server has printed a line that <paramref name="match"/> accepts; answers whether it did within <paramref name="wait"/>.</summary>
    public async Task<bool> WaitForOutputAsync(Func<string, bool> match, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!_process.Lines.Any(match))
        {
            if (deadline.Elapsed > wait)
            {
                return false;
            }
            await Task.Delay(50, cancellationToken);
        }
        return true;
    }

    /// <summary>A client of the native API on this server (no redirects followed, no proxy, 2 minutes per request).</summary>
    public HoistApi CreateApi() =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) });

    /// <summary>
    /// Starts a server with these settings (configuration keys, "Hoist:Storage:Provider"; a null value is left unset) and waits until /healthz answers 200.
    /// It listens on <paramref name="listenHost"/> (loopback unless told, e.g. "0.0.0.0"); the tests reach it through loopback.
    /// It takes a free port, or <paramref name="port"/> when given (a server restarted where a killed one listened).
    /// <paramref name="alsoListenOn"/> adds an address (e.g. a port of its own for the metrics).
    /// </summary>
    public static Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings) => StartAsync(settings, CancellationToken.None);

    /// <inheritdoc cref="StartAsync(IReadOnlyDictionary{string, string?})"/>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken,
        string listenHost = "127.0.0.1", int? port = null, string? alsoListenOn = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var chosen = port ?? ChildProcess.FreePort();
            var address = new Uri($"http://127.0.0.1:{chosen}/");
            var server = new ServerProcess(Launch(settings, listenHost, chosen, alsoListenOn), address, listenHost, alsoListenOn);
            try
            {
                await server.WaitUntilHealthyAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException e) when (port is null && attempt < 3 && e.Message.Contains("is already in use", StringComparison.Ordinal))
            {
                // The free port was taken before the server bound it (another test's outgoing connection): take another.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Starts several servers at once; if one fails, those that started are stopped before the failure is reported.</summary>
    public static async Task<ServerGroup> StartManyAsync(int count, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var starting = Enumerable.Range(0, count).Select(_ => StartAsync(settings, cancellationToken)).ToList();
        try
        {
            return new ServerGroup(await Task.WhenAll(starting));
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await (await started).DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>Starts it again (after <see cref="KillAsync"/>) on the same port, with these settings.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken = default)
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException("The server is running.");
        }
        await _process.DisposeAsync();
        _process = Launch(settings, _listenHost, Address.Port, _alsoListenOn);
        await WaitUntilHealthyAsync(cancellationToken);
    }

    /// <summary>Kills the server at once (SIGKILL, as <c>kill -9</c>: no shutdown, no answer to requests in flight) and waits until it is gone.</summary>
    public Task KillAsync(CancellationToken cancellationToken = default) => _process.KillAsync(cancellationToken);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static ChildProcess Launch(IReadOnlyDictionary<string, string?> settings, string listenHost, int port, string? alsoListenOn)
    {
        var dll = RepoPaths.ServerDll;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)! };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://{listenHost}:{port}" + (alsoListenOn is null ? "" : ";" + alsoListenOn));
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("Hoist__", StringComparison.Ordinal) || n is "ASPNETCORE_URLS" or "DOTNET_URLS").ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in settings.Where(s => s.Value is not null))
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return ChildProcess.Start(start);
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        await _process.WaitUntilReadyAsync($"The server at {Address}", async ct =>
        {
            using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), () => Output, cancellationToken);
    }
}

/// <summary>Server processes stopped together.</summary>
public sealed class ServerGroup(IReadOnlyList<ServerProcess> servers) : IAsyncDisposable
{
    public ServerProcess this[int index] => servers[index];

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }
    }
}
