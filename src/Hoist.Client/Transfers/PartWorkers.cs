using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Hoist.Client.Transfers;

/// <summary>
/// Runs a body over parts with a fixed number of workers, each owning one part-sized buffer for its
/// whole life: memory is bounded by parallelism x part size, whatever the file's size. The first
/// failure stops the other workers and is the one thrown.
/// </summary>
internal static class PartWorkers
{
    public static async Task RunAsync(IReadOnlyCollection<int> parts, int parallelism, int bufferSize, Func<int, byte[]?, CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        var queue = new ConcurrentQueue<int>(parts);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, Math.Clamp(parallelism, 1, Math.Max(1, parts.Count)))
            .Select(_ => Task.Run(() => WorkAsync(queue, bufferSize, body, stop), CancellationToken.None))
            .ToList();
        try
        {
            await Task.WhenAll(workers);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
        {
            throw new OperationCanceledException("The transfer was cancelled.", e, cancellationToken);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            // WhenAll throws the first task's exception, which may be a sibling's cancellation: throw the cause.
            var cause = workers.Where(w => w.IsFaulted).SelectMany(w => w.Exception!.InnerExceptions).FirstOrDefault(e => e is not OperationCanceledException);
            if (cause is not null)
            {
                ExceptionDispatchInfo.Throw(cause);
            }
            throw;
        }
    }

    private static async Task WorkAsync(ConcurrentQueue<int> queue, int bufferSize, Func<int, byte[]?, CancellationToken, Task> body, CancellationTokenSource stop)
    {
        var buffer = bufferSize > 0 ? ArrayPool<byte>.Shared.Rent(bufferSize) : null;
        try
        {
            while (queue.TryDequeue(out var partNumber))
            {
                stop.Token.ThrowIfCancellationRequested();
                await body(partNumber, buffer, stop.Token);
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
