using System.CommandLine;
using System.Runtime.InteropServices;
using Hoist.Cli.Commands;

namespace Hoist.Cli;

/// <summary>The `hoist` command tree, its exit codes, and the one place where Ctrl-C becomes cancellation.</summary>
internal static class HoistCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("hoist: parallel, resumable, verified uploads to a Hoist server.")
        {
            UploadCommand.Create(),
            ResumeCommand.Create(),
            ListCommand.Create(),
            GetCommand.Create(),
            AbortCommand.Create(),
            RemoveCommand.Create(),
            LinkCommand.Create(),
            PendingCommand.Create(),
        };
        var parse = root.Parse(args);
        if (UnknownWords.FindUnknownOption(parse) is { } unknown)
        {
            // Said alone: the other errors (a "file" named --paralel, a missing argument) follow from it.
            await Console.Error.WriteLineAsync($"hoist: {unknown}");
            await Console.Error.WriteLineAsync(parse.CommandResult.Command is RootCommand ? "Try 'hoist --help'." : $"Try 'hoist {parse.CommandResult.Command.Name} --help'.");
            return ExitCodes.Usage;
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"hoist: {error.Message}");
            }
            await Console.Error.WriteLineAsync("Try 'hoist --help'.");
            return ExitCodes.Usage;
        }

        using var stop = new CancellationTokenSource();
        // First Ctrl-C (or SIGTERM): stop cleanly, keeping every upload resumable. A second one: the runtime's default, at once.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, stop.Token);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"hoist: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The end of the line for a failure no command expected: say it plainly, without a stack trace.
            await Console.Error.WriteLineAsync($"hoist: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        if (stop.IsCancellationRequested)
        {
            return;
        }
        context.Cancel = true;
        stop.Cancel();
    }
}

/// <summary>A command line that parses but cannot work (e.g. a state file that is not ours): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
