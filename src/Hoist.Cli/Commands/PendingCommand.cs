using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hoist.Cli.Output;
using Hoist.Cli.State;
using Hoist.Client;

namespace Hoist.Cli.Commands;

/// <summary>hoist pending — the unfinished uploads of the state file, each with what its server has stored.</summary>
internal static class PendingCommand
{
    public static Command Create()
    {
        var token = CliOptions.Token();
        var json = CliOptions.Json();
        json.Description = "Print one JSON document per line for each upload, and nothing else on standard output.";
        var state = CliOptions.State();
        var retryFor = CliOptions.RetryFor();
        var command = new Command("pending", "List unfinished uploads (the state file's) with what each server has stored.") { token, json, state, retryFor };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stateFile = new UploadStateFile(parse.GetValue(state)!);
            var records = await stateFile.ReadAsync(cancellationToken);
            var asJson = parse.GetValue(json);
            var status = ExitCodes.Success;
            if (records.Count == 0 && !asJson)
            {
                Console.Out.WriteLine($"no unfinished uploads in {stateFile.Path}");
            }
            foreach (var record in records.OrderBy(r => r.StartedAt))
            {
                var report = new PendingReport(record.UploadId, record.Server, record.Path, record.Name, record.Key, record.Size, record.PartCount, record.StartedAt, record.ExpiresAt);
                try
                {
                    var server = CliOptions.ParseServer(record.Server) ?? throw new UsageException($"The state file {stateFile.Path} records the server '{record.Server}', which is no URL.");
                    var stored = await CliOptions.CreateClient(server, CliOptions.TokenOf(parse, token), parse.GetValue(retryFor)).GetUploadStatusAsync(record.UploadId, cancellationToken);
                    report = stored.IsCompleted
                        ? report with { Status = "complete", PartsStored = record.PartCount, BytesStored = record.Size }
                        : report with { Status = "pending", PartsStored = stored.Parts.Count, BytesStored = stored.BytesStored };
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    await Console.Error.WriteLineAsync("Interrupted.");
                    return ExitCodes.Interrupted;
                }
                catch (HoistApiException e) when (e.IsUploadGone || e.IsUploadIdRefused)
                {
                    // Said, not changed: `hoist resume` or `hoist abort` drops such a record, with the reason.
                    report = report with { Status = "gone", Error = $"{e.Code}: {e.Title}" };
                }
                catch (Exception e) when (e is HoistApiException or HttpRequestException or TimeoutException)
                {
                    report = report with { Status = "unknown", Error = e.Message };
                    status = ExitCodes.Failed;
                }
                Console.Out.WriteLine(asJson ? CliJson.Serialize(report, PendingJson.Default.PendingReport) : Plain(report));
            }
            return status;
        });
        return command;
    }

    private static string Plain(PendingReport r)
    {
        var what = r.Status switch
        {
            "pending" => $"{r.PartsStored} of {r.PartCount} parts stored, {Sizes.Bytes(r.BytesStored ?? 0)} of {Sizes.Bytes(r.Size)}",
            "complete" => "complete on the server (hoist resume verifies it and forgets it)",
            "gone" => $"gone from the server ({r.Error}); hoist resume drops it",
            _ => $"server not reached: {r.Error}",
        };
        return $"{r.Name}: {what}; upload {r.UploadId}, started {r.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z, expires {r.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm}Z, {r.Path} -> {r.Server}";
    }
}

/// <summary>A line of `hoist pending --json`.</summary>
internal sealed record PendingReport(string UploadId, string Server, string Path, string Name, string Key, long Size, int PartCount, DateTimeOffset StartedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>pending (parts missing), complete, gone (the server no longer knows it), unknown (the server was not reached).</summary>
    public string Status { get; init; } = "unknown";

    public int? PartsStored { get; init; }

    public long? BytesStored { get; init; }

    public string? Error { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PendingReport))]
internal sealed partial class PendingJson : JsonSerializerContext;
