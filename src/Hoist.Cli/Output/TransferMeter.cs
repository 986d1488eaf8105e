using System.Diagnostics;

namespace Hoist.Cli.Output;

/// <summary>
/// Bytes done, and the speed of the last few seconds, for one file or for all of them. Bytes found
/// already stored when resuming count as done but not as speed. Once <see cref="Stop"/>ped (the file
/// finished) the clock stands still and the speed is the session's average: bytes sent / time taken,
/// not a recent figure that would keep falling while nothing moves.
/// </summary>
internal sealed class TransferMeter(long total)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly Queue<(long Ticks, long Bytes)> _samples = new();
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _done;
    private long _transferred;
    private long? _stopped;

    public long Total { get; set; } = total;

    public long Done
    {
        get
        {
            lock (_gate)
            {
                return _done;
            }
        }
    }

    public TimeSpan Elapsed
    {
        get
        {
            lock (_gate)
            {
                return Stopwatch.GetElapsedTime(_start, _stopped ?? Stopwatch.GetTimestamp());
            }
        }
    }

    public bool IsStopped
    {
        get
        {
            lock (_gate)
            {
                return _stopped is not null;
            }
        }
    }

    /// <summary>The transfer ended (stored, failed or interrupted): the clock stops, the speed becomes the average.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped ??= Stopwatch.GetTimestamp();
        }
    }

    public void Add(long done, long transferred)
    {
        lock (_gate)
        {
            _done += done;
            _transferred += transferred;
            var now = Stopwatch.GetTimestamp();
            if (_samples.Count == 0 || Stopwatch.GetElapsedTime(_samples.Last().Ticks, now) >= TimeSpan.FromMilliseconds(100))
            {
                _samples.Enqueue((now, _transferred));
            }
            while (_samples.Count > 2 && Stopwatch.GetElapsedTime(_samples.Peek().Ticks, now) > Window)
            {
                _samples.Dequeue();
            }
        }
    }

    /// <summary>Bytes per second over the last seconds, or since the start while that is all there is; once stopped, the average.</summary>
    public double? BytesPerSecond
    {
        get
        {
            lock (_gate)
            {
                if (_stopped is { } end)
                {
                    var taken = Stopwatch.GetElapsedTime(_start, end).TotalSeconds;
                    return _transferred > 0 && taken > 0 ? _transferred / taken : null;
                }
                var now = Stopwatch.GetTimestamp();
                if (_samples.Count >= 2 && Stopwatch.GetElapsedTime(_samples.Peek().Ticks, now) >= TimeSpan.FromSeconds(1)
                    && Stopwatch.GetElapsedTime(_samples.Last().Ticks, now) < Window)
                {
                    var (firstTicks, firstBytes) = _samples.Peek();
                    return (_transferred - firstBytes) / Stopwatch.GetElapsedTime(firstTicks, now).TotalSeconds;
                }
                var elapsed = Stopwatch.GetElapsedTime(_start).TotalSeconds;
                return _transferred > 0 && elapsed > 0.2 ? _transferred / elapsed : null;
            }
        }
    }

    /// <summary>Average bytes per second since the start.</summary>
    public double AverageBytesPerSecond
    {
        get
        {
            lock (_gate)
            {
                var elapsed = Stopwatch.GetElapsedTime(_start, _stopped ?? Stopwatch.GetTimestamp()).TotalSeconds;
                return elapsed > 0 ? _transferred / elapsed : 0;
            }
        }
    }

    public TimeSpan? Remaining
    {
        get
        {
            var speed = BytesPerSecond;
            var left = Total - Done;
            return left <= 0 ? TimeSpan.Zero : speed is > 0 ? TimeSpan.FromSeconds(left / speed.Value) : null;
        }
    }
}
