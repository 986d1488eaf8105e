namespace Hoist.Resilience.Tests.Support;

/// <summary>The base of the test classes: a cancellation token that ends a hung test instead of the whole run.</summary>
public abstract class TimedTests(TimeSpan limit) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(limit);

    protected CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeout.Dispose();
        }
    }
}
