namespace Hoist.Server.Storage;

/// <summary>
/// The part every read-only, forward-only view of a body shares (request bodies pass through several:
/// checked, counted, bounded, observed): it cannot seek or write, and the array overload of
/// <see cref="ReadAsync(byte[], int, int, CancellationToken)"/> goes to the <see cref="Memory{T}"/> one
/// each view implements (as does the synchronous <see cref="Read(byte[], int, int)"/>, unless a view reads
/// its source synchronously itself).
/// </summary>
public abstract class ForwardOnlyReadStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
