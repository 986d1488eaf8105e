namespace Hoist.Browser.Tests.Support;

/// <summary>
/// Lets the first part requests reach the store and holds the rest in the server, so a test acts
/// (reloads, pauses) at a known point: exactly the allowed parts stored, the others in flight.
/// A held request the browser gives up ends there and never reaches the store; Release lets the
/// held ones and every later one through.
/// </summary>
public sealed class PartGate : IDisposable
{
    private readonly int _allowed;
    private readonly IDisposable _use;
    private readonly TaskCompletionSource _allowedStored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;
    private int _stored;
    private int _held;
    private int _givenUp;

    private PartGate(PartTraffic traffic, int allowed)
    {
        _allowed = allowed;
        _use = traffic.Use(HandleAsync);
    }

    public static PartGate Install(PageFixture fixture, int allowed) => new(fixture.Parts, allowed);

    /// <summary>Completes once the allowed parts are stored.</summary>
    public Task AllowedPartsStored => _allowedStored.Task;

    /// <summary>Requests held so far.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Held requests the browser gave up (aborted, or lost with the page).</summary>
    public int GivenUp => Volatile.Read(ref _givenUp);

    /// <summary>Waits until the browser has given up every request held so far: none of them can reach the store any more.</summary>
    public async Task AllHeldGivenUpAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (GivenUp < Held)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The browser gave up {GivenUp} of the {Held} held part requests.");
            }
            await Task.Delay(25);
        }
    }

    public void Release() => _released.TrySetResult();

    public void Dispose()
    {
        Release();
        _use.Dispose();
    }

    private async Task HandleAsync(PartCall call)
    {
        if (Interlocked.Increment(ref _seen) > _allowed && !_released.Task.IsCompleted)
        {
            Interlocked.Increment(ref _held);
            if (!await call.HoldAsync(_released.Task))
            {
                Interlocked.Increment(ref _givenUp);
                return;
            }
        }
        if (await call.PassAsync() == 200 && Interlocked.Increment(ref _stored) == _allowed)
        {
            _allowedStored.TrySetResult();
        }
    }
}
