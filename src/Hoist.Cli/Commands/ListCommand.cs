using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hoist.Cli.Output;
using Hoist.Client;
using Spectre.Console;

namespace Hoist.Cli.Commands;

/// <summary>hoist ls [prefix] — the caller's stored files.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var prefix = new Argument<string?>("prefix") { Description = "Only keys starting with this.", Arity = ArgumentArity.ZeroOrOne };
        var server = CliOptions.Server();
        var token = CliOptions.Token();
        var json = CliOptions.Json();
        var retryFor = CliOptions.RetryFor();
        var command = new Command("ls", "List stored files.") { prefix, server, token, json, retryFor };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = CliOptions.CreateClient(CliOptions.ParseServer(parse.GetValue(server)!)!, CliOptions.TokenOf(parse, token), parse.GetValue(retryFor));
            var asJson = parse.GetValue(json);
            var terminal = !Console.IsOutputRedirected && !asJson;
            var table = new Table().Border(TableBorder.None).AddColumn("Size", c => c.RightAligned()).AddColumn("Modified").AddColumn("Key");
            try
            {
                await foreach (var file in client.ListFilesAsync(parse.GetValue(prefix), cancellationToken))
                {
                    if (asJson)
                    {
                        Console.Out.WriteLine(CliJson.Serialize(new ListedFile(file.Key, file.Size, file.LastModified, file.ETag), ListJson.Default.ListedFile));
                    }
                    else if (terminal)
                    {
                        table.AddRow(Sizes.Bytes(file.Size), file.LastModified.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Markup.Escape(file.Key));
                    }
                    else
                    {
                        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file.Size}\t{file.LastModified.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\t{file.Key}"));
                    }
                }
            }
            catch (Exception e) when (e is HoistApiException or HttpRequestException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"hoist: {e.Message}");
                return ExitCodes.Failed;
            }
            if (terminal)
            {
                AnsiConsole.Write(table);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>A line of `hoist ls --json`: the API's shape.</summary>
internal sealed record ListedFile(string Key, long Size, DateTimeOffset LastModified, [property: JsonPropertyName("etag")] string ETag);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ListedFile))]
internal sealed partial class ListJson : JsonSerializerContext;
