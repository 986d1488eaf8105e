using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// A real Hoist server process (<c>dotnet Hoist.Server.dll --urls ...</c>, the build the tests were
/// built with) on a free loopback port, configured through Hoist__* environment variables as an
/// operator would. Disposing kills it, with its children.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The server's process id, to look at it from outside (its sockets in /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the server printed, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Waits until the server has printed a line that <paramref name="match"/> accepts; answers whether it did within <paramref name="wait"/>.</summary>
    public async Task<bool> WaitForOutputAsync(Func<string, bool> match, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!_output.Any(match))
        {
            if (deadline.Elapsed > wait)
            {
                return false;
            }
            await Task.Delay(50, cancellationToken);
        }
        return true;
    }

    public HoistApi CreateApi() => new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = Address });

    /// <summary>
    /// Starts a server with these settings (configuration keys, "Hoist:Storage:Provider") and waits until /healthz answers 200.
    /// It listens on <paramref name="listenHost"/> (loopback unless told, e.g. "0.0.0.0"); the tests reach it through loopback.
    /// It takes a free port, or <paramref name="port"/> when given (a server restarted where a killed one listened).
    /// <paramref name="alsoListenOn"/> adds an address (e.g. a port of its own for the metrics).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken, string listenHost = "127.0.0.1", int? port = null, string? alsoListenOn = null)
    {
        var dll = ServerAssembly();
        port ??= FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://{listenHost}:{port}" + (alsoListenOn is null ? "" : ";" + alsoListenOn));
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("Hoist__", StringComparison.Ordinal) || n is "ASPNETCORE_URLS" or "DOTNET_URLS").ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilHealthyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
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

    /// <summary>Kills the server at once (SIGKILL, as <c>kill -9</c>: no shutdown, no answer to requests in flight) and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Record(string? line)
    {
        if (line is not null && _output.Count < 500)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server process exited with {_process.ExitCode} before answering:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet, or too busy starting to answer within the request timeout.
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"The server at {Address} was not healthy after 60 s:\n{Output}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The server's own build output, of the configuration these tests were built in.</summary>
    internal static string ServerAssembly()
    {
        var configuration = typeof(ServerProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hoist.slnx")))
        {
            directory = directory.Parent;
        }
        var dll = directory is null ? null : Path.Combine(directory.FullName, "src", "Hoist.Server", "bin", configuration, "net10.0", "Hoist.Server.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"The built server is not at {dll ?? "(no Hoist.slnx above " + AppContext.BaseDirectory + ")"}: build src/Hoist.Server first.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
