namespace Hoist.Bench.Measure;

/// <summary>Samples a process's resident memory every 50 ms and keeps the highest value seen.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(int pid)
    {
        _pid = pid;
        _loop = Task.Run(LoopAsync);
    }

    public long PeakBytes { get; private set; }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            do
            {
                PeakBytes = Math.Max(PeakBytes, ProcStat.StatusBytes(_pid, "VmRSS"));
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
