using System.CommandLine;
using Hoist.Client;

namespace Hoist.Cli.Commands;

/// <summary>hoist rm &lt;key&gt;... — deletes stored files, each reported.</summary>
internal static class RemoveCommand
{
    public static Command Create()
    {
        var keys = new Argument<string[]>("key") { Description = "The stored files' keys (see `hoist ls`).", Arity = ArgumentArity.OneOrMore };
        var server = CliOptions.Server();
        var token = CliOptions.Token();
        var retryFor = CliOptions.RetryFor();
        var command = new Command("rm", "Delete stored files.") { keys, server, token, retryFor };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = CliOptions.CreateClient(CliOptions.ParseServer(parse.GetValue(server)!)!, CliOptions.TokenOf(parse, token), parse.GetValue(retryFor));
            var status = ExitCodes.Success;
            foreach (var key in parse.GetValue(keys)!)
            {
                try
                {
                    await client.DeleteFileAsync(key, cancellationToken);
                    Console.Out.WriteLine($"deleted {key}");
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    await Console.Error.WriteLineAsync("Interrupted.");
                    return ExitCodes.Interrupted;
                }
                catch (HoistApiException e) when (e.IsFileNotFound)
                {
                    await Console.Error.WriteLineAsync($"hoist: {key}: no such file (file_not_found)");
                    status = ExitCodes.Failed;
                }
                catch (Exception e) when (e is HoistApiException or HttpRequestException or TimeoutException)
                {
                    await Console.Error.WriteLineAsync($"hoist: {key}: {e.Message}");
                    status = ExitCodes.Failed;
                }
            }
            return status;
        });
        return command;
    }
}
