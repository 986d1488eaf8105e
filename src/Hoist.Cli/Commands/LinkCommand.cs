using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hoist.Cli.Output;
using Hoist.Client;

namespace Hoist.Cli.Commands;

/// <summary>hoist link &lt;key&gt; [--expires 1h] — prints a URL that downloads the file without credentials until it expires.</summary>
internal static class LinkCommand
{
    public static Command Create()
    {
        var key = new Argument<string>("key") { Description = "The stored file's key (see `hoist ls`)." };
        var expires = new Option<TimeSpan>("--expires", "-e")
        {
            Description = "How long the link works: seconds (90), or numbers with units s, m, h, d (45s, 30m, 1h, 7d); from 1 s to 7 days.",
            HelpName = "DURATION",
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                if (CliOptions.ParseDuration(text) is { } duration && duration >= TimeSpan.FromSeconds(1))
                {
                    return duration;
                }
                result.AddError($"--expires: '{text}' is not a duration from 1s to 7d such as 90, 30m, 1h or 7d.");
                return TimeSpan.FromHours(1);
            },
        };
        var server = CliOptions.Server();
        var token = CliOptions.Token();
        var json = CliOptions.Json();
        var retryFor = CliOptions.RetryFor();
        var command = new Command("link", "Print a link that downloads a stored file without credentials until it expires.") { key, expires, server, token, json, retryFor };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = CliOptions.CreateClient(CliOptions.ParseServer(parse.GetValue(server)!)!, CliOptions.TokenOf(parse, token), parse.GetValue(retryFor));
            var name = parse.GetValue(key)!;
            try
            {
                var link = await client.CreateLinkAsync(name, parse.GetValue(expires), cancellationToken);
                Console.Out.WriteLine(parse.GetValue(json)
                    ? CliJson.Serialize(new LinkLine(link.Key, link.Url.AbsoluteUri, link.ExpiresAt), LinkJson.Default.LinkLine)
                    : link.Url.AbsoluteUri);
                if (!parse.GetValue(json) && !Console.IsErrorRedirected)
                {
                    await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"expires {link.ExpiresAt.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}"));
                }
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Interrupted.");
                return ExitCodes.Interrupted;
            }
            catch (HoistApiException e) when (e.IsFileNotFound)
            {
                await Console.Error.WriteLineAsync($"hoist: {name}: no such file (file_not_found)");
                return ExitCodes.Failed;
            }
            catch (Exception e) when (e is HoistApiException or HttpRequestException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"hoist: {name}: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }
}

/// <summary>The line of `hoist link --json`.</summary>
internal sealed record LinkLine(string Key, string Url, DateTimeOffset ExpiresAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LinkLine))]
internal sealed partial class LinkJson : JsonSerializerContext;
