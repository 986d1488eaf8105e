using System.Diagnostics;
using System.Text;

namespace Hoist.Bench.Measure;

/// <summary>Runs a client process to its end and answers the last line it printed (its JSON report).</summary>
internal static class ClientProcess
{
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string logPath, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} ran longer than {timeout}.");
        }
        var output = await stdout;
        var errors = await stderr;
        await File.AppendAllTextAsync(logPath, new StringBuilder()
            .AppendLine($"$ {fileName} {string.Join(' ', arguments)}").Append(output).Append(errors).ToString());
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || last is null)
        {
            var tail = string.Join('\n', errors.Split('\n').TakeLast(15));
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} exited with {process.ExitCode}:\n{tail}");
        }
        return last;
    }
}
