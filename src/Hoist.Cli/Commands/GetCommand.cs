using System.CommandLine;
using System.Text.Json;
using Hoist.Cli.Output;
using Hoist.Cli.Transfers;
using Hoist.Client;
using Spectre.Console;

namespace Hoist.Cli.Commands;

/// <summary>
/// hoist get &lt;key&gt; [-o file] — downloads a stored file (to standard output with -o -); a key ending with '/'
/// (a folder upload's <c>owner/…/id/</c>) downloads every file under it into a folder (-o, default here), its tree kept.
/// </summary>
internal static class GetCommand
{
    public static Command Create()
    {
        var key = new Argument<string>("key") { Description = "The stored file's key (see `hoist ls`); ending with /, a folder: every file under it, its tree kept." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write it (default: its name, here; - for standard output); for a folder, the folder to write into (default: here).", HelpName = "FILE" };
        var server = CliOptions.Server();
        var token = CliOptions.Token();
        var json = CliOptions.Json();
        var retryFor = CliOptions.RetryFor();
        var force = new Option<bool>("--force") { Description = "Replace the local file if it exists." };
        var command = new Command("get", "Download a stored file.") { key, output, server, token, json, retryFor, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var client = CliOptions.CreateClient(CliOptions.ParseServer(parse.GetValue(server)!)!, CliOptions.TokenOf(parse, token), parse.GetValue(retryFor));
            var name = parse.GetValue(key)!;
            if (name.EndsWith('/'))
            {
                return await GetFolderAsync(client, name, parse.GetValue(output) ?? ".", parse.GetValue(force), parse.GetValue(json), cancellationToken);
            }
            var target = parse.GetValue(output) ?? name[(name.LastIndexOf('/') + 1)..];
            if (target != "-" && !parse.GetValue(force) && (File.Exists(target) || Directory.Exists(target)))
            {
                // Nothing asked of the server, nothing written: the user's file is not replaced by surprise.
                await Console.Error.WriteLineAsync($"hoist: {target} exists; not replaced. Use --force to replace it, or -o to name another file.");
                return ExitCodes.Usage;
            }
            return await GuardedAsync(name, async () =>
            {
                if (target == "-")
                {
                    await using var body = await client.OpenReadAsync(name, cancellationToken);
                    await using var stdout = Console.OpenStandardOutput();
                    await body.CopyToAsync(stdout, cancellationToken);
                    return ExitCodes.Success;
                }
                var result = Console.IsOutputRedirected || parse.GetValue(json)
                    ? await client.DownloadToFileAsync(name, target, null, cancellationToken)
                    : await DownloadWithBarAsync(client, name, target, cancellationToken);
                Report(result, parse.GetValue(json), result.Path);
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>Every file under the folder key <paramref name="prefix"/>, into <paramref name="root"/> at its path below the prefix (see <see cref="FolderDownload"/>).</summary>
    private static async Task<int> GetFolderAsync(HoistClient client, string prefix, string root, bool force, bool json, CancellationToken cancellationToken)
    {
        if (root == "-")
        {
            await Console.Error.WriteLineAsync("hoist: a folder cannot be written to standard output; name a folder with -o.");
            return ExitCodes.Usage;
        }
        return await GuardedAsync(prefix, async () =>
        {
            var plan = await FolderDownload.PlanAsync(client, prefix, root, cancellationToken);
            if (plan.Count == 0)
            {
                await Console.Error.WriteLineAsync($"hoist: {prefix}: no stored files under this folder.");
                return ExitCodes.Failed;
            }
            var existing = plan.Where(p => File.Exists(p.LocalPath) || Directory.Exists(p.LocalPath)).Select(p => p.LocalPath).ToList();
            if (existing.Count > 0 && !force)
            {
                // Checked for all before any is written: the user's files are not replaced by surprise, nor half of a folder fetched.
                await Console.Error.WriteLineAsync($"hoist: {string.Join(", ", existing.Take(5))}{(existing.Count > 5 ? $" and {existing.Count - 5} more" : "")} exist{(existing.Count == 1 ? "s" : "")}; nothing replaced. Use --force to replace, or -o to name another folder.");
                return ExitCodes.Usage;
            }
            foreach (var (file, local) in plan)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                var result = await client.DownloadToFileAsync(file.Key, local, null, cancellationToken);
                Report(result, json, Path.GetRelativePath(Path.GetFullPath(root), result.Path).Replace(Path.DirectorySeparatorChar, '/'));
            }
            return ExitCodes.Success;
        }, cancellationToken);
    }

    private static void Report(DownloadResult result, bool json, string shownPath) =>
        Console.Out.WriteLine(json
            ? CliJson.Serialize(new DownloadReport(result.Key, result.Path, result.Size, result.ETag, result.Sha256), DownloadJson.Default.DownloadReport)
            : $"saved {shownPath} ({Sizes.Bytes(result.Size)}), sha256 {result.Sha256}");

    /// <summary>Runs a download, turning what can go wrong with it into a message and an exit code.</summary>
    private static async Task<int> GuardedAsync(string name, Func<Task<int>> download, CancellationToken cancellationToken)
    {
        try
        {
            return await download();
        }
        catch (UnsafeKeyException e)
        {
            await Console.Error.WriteLineAsync($"hoist: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Interrupted.");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is HoistApiException or HoistIntegrityException or HttpRequestException or IOException or TimeoutException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"hoist: {name}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static async Task<DownloadResult> DownloadWithBarAsync(HoistClient client, string key, string target, CancellationToken cancellationToken)
    {
        DownloadResult? result = null;
        await AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(Path.GetFileName(target)), autoStart: true, maxValue: 1);
                task.IsIndeterminate = true;
                // The size is known from the first bytes on; until then the bar is indeterminate.
                var size = await SizeOfAsync(client, key, cancellationToken);
                if (size is > 0)
                {
                    task.MaxValue = size.Value;
                    task.IsIndeterminate = false;
                }
                result = await client.DownloadToFileAsync(key, target, new SyncProgress(bytes => task.Value = bytes), cancellationToken);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static async Task<long?> SizeOfAsync(HoistClient client, string key, CancellationToken cancellationToken)
    {
        var folder = key[..(key.LastIndexOf('/') + 1)];
        await foreach (var file in client.ListFilesAsync(folder, cancellationToken))
        {
            if (file.Key == key)
            {
                return file.Size;
            }
        }
        return null;
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}

internal sealed record DownloadReport(string Key, string Path, long Size, [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string? ETag, string Sha256);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(DownloadReport))]
internal sealed partial class DownloadJson : System.Text.Json.Serialization.JsonSerializerContext;
