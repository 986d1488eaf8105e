using System.Diagnostics;

namespace Hoist.Client.Transfers;

/// <summary>
/// Caps the bytes per second of all the parts a client sends: each chunk books the next free slot
/// of the shared line and waits for it. Idle time is not saved up, so there are no bursts.
/// </summary>
internal sealed class BandwidthLimiter(long bytesPerSecond)
{
    private readonly Lock _gate = new();
    private long _nextFree = Stopwatch.GetTimestamp();

    public Task WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        long start;
        lock (_gate)
        {
            start = Math.Max(_nextFree, now);
            _nextFree = start + (long)((double)bytes * Stopwatch.Frequency / bytesPerSecond);
        }
        return start > now ? Task.Delay(Stopwatch.GetElapsedTime(now, start), cancellationToken) : Task.CompletedTask;
    }
}
