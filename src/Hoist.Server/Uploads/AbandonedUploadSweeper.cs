using System.Diagnostics.Metrics;
using Hoist.Server.Storage;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Uploads;

/// <summary>
/// Aborts incomplete uploads to which nothing has arrived for Hoist:Uploads:AbandonAfter (their
/// newest part's time, or their start when they have none), so abandoned parts stop costing
/// storage while a long upload that is still moving is never cut off. Stateless like the rest: the
/// store's lists of incomplete uploads and of their parts are the truth, so several instances
/// sweeping at once only repeat each other's aborts.
/// </summary>
public sealed partial class AbandonedUploadSweeper(
    IObjectStore store,
    StoreCapabilities capabilities,
    IOptions<UploadOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IMeterFactory meters,
    ILogger<AbandonedUploadSweeper> logger) : BackgroundService
{
    private readonly Counter<long> _aborted = meters.Create("Hoist.Server").CreateCounter<long>("hoist.sweeper.aborted_uploads", description: "Incomplete uploads aborted by the sweeper");
    private readonly Counter<long> _runs = meters.Create("Hoist.Server").CreateCounter<long>("hoist.sweeper.runs", description: "Sweeper runs");

    /// <summary>One pass: aborts every incomplete upload idle since before now minus AbandonAfter. Answers how many it aborted.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.AbandonAfter;
        var aborted = 0;
        var seen = 0;
        // Scratch objects (a tus upload's tail) are an upload's activity too, and go with it.
        var scratch = await store.ListScratchAsync("", cancellationToken).ToListAsync(cancellationToken);
        var newestScratch = scratch
            .GroupBy(s => UploadScratch.FolderOf(s.Name) ?? "")
            .ToDictionary(g => g.Key, g => g.Max(s => s.LastModified), StringComparer.Ordinal);
        await foreach (var upload in store.ListMultipartUploadsAsync("", cancellationToken))
        {
            seen++;
            if (upload.Initiated >= cutoff)
            {
                continue;
            }
            try
            {
                // Only uploads that started long ago pay for a listing of their parts.
                var lastActivity = upload.Initiated;
                if (newestScratch.TryGetValue(UploadScratch.Folder(upload.Key, upload.UploadId), out var scratchActivity) && scratchActivity > lastActivity)
                {
                    lastActivity = scratchActivity;
                }
                await foreach (var part in store.ListPartsAsync(upload.Key, upload.UploadId, cancellationToken))
                {
                    lastActivity = part.LastModified > lastActivity ? part.LastModified : lastActivity;
                }
                if (lastActivity >= cutoff)
                {
                    continue;
                }
                await store.AbortMultipartUploadAsync(upload.Key, upload.UploadId, cancellationToken);
                aborted++;
                LogAborted(upload.Key, upload.Initiated, lastActivity);
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
            {
                // Completed or aborted meanwhile (perhaps by another instance): nothing left to do.
            }
        }
        // Scratch objects not written since the cutoff: of uploads aborted above, completed or ended
        // long ago. A live upload's current tail is its newest activity, so it is never among them.
        var removedScratch = 0;
        foreach (var old in scratch.Where(s => s.LastModified < cutoff))
        {
            await store.DeleteScratchAsync(old.Name, cancellationToken);
            removedScratch++;
        }
        if (removedScratch > 0)
        {
            LogScratch(removedScratch, cutoff);
        }
        // Finished partial uploads (tus concatenation) that no final upload took within AbandonAfter.
        var removedPartials = 0;
        string? page = null;
        do
        {
            var objects = await store.ListObjectsAsync(UploadService.PartialsRoot, page, 1000, cancellationToken);
            foreach (var partial in objects.Objects.Where(o => o.LastModified < cutoff))
            {
                await store.DeleteObjectAsync(partial.Key, cancellationToken);
                removedPartials++;
            }
            page = objects.NextContinuationToken;
        }
        while (page is not null);
        if (removedPartials > 0)
        {
            LogPartials(removedPartials, cutoff);
        }
                // Files of writes cut off by a crash (FileSystemStore): nothing else would ever remove them.
        if (capabilities.Leftovers is { } leftovers && await leftovers.RemoveLeftoversAsync(cutoff, cancellationToken) is > 0 and var removed)
        {
            LogLeftovers(removed, cutoff);
        }
        _runs.Add(1);
        _aborted.Add(aborted);
        LogRun(seen, aborted, cutoff);
        return aborted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SweepInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        // Nothing runs in the background before the server listens: a start that fails stays quiet.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Sweeper aborted the upload of {Key}, started {Initiated:O}, nothing received since {LastActivity:O}")]
    private partial void LogAborted(string key, DateTimeOffset initiated, DateTimeOffset lastActivity);

    [LoggerMessage(LogLevel.Information, "Sweeper run: {Seen} incomplete uploads, {Aborted} aborted (idle since before {Cutoff:O})")]
    private partial void LogRun(int seen, int aborted, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Information, "Sweeper removed {Removed} temporary files left by interrupted writes (last written before {Cutoff:O})")]
    private partial void LogLeftovers(int removed, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Information, "Sweeper removed {Removed} scratch objects (tus tails) last written before {Cutoff:O}")]
    private partial void LogScratch(int removed, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Information, "Sweeper removed {Removed} finished tus partial uploads no final upload took, finished before {Cutoff:O}")]
    private partial void LogPartials(int removed, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Warning, "Sweeper run failed; it runs again at the next interval")]
    private partial void LogFailed(Exception e);
}
