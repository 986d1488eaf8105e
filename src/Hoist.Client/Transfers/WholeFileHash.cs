using System.Buffers;
using System.Security.Cryptography;

namespace Hoist.Client.Transfers;

/// <summary>
/// The whole file's SHA-256, computed from the parts' bytes as they are read for sending: parts are read in
/// parallel, so each one waits for its turn (every part before it hashed) before its bytes are appended.
/// Parts are taken from the queue in order, so the worker holding the earliest part never waits: a turn costs
/// at most the reading of the parts before it, never their sending.
/// </summary>
internal sealed class WholeFileHash : IDisposable
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Lock _gate = new();
    private readonly Dictionary<int, TaskCompletionSource> _waiting = [];
    private int _next = 1;

    public IncrementalHash Sha => _sha;

    /// <summary>Every part has been appended.</summary>
    public bool IsComplete(int partCount) => _next == partCount + 1;

    public Task WaitTurnAsync(int partNumber, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_next == partNumber)
            {
                return Task.CompletedTask;
            }
            var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[partNumber] = turn;
            return turn.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The part's bytes are appended (call on its turn only): the next part's turn.</summary>
    public void Done(int partNumber)
    {
        TaskCompletionSource? next;
        lock (_gate)
        {
            _next = partNumber + 1;
            _waiting.Remove(_next, out next);
        }
        next?.TrySetResult();
    }

    public string Hex() => Convert.ToHexStringLower(_sha.GetHashAndReset());

    /// <summary>
    /// The fallback, when the parts were not all read in one go (a resumed upload whose stored parts were checked
    /// before the missing ones were sent, or one found complete): one more sequential read of the file.
    /// </summary>
    public static async Task<string> ReadAsync(PartSource source, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            for (long done = 0; done < source.Length;)
            {
                var count = (int)Math.Min(chunk.Length, source.Length - done);
                await source.ReadExactlyAsync(done, chunk.AsMemory(0, count), cancellationToken);
                sha.AppendData(chunk, 0, count);
                done += count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public void Dispose() => _sha.Dispose();
}
