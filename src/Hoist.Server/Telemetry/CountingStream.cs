using System.Runtime.CompilerServices;

namespace Hoist.Server.Telemetry;

/// <summary>
/// A read-only pass-through view of a request body that adds up the bytes read: one addition per
/// read, no allocation (the reads that wait use a pooled state machine).
/// </summary>
public sealed class CountingStream(Stream inner) : Hoist.Server.Storage.ForwardOnlyReadStream
{
    public long BytesRead { get; private set; }


    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        BytesRead += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        BytesRead += n;
        return n;
    }

}
