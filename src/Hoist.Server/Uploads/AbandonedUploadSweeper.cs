using System.Diagnostics.Metrics;
using Hoist.Server.Storage;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Uploads;

/// <summary>
/// Aborts incomplete uploads older than Hoist:Uploads:AbandonAfter, so abandoned parts stop
/// costing storage. Stateless like the rest: the store's list of incomplete uploads is the truth,
/// so several instances sweeping at once only repeat each other's aborts.
/// </summary>
public sealed partial class AbandonedUploadSweeper(
    IObjectStore store,
    IOptions<UploadOptions> options,
    TimeProvider time,
    IMeterFactory meters,
    ILogger<AbandonedUploadSweeper> logger) : BackgroundService
{
    private readonly Counter<long> _aborted = meters.Create("Hoist.Server").CreateCounter<long>("hoist.sweeper.aborted_uploads", description: "Incomplete uploads aborted by the sweeper");
    private readonly Counter<long> _runs = meters.Create("Hoist.Server").CreateCounter<long>("hoist.sweeper.runs", description: "Sweeper runs");

    /// <summary>One pass: aborts every incomplete upload started before now minus AbandonAfter. Answers how many it aborted.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.AbandonAfter;
        var aborted = 0;
        var seen = 0;
        await foreach (var upload in store.ListMultipartUploadsAsync("", cancellationToken))
        {
            seen++;
            if (upload.Initiated >= cutoff)
            {
                continue;
            }
            try
            {
                await store.AbortMultipartUploadAsync(upload.Key, upload.UploadId, cancellationToken);
                aborted++;
                LogAborted(upload.Key, upload.Initiated);
            }
            catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
            {
                // Completed or aborted meanwhile (perhaps by another instance): nothing left to do.
            }
        }
        // Files of writes cut off by a crash (FileSystemStore): nothing else would ever remove them.
        if (store is ILeftoverStore leftovers && await leftovers.RemoveLeftoversAsync(cutoff, cancellationToken) is > 0 and var removed)
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

    [LoggerMessage(LogLevel.Information, "Sweeper aborted the upload of {Key}, started {Initiated:O}")]
    private partial void LogAborted(string key, DateTimeOffset initiated);

    [LoggerMessage(LogLevel.Information, "Sweeper run: {Seen} incomplete uploads, {Aborted} aborted (started before {Cutoff:O})")]
    private partial void LogRun(int seen, int aborted, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Information, "Sweeper removed {Removed} temporary files left by interrupted writes (last written before {Cutoff:O})")]
    private partial void LogLeftovers(int removed, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Warning, "Sweeper run failed; it runs again at the next interval")]
    private partial void LogFailed(Exception e);
}
