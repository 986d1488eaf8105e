namespace Hoist.Server.Uploads;

/// <summary>
/// Makes "count the owner's open uploads, then create one" a single step within this instance, so
/// that creates sent together cannot all pass a limit they exceed together. Owners are spread over
/// a fixed set of gates (memory does not grow with owners); two owners on one gate only take turns.
/// Across instances the count is still check-then-act: see docs/api.md (open-upload limit).
/// </summary>
public sealed class OwnerCreateGate : IDisposable
{
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IDisposable> EnterAsync(string owner, CancellationToken cancellationToken)
    {
        var gate = _gates[(int)((uint)StringComparer.Ordinal.GetHashCode(owner) % (uint)_gates.Length)];
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    public void Dispose()
    {
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
