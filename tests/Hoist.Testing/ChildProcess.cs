using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hoist.Testing;

/// <summary>
/// A child process (a server, nginx, a proxy under a benchmark) whose output is kept for failure
/// messages and optionally passed on; waited for until it is ready; killed with its children when disposed.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly int _keepLines;
    private readonly Action<string>? _onLine;

    private ChildProcess(Process process, int keepLines, Action<string>? onLine)
    {
        _process = process;
        _keepLines = keepLines;
        _onLine = onLine;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What it printed (stdout and stderr, the first <c>keepLines</c> lines).</summary>
    public string Output => string.Join('\n', _output);

    public IEnumerable<string> Lines => _output;

    /// <summary>Starts <paramref name="start"/> with its output redirected.</summary>
    public static ChildProcess Start(ProcessStartInfo start, int keepLines = 500, Action<string>? onLine = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process, keepLines, onLine);
        process.OutputDataReceived += (_, e) => child.Record(e.Data);
        process.ErrorDataReceived += (_, e) => child.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Asks <paramref name="ready"/> every <paramref name="poll"/> until it answers true; fails when the
    /// process exits first or <paramref name="limit"/> passes. A refused connection or a request timeout counts as not ready.
    /// </summary>
    public async Task WaitUntilReadyAsync(string what, Func<CancellationToken, Task<bool>> ready, TimeSpan limit, TimeSpan poll, Func<string> log, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                // Until its output is read to the end: the lines that say why arrive after the exit.
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"{what} exited with {_process.ExitCode} before it was ready:\n{log()}");
            }
            try
            {
                if (await ready(cancellationToken))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or SocketException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet, or too busy starting to answer within the request timeout.
            }
            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"{what} was not ready after {limit.TotalSeconds:0} s:\n{log()}");
            }
            await Task.Delay(poll, cancellationToken);
        }
    }

    /// <summary>Kills it at once (SIGKILL, with its children: no shutdown, requests in flight cut) and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await KillAsync(timeout.Token);
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

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        _onLine?.Invoke(line);
        if (_output.Count < _keepLines)
        {
            _output.Enqueue(line);
        }
    }
}
