using System.Diagnostics;
using Hoist.Testing;

namespace Hoist.Bench.Measure;

/// <summary>A proxy server under test, as its own process: started fresh for each run, its output appended to the run's log.</summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    private readonly Hoist.Testing.ChildProcess _process;
    private readonly StreamWriter _log;

    private ProxyProcess(Hoist.Testing.ChildProcess process, StreamWriter log, Uri url)
    {
        _process = process;
        _log = log;
        Url = url;
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    /// <summary>Starts the process and waits until <paramref name="readyPath"/> answers (any status when <paramref name="anyStatus"/>, else 2xx).</summary>
    public static async Task<ProxyProcess> StartAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, int port, string readyPath, bool anyStatus, string logPath)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Hoist.Testing.ChildProcess.Start(start, keepLines: 0, onLine: line => Write(log, line));
        var server = new ProxyProcess(process, log, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await process.WaitUntilReadyAsync(Path.GetFileName(fileName), async ct =>
            {
                using var request = new HttpRequestMessage(anyStatus ? HttpMethod.Options : HttpMethod.Get, new Uri(server.Url, readyPath));
                using var response = await http.SendAsync(request, ct);
                return anyStatus || response.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), () => $"see {logPath}", CancellationToken.None);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static void Write(StreamWriter log, string line)
    {
        lock (log)
        {
            log.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
