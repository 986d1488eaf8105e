using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Hoist.Client.Tests.Support;

/// <summary>
/// The real server as its own process (the built Hoist.Server.dll, as an operator runs it), on a loopback
/// port, configured through environment variables. It can be stopped (SIGKILL, as a crash) and started
/// again on the same port, with other settings if need be (a new signing key).
/// </summary>
public sealed partial class HoistServer : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private Process? _process;

    private HoistServer(Uri url)
    {
        Url = url;
    }

    public Uri Url { get; private set; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a server with these settings ("Hoist:Section:Name" form) on a free port.</summary>
    public static async Task<HoistServer> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var server = new HoistServer(new Uri("http://127.0.0.1:0/"));
        await server.StartAsync(settings, port: 0);
        return server;
    }

    /// <summary>Starts it again, on the same port, with these settings.</summary>
    public Task RestartAsync(IReadOnlyDictionary<string, string?> settings) => StartAsync(settings, Url.Port);

    private async Task StartAsync(IReadOnlyDictionary<string, string?> settings, int port)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is running.");
        }
        _process?.Dispose();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepoPaths.ServerDll, "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.ServerDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in start.Environment.Keys.Where(n => n.StartsWith("Hoist__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in settings.Where(s => s.Value is not null))
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Received(e.Data, listening);
        process.ErrorDataReceived += (_, e) => Received(e.Data, listening);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            throw new InvalidOperationException($"The server did not start:\n{Log}");
        }
        Url = await listening.Task;
    }

    /// <summary>SIGKILL, as a crash: requests in flight are cut, new connections are refused.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    private void Received(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
        if (ListeningOn().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}

/// <summary>
/// The real server as its own process, one per test class, for the CLI tests (processes too).
/// </summary>
public abstract class HoistServerFixture : IAsyncLifetime
{
    private HoistServer? _server;

    public StoreSetup Store { get; private set; } = null!;

    public Uri Url => _server!.Url;

    public string Log => _server?.Log ?? "";

    /// <summary>The largest file this server accepts: the CLI tests' way to make one file fail.</summary>
    public const long MaxFileSize = 64L * 1024 * 1024;

    protected abstract StoreSetup CreateStore();

    /// <summary>The settings of a server on this fixture's store: 5 MiB parts, the size limit, then <paramref name="overrides"/>.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(Store.Settings)
        {
            ["Hoist:Uploads:PreferredPartSize"] = HoistAppFixture.PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hoist:Uploads:MaxFileSize"] = MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }
        return settings;
    }

    public async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.InitializeAsync();
        _server = await HoistServer.StartAsync(Settings());
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        await Store.DisposeAsync();
    }
}

public sealed class FileSystemServerFixture : HoistServerFixture
{
    protected override StoreSetup CreateStore() => new FileSystemSetup();
}

public sealed class S3ServerFixture : HoistServerFixture
{
    protected override StoreSetup CreateStore() => new S3Setup();
}
