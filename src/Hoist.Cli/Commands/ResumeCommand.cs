using System.CommandLine;
using Hoist.Cli.State;
using Hoist.Cli.Transfers;

namespace Hoist.Cli.Commands;

/// <summary>hoist resume [upload|path]... — finishes the uploads recorded in the state file, sending only the missing parts.</summary>
internal static class ResumeCommand
{
    public static Command Create()
    {
        var targets = new Argument<string[]>("upload")
        {
            Description = "Upload ids or file paths to resume; every recorded upload when none is given.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var server = CliOptions.Server(required: false);
        server.Description = "Resume only the uploads to this server (default: each on the server it started on).";
        var token = CliOptions.Token();
        var parallel = CliOptions.Parallel();
        var files = CliOptions.Files();
        var json = CliOptions.Json();
        var state = CliOptions.State();
        var limitRate = CliOptions.LimitRate();
        var retryFor = CliOptions.RetryFor();
        var noDirect = CliOptions.NoDirect();
        var sha256 = CliOptions.Sha256();
        var command = new Command("resume", "Finish interrupted uploads (after Ctrl-C, a crash or a kill).")
        {
            targets, server, token, parallel, files, json, state, limitRate, retryFor, noDirect, sha256,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stateFile = new UploadStateFile(parse.GetValue(state)!);
            var records = await stateFile.ReadAsync(cancellationToken);
            var only = CliOptions.ParseServer(parse.GetValue(server) ?? "");
            var wanted = parse.GetValue(targets) ?? [];
            var fullPaths = wanted.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
            var selected = records
                .Where(r => only is null || SameServer(r.Server, only))
                .Where(r => wanted.Length == 0 || wanted.Contains(r.UploadId, StringComparer.Ordinal) || fullPaths.Contains(r.Path))
                .ToList();
            if (selected.Count == 0)
            {
                await Console.Error.WriteLineAsync(wanted.Length == 0 ? "Nothing to resume." : "None of those uploads is recorded in " + stateFile.Path + ".");
                return wanted.Length == 0 ? ExitCodes.Success : ExitCodes.Failed;
            }
            var jobs = selected.Select(r => new TransferJob(r.Path, r.Name, r.Size, r.LastWriteTimeUtc, CliOptions.ParseServer(r.Server) ?? new Uri(r.Server), r)).ToList();
            var settings = new TransferSettings(CliOptions.TokenOf(parse, token), parse.GetValue(parallel), parse.GetValue(files), parse.GetValue(limitRate),
                StateIsDefault: parse.GetResult(state) is null or { Implicit: true }, RetryFor: parse.GetValue(retryFor), AllowDirect: !parse.GetValue(noDirect), Sha256: parse.GetValue(sha256));
            return await new TransferRunner(stateFile, TransferViews.For(parse.GetValue(json)), settings).RunAsync(jobs, cancellationToken);
        });
        return command;
    }

    private static bool SameServer(string recorded, Uri server) =>
        CliOptions.ParseServer(recorded) is { } uri && Uri.Compare(uri, server, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
