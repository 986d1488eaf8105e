using System.CommandLine;
using Hoist.Cli.State;
using Hoist.Client;

namespace Hoist.Cli.Commands;

/// <summary>hoist abort &lt;uploadId&gt;... — releases an upload's stored parts and forgets it.</summary>
internal static class AbortCommand
{
    public static Command Create()
    {
        var ids = new Argument<string[]>("uploadId") { Description = "The uploads to abort (see the state file, or --json output).", Arity = ArgumentArity.OneOrMore };
        var server = CliOptions.Server(required: false);
        server.Description = $"The server (default: the one the upload is recorded with; or {CliOptions.ServerVariable}).";
        var token = CliOptions.Token();
        var state = CliOptions.State();
        var retryFor = CliOptions.RetryFor();
        var command = new Command("abort", "Abort uploads: the server releases their parts.") { ids, server, token, state, retryFor };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stateFile = new UploadStateFile(parse.GetValue(state)!);
            var records = await stateFile.ReadAsync(cancellationToken);
            var given = parse.GetValue(server) is { } url ? CliOptions.ParseServer(url) : null;
            var status = ExitCodes.Success;
            foreach (var id in parse.GetValue(ids)!)
            {
                var recorded = records.FirstOrDefault(r => r.UploadId == id);
                var target = given ?? (recorded is null ? null : CliOptions.ParseServer(recorded.Server));
                if (target is null)
                {
                    throw new UsageException($"{Short(id)} is not recorded in {stateFile.Path}: name its server with --server or {CliOptions.ServerVariable}.");
                }
                try
                {
                    await CliOptions.CreateClient(target, CliOptions.TokenOf(parse, token), parse.GetValue(retryFor)).AbortAsync(id, cancellationToken);
                    Console.Out.WriteLine($"aborted {Label(id, recorded)}");
                }
                catch (HoistApiException e) when (e.IsUploadGone)
                {
                    Console.Out.WriteLine($"already gone: {Label(id, recorded)} ({e.Code})");
                }
                catch (HoistApiException e) when (e.IsUploadCompleted)
                {
                    Console.Out.WriteLine($"already complete, nothing to abort: {Label(id, recorded)} (its file is stored; `hoist ls` shows it)");
                }
                catch (HoistApiException e) when (e.IsUploadIdRefused && recorded is not null && SameServer(recorded.Server, target))
                {
                    // Only the server the upload began on can say it no longer knows the id; another server's refusal proves nothing.
                    await Console.Error.WriteLineAsync($"hoist: cannot abort {Label(id, recorded)}: {Transfers.TransferRunner.WhyUnknown(e)} Its record is dropped from the state file.");
                    status = ExitCodes.Failed;
                }
                catch (Exception e) when (e is HoistApiException or HttpRequestException or TimeoutException)
                {
                    await Console.Error.WriteLineAsync($"hoist: {Label(id, recorded)}: {e.Message}");
                    status = ExitCodes.Failed;
                    continue;
                }
                await stateFile.RemoveAsync(id, cancellationToken);
            }
            return status;
        });
        return command;
    }

    private static bool SameServer(string recorded, Uri target) =>
        CliOptions.ParseServer(recorded) is { } uri && Uri.Compare(uri, target, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string Label(string id, UploadRecord? record) => record is null ? Short(id) : $"{record.Name} ({Short(id)})";

    private static string Short(string id) => id.Length <= 16 ? id : id[..12] + "…";
}
