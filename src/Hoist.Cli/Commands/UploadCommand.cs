using System.CommandLine;
using Hoist.Cli.State;
using Hoist.Cli.Transfers;

namespace Hoist.Cli.Commands;

/// <summary>hoist upload &lt;file|dir&gt;... — new uploads, recorded for `hoist resume` while in progress.</summary>
internal static class UploadCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Files and folders to upload (folders recursively, each file named by its path from the folder's parent).",
            Arity = ArgumentArity.OneOrMore,
        };
        paths.Validators.Add(result =>
        {
            foreach (var path in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    result.AddError($"{path}: no such file or folder.");
                }
            }
        });
        var server = CliOptions.Server();
        var token = CliOptions.Token();
        var parallel = CliOptions.Parallel();
        var files = CliOptions.Files();
        var json = CliOptions.Json();
        var state = CliOptions.State();
        var limitRate = CliOptions.LimitRate();
        var retryFor = CliOptions.RetryFor();
        var noDirect = CliOptions.NoDirect();
        var sha256 = CliOptions.Sha256();
        var command = new Command("upload", "Upload files and folders; Ctrl-C stops, `hoist resume` finishes.")
        {
            paths, server, token, parallel, files, json, state, limitRate, retryFor, noDirect, sha256,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var serverUri = CliOptions.ParseServer(parse.GetValue(server)!)!;
            var jobs = FileSelection.Expand(parse.GetValue(paths)!, serverUri);
            var settings = new TransferSettings(CliOptions.TokenOf(parse, token), parse.GetValue(parallel), parse.GetValue(files), parse.GetValue(limitRate),
                StateIsDefault: parse.GetResult(state) is null or { Implicit: true }, RetryFor: parse.GetValue(retryFor), AllowDirect: !parse.GetValue(noDirect), Sha256: parse.GetValue(sha256));
            var runner = new TransferRunner(new UploadStateFile(parse.GetValue(state)!), TransferViews.For(parse.GetValue(json)), settings);
            return await runner.RunAsync(jobs, cancellationToken);
        });
        return command;
    }
}
