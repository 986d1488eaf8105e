using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Hoist.Resilience.Tests.Support;

/// <summary>
/// A real Hoist server process (<c>dotnet Hoist.Server.dll --urls ...</c>, as built with these
/// tests) on a free loopback port, configured through Hoist__* environment variables. It can be
/// killed outright (SIGKILL: no shutdown, no flush, requests cut mid-body), as a crash would.
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

    public string Output => string.Join('\n', _output);

    public HoistClient CreateHoistClient() =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) });

    /// <summary>Starts a server with these settings ("Hoist:Storage:Provider" form; a null value is left unset) and waits until /healthz answers 200.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var dll = ServerAssembly();
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("Hoist__", StringComparison.Ordinal) || n is "ASPNETCORE_URLS" or "DOTNET_URLS").ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in settings.Where(s => s.Value is not null))
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

    /// <summary>SIGKILL, then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }
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
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
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
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"The server at {Address} was not healthy after 60 s:\n{Output}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>The server's own build output, of the configuration these tests were built in.</summary>
    private static string ServerAssembly()
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
