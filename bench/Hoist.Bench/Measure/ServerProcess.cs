using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hoist.Bench.Measure;

/// <summary>A proxy server under test, as its own process: started fresh for each run, stopped by its pid.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerProcess(Process process, StreamWriter log, Uri url)
    {
        _process = process;
        _log = log;
        Url = url;
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    /// <summary>Starts the process and waits until <paramref name="readyPath"/> answers (any status when <paramref name="anyStatus"/>, else 2xx).</summary>
    public static async Task<ServerProcess> StartAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, int port, string readyPath, bool anyStatus, string logPath)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"{Path.GetFileName(fileName)} exited at start ({process.ExitCode}): see {logPath}");
            }
            try
            {
                using var request = new HttpRequestMessage(anyStatus ? HttpMethod.Options : HttpMethod.Get, new Uri(server.Url, readyPath));
                using var response = await http.SendAsync(request);
                if (anyStatus || response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await server.DisposeAsync();
                throw new TimeoutException($"{Path.GetFileName(fileName)} did not answer {readyPath} within 60 s: see {logPath}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
