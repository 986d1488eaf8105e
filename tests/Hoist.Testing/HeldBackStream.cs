namespace Hoist.Testing;

/// <summary>
/// A request body for races: it calls <c>started</c> at its first read and gives its second half only
/// once <c>release</c> completes, so several requests can be made to pass every check made before
/// their bytes and reach the commit together.
/// </summary>
public sealed class HeldBackStream(byte[] bytes, Action started, Task release) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => bytes.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position == 0)
        {
            started();
        }
        var half = bytes.Length / 2;
        if (_position >= half)
        {
            await release.WaitAsync(cancellationToken);
        }
        var n = Math.Min(buffer.Length, (_position < half ? half : bytes.Length) - _position);
        bytes.AsMemory(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
