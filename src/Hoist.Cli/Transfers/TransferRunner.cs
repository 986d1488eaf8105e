using Hoist.Wire;
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
        var resumable = new ConcurrentBag<TransferJob>();
        await view.RunAsync(jobs, () => Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = settings.Files }, async (job, _) =>
        {
            var (outcome, bytes) = await RunOneAsync(job, cancellationToken);
            outcomes.Add((outcome, bytes));
            if (outcome == TransferOutcome.Interrupted)
            {
                interrupted.Add(job);
            }
            else if (outcome == TransferOutcome.FailedResumable)
            {
                resumable.Add(job);
            }
        }));
        clock.Stop();

        var count = (TransferOutcome o) => outcomes.Count(x => x.Outcome == o || (o == TransferOutcome.Failed && x.Outcome == TransferOutcome.FailedResumable));
        var bytes = outcomes.Where(o => o.Outcome == TransferOutcome.Uploaded).Sum(o => o.Bytes);
        var sent = outcomes.Sum(o => o.Outcome == TransferOutcome.Uploaded ? o.Bytes : 0);
        view.Summarize(new RunSummary(count(TransferOutcome.Uploaded), count(TransferOutcome.Failed), count(TransferOutcome.Interrupted), count(TransferOutcome.Skipped),
            bytes, clock.Elapsed, clock.Elapsed.TotalSeconds > 0 ? sent / clock.Elapsed.TotalSeconds : 0));

        if (cancellationToken.IsCancellationRequested || !interrupted.IsEmpty)
        {
            await Console.Error.WriteLineAsync($"Interrupted. Finish the uploads with: {ResumeAll(jobs)}");
            return ExitCodes.Interrupted;
        }
        if (!resumable.IsEmpty)
        {
            await Console.Error.WriteLineAsync(resumable.Count == 1
                ? $"The failed upload stays resumable. Finish it with: {Resume(resumable.Single())}"
                : $"{resumable.Count} failed uploads stay resumable. Finish them with: {ResumeAll(resumable.ToList())}");
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
        FolderGroup? founder = null;
        try
        {
            var client = _clients.GetOrAdd(job.Server, server => CliOptions.CreateClient(server, settings.Token, settings.RetryFor, settings.BytesPerSecond, settings.AllowDirect));
            var options = new UploadOptions { FileName = job.Name, Parallelism = settings.Parallel, Progress = file, PartSize = job.Resume?.PartSize, ComputeSha256 = settings.Sha256 };
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
                // A folder's files share one id: the first to start founds the group, the others wait for its id.
                var founding = false;
                if (job.Folder is { } folder)
                {
                    var joined = await folder.JoinAsync(cancellationToken);
                    options.GroupId = joined is { Length: > 0 } ? joined : null;
                    founding = joined is null;
                    founder = founding ? folder : null;
                }
                options.Created = async (created, token) =>
                {
                    if (founding)
                    {
                        founding = false;
                        founder = null;
                        job.Folder!.Founded(created.GroupId);
                    }
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
            file.Interrupted(uploadId, uploadId is null ? null : Resume(job));
            return (TransferOutcome.Interrupted, 0);
        }
        catch (HoistApiException e) when ((e.IsUploadGone || e.IsUploadIdRefused) && uploadId is not null)
        {
            // Nothing can ever finish this upload: keeping its record would only make every `hoist resume` fail again.
            await state.RemoveAsync(uploadId, CancellationToken.None);
            lease?.Release(finished: true);
            lease = null;
            file.Failed($"{WhyUnknown(e)} Its record is dropped from the state file; upload the file again: {ShellCommand.Upload(job.Path, job.Server)}", null);
            return (TransferOutcome.Failed, 0);
        }
        catch (HoistVerificationException e) when (uploadId is not null)
        {
            // The object is stored; resuming cannot verify it either: nothing is left to do with the upload.
            await state.RemoveAsync(uploadId, CancellationToken.None);
            lease?.Release(finished: true);
            lease = null;
            file.Failed($"checksum not verified: {e.Message}", null, stored: e.Result);
            return (TransferOutcome.Failed, 0);
        }
        catch (Exception e) when (e is HoistApiException or HoistIntegrityException or HttpRequestException or IOException or TimeoutException
            or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidOperationException)
        {
            if (uploadId is null)
            {
                file.Failed(e.Message, null);
                return (TransferOutcome.Failed, 0);
            }
            // The record stays: `hoist resume` sends what the server lacks.
            file.Failed(e.Message, uploadId, Resume(job));
            return (TransferOutcome.FailedResumable, 0);
        }
        finally
        {
            // Founding the group failed before the upload existed: let the next file of the folder found it.
            founder?.Unfounded();
            lease?.Dispose();
        }
    }

    /// <summary>Why the server cannot serve the upload any more (see <see cref="HoistApiException.IsUploadGone"/> and <see cref="HoistApiException.IsUploadIdRefused"/>).</summary>
    internal static string WhyUnknown(HoistApiException e) => e.Code switch
    {
        ErrorCodes.UploadExpired => "The upload has expired on the server (upload_expired).",
        ErrorCodes.UploadNotFound => "The upload no longer exists on the server (upload_not_found: aborted, or removed as abandoned).",
        ErrorCodes.UploadIdForged => "The server no longer accepts this upload's id (upload_id_forged): its signing key changed since the upload began " +
            "(the server's Hoist__Tokens__PreviousSigningKeys can accept the old key), or it is another server's id. The parts stored are released by the server's sweeper.",
        _ => $"The server does not accept this upload's id ({e.Code}: {e.Title}).",
    };

    private string Resume(TransferJob job) => ShellCommand.Resume(job.Path, job.Server, state.Path, settings.StateIsDefault);

    private string ResumeAll(IReadOnlyList<TransferJob> jobs)
    {
        var servers = jobs.Select(j => j.Server).Distinct().ToList();
        return servers.Count == 1
            ? ShellCommand.Resume(null, servers[0], state.Path, settings.StateIsDefault)
            : "hoist resume" + (settings.StateIsDefault ? "" : " --state " + ShellCommand.Quote(state.Path));
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
internal sealed record TransferSettings(string? Token, int Parallel, int Files, long? BytesPerSecond, bool StateIsDefault, TimeSpan RetryFor, bool AllowDirect = true, bool Sha256 = false);
