using System.Diagnostics;
using System.Text;

namespace Hoist.Client.Tests.Support;

/// <summary>The built `hoist` run as a process: output redirected (so plain, ANSI-free), environment cleaned of HOIST_*.</summary>
public static class HoistCli
{
    public sealed record Run(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        // Through env(1) with SIGINT at its default, as in a user's terminal: a test run started in the
        // background (`cmd &`) inherits SIGINT ignored, which .NET keeps, and Ctrl-C could not be tested.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("HOIST_SERVER");
        start.Environment.Remove("HOIST_TOKEN");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return start;
    }

    public static async Task<Run> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hoist {string.Join(' ', args)} did not finish:\n{await output}\n{await error}");
        }
        return new Run(process.ExitCode, await output, await error);
    }
}

/// <summary>A started `hoist` that a test may kill or interrupt.</summary>
public sealed class RunningCli : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();

    public RunningCli(IEnumerable<string> args)
    {
        Process = Process.Start(HoistCli.StartInfo(args))!;
        Process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        Process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public async Task<HoistCli.Run> WaitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(limit.Token);
        lock (_output)
        {
            return new HoistCli.Run(Process.ExitCode, _output.ToString(), _error.ToString());
        }
    }

    private void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                builder.AppendLine(line);
            }
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }
        Process.Dispose();
    }
}
