namespace Hoist.Client.Transfers;

/// <summary>
/// Progress over parallel parts that never goes backwards: each part counts the furthest byte any
/// of its tries reached, so a retry starting again from zero adds nothing until it gets further.
/// Reports are made under a lock, in order.
/// </summary>
internal sealed class UploadProgressTracker(UploadPlan plan, IProgress<UploadProgress>? sink)
{
    private readonly long[] _reached = new long[plan.PartCount];
    private readonly Lock _gate = new();
    private long _bytes;
    private long _resumed;
    private int _completed;

    public void AlreadyStored(int partNumber)
    {
        lock (_gate)
        {
            var size = plan.SizeOf(partNumber);
            _bytes += size - _reached[partNumber - 1];
            _reached[partNumber - 1] = size;
            _resumed += size;
            _completed++;
        }
    }

    public void Report()
    {
        lock (_gate)
        {
            sink?.Report(Current());
        }
    }

    public void Sent(int partNumber, long bytesThisTry)
    {
        lock (_gate)
        {
            if (Advance(partNumber, bytesThisTry))
            {
                sink?.Report(Current());
            }
        }
    }

    public void Completed(int partNumber)
    {
        lock (_gate)
        {
            Advance(partNumber, plan.SizeOf(partNumber));
            _completed++;
            sink?.Report(Current());
        }
    }

    private bool Advance(int partNumber, long bytes)
    {
        var reached = _reached[partNumber - 1];
        if (bytes <= reached)
        {
            return false;
        }
        _bytes += bytes - reached;
        _reached[partNumber - 1] = bytes;
        return true;
    }

    private UploadProgress Current() => new(_bytes, plan.Size, _completed, plan.PartCount, _resumed);
}
