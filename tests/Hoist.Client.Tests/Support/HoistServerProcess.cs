using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Hoist.Client.Tests.Support;

/// <summary>
/// The real server as its own process (the built Hoist.Server.dll, as an operator runs it), on a free
/// loopback port, configured through environment variables. For the CLI tests, which are processes too.
/// </summary>
public abstract partial class HoistServerFixture : IAsyncLifetime
{
    private readonly StringBuilder _log = new();
    private Process? _process;

    public StoreSetup Store { get; private set; } = null!;

    public Uri Url { get; private set; } = null!;

    /// <summary>The largest file this server accepts: the CLI tests' way to make one file fail.</summary>
    public const long MaxFileSize = 64L * 1024 * 1024;

    protected abstract StoreSetup CreateStore();

    public async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.InitializeAsync();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepoPaths.ServerDll, "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.ServerDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var settings = new Dictionary<string, string?>(Store.Settings)
        {
            ["Hoist:Uploads:PreferredPartSize"] = HoistAppFixture.PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hoist:Uploads:MaxFileSize"] = MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Received(e.Data, listening);
        _process.ErrorDataReceived += (_, e) => Received(e.Data, listening);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            throw new InvalidOperationException($"The server did not start:\n{Log}");
        }
        Url = await listening.Task;
    }

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

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
        await Store.DisposeAsync();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}

public sealed class FileSystemServerFixture : HoistServerFixture
{
    protected override StoreSetup CreateStore() => new FileSystemSetup();
}

public sealed class S3ServerFixture : HoistServerFixture
{
    protected override StoreSetup CreateStore() => new S3Setup();
}
