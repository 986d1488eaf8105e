using System.Collections.Concurrent;
using System.Diagnostics;
using Hoist.Cli.Output;
using Hoist.Cli.State;
using Hoist.Client;

namespace Hoist.Cli.Transfers;

/// <summary>
/// Uploads (or resumes) files, several at a time, each recorded in the state file from the moment
/// its upload exists until it is complete. A failed or interrupted file keeps its record, so that
/// `hoist resume` can finish it; one whose upload is gone on the server loses it.
/// </summary>
internal sealed class TransferRunner(UploadStateFile state, ITransferView view, TransferSettings settings)
{
    private readonly ConcurrentDictionary<Uri, HoistClient> _clients = new();

    public async Task<int> RunAsync(IReadOnlyList<TransferJob> jobs, CancellationToken cancellationToken)
    {
        var outcomes = new ConcurrentBag<(TransferOutcome Outcome, long Bytes)>();
        var clock = Stopwatch.StartNew();
        var interrupted = new ConcurrentBag<TransferJob>();
        await view.RunAsync(jobs, () => Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = settings.Files }, async (job, _) =>
        {
            var (outcome, bytes) = await RunOneAsync(job, cancellationToken);
            outcomes.Add((outcome, bytes));
            if (outcome == TransferOutcome.Interrupted)
            {
                interrupted.Add(job);
            }
        }));
        clock.Stop();

        var count = (TransferOutcome o) => outcomes.Count(x => x.Outcome == o);
        var bytes = outcomes.Where(o => o.Outcome == TransferOutcome.Uploaded).Sum(o => o.Bytes);
        var sent = outcomes.Sum(o => o.Outcome == TransferOutcome.Uploaded ? o.Bytes : 0);
        view.Summarize(new RunSummary(count(TransferOutcome.Uploaded), count(TransferOutcome.Failed), count(TransferOutcome.Interrupted), count(TransferOutcome.Skipped),
            bytes, clock.Elapsed, clock.Elapsed.TotalSeconds > 0 ? sent / clock.Elapsed.TotalSeconds : 0));

        if (cancellationToken.IsCancellationRequested || !interrupted.IsEmpty)
        {
            var servers = jobs.Select(j => j.Server).Distinct().ToList();
            var server = servers.Count == 1 ? $" --server {servers[0].OriginalString}" : "";
            var stateOption = settings.StateIsDefault ? "" : $" --state {state.Path}";
            await Console.Error.WriteLineAsync($"Interrupted. Finish the uploads with: hoist resume{server}{stateOption}");
            return ExitCodes.Interrupted;
        }
        return count(TransferOutcome.Failed) > 0 ? ExitCodes.Failed : ExitCodes.Success;
    }

    private async Task<(TransferOutcome, long)> RunOneAsync(TransferJob job, CancellationToken cancellationToken)
    {
        var file = view.Add(job);
        if (cancellationToken.IsCancellationRequested)
        {
            file.Interrupted(null);
            return (TransferOutcome.Interrupted, 0);
        }
        var uploadId = job.Resume?.UploadId;
        UploadLease? lease = null;
        try
        {
            var client = _clients.GetOrAdd(job.Server, server => CliOptions.CreateClient(server, settings.Token, settings.BytesPerSecond));
            var options = new UploadOptions { FileName = job.Name, Parallelism = settings.Parallel, Progress = file };
            UploadResult result;
            if (job.Resume is { } record)
            {
                lease = UploadLease.TryTake(state, record.UploadId);
                if (lease is null)
                {
                    file.Skipped("another hoist process is uploading it right now");
                    return (TransferOutcome.Skipped, 0);
                }
                if (Changed(job, record) is { } change)
                {
                    file.Failed($"the file {change} since its upload began, so the upload cannot be finished with it. Run `hoist abort {record.UploadId}` and upload it again.", null);
                    return (TransferOutcome.Failed, 0);
                }
                result = await client.ResumeFileAsync(record.UploadId, job.Path, options, cancellationToken);
            }
            else
            {
                options.Created = async (created, token) =>
                {
                    uploadId = created.UploadId;
                    lease = UploadLease.TryTake(state, created.UploadId);
                    await state.AddAsync(new UploadRecord(created.UploadId, job.Server.OriginalString, job.Path, job.Name, job.Size, job.LastWriteTimeUtc,
                        created.Key, created.PartSize, created.PartCount, DateTimeOffset.UtcNow, created.ExpiresAt), token);
                    file.Created(created);
                };
                result = await client.UploadFileAsync(job.Path, options, cancellationToken);
            }
            await state.RemoveAsync(result.UploadId, CancellationToken.None);
            lease?.Release(finished: true);
            lease = null;
            file.Completed(result);
            return (TransferOutcome.Uploaded, result.Size);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            file.Interrupted(uploadId);
            return (TransferOutcome.Interrupted, 0);
        }
        catch (HoistApiException e) when (e.IsUploadGone && uploadId is not null)
        {
            await state.RemoveAsync(uploadId, CancellationToken.None);
            lease?.Release(finished: true);
            lease = null;
            file.Failed($"the upload no longer exists on the server ({e.Code}: expired or aborted); upload the file again.", null);
            return (TransferOutcome.Failed, 0);
        }
        catch (Exception e) when (e is HoistApiException or HoistIntegrityException or HttpRequestException or IOException or TimeoutException
            or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException)
        {
            file.Failed(e.Message, uploadId);
            return (TransferOutcome.Failed, 0);
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <summary>Why the file is no longer the one recorded, or null when it is.</summary>
    private static string? Changed(TransferJob job, UploadRecord record)
    {
        var info = new FileInfo(record.Path);
        if (!info.Exists)
        {
            return "was deleted";
        }
        if (info.Length != record.Size)
        {
            return $"changed size ({record.Size} -> {info.Length} bytes)";
        }
        return info.LastWriteTimeUtc != record.LastWriteTimeUtc ? "was modified" : null;
    }
}

/// <summary>The command line's choices for a run.</summary>
internal sealed record TransferSettings(string? Token, int Parallel, int Files, long? BytesPerSecond, bool StateIsDefault);
