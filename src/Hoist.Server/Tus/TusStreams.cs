using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Server.Tus;

/// <summary>The next <c>length</c> bytes of a stream it does not own; never reads past them (a request body goes on to the next part).</summary>
internal sealed class SliceStream(Stream inner, long length) : ReadOnlyStream
{
    private long _remaining = length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0 || buffer.Length == 0)
        {
            return 0;
        }
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken);
        _remaining -= n;
        return n;
    }
}

/// <summary>Streams read one after the other (none owned): a stored tail, then the request's bytes.</summary>
internal sealed class ConcatStream(params Stream?[] streams) : ReadOnlyStream
{
    private int _current;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current < streams.Length)
        {
            if (streams[_current] is { } stream && buffer.Length > 0)
            {
                var n = await stream.ReadAsync(buffer, cancellationToken);
                if (n > 0)
                {
                    return n;
                }
            }
            _current++;
        }
        return 0;
    }
}

/// <summary>
/// Exactly <c>length</c> bytes of a stream it does not own, checked against a digest: on a mismatch it
/// throws <see cref="StoreErrorCode.BadDigest"/> instead of handing over the last bytes, so whatever
/// consumes it (a scratch put) never completes and keeps nothing.
/// </summary>
internal sealed class DigestCheckingStream(Stream inner, long length, HashAlgorithmName algorithm, byte[] expected) : ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(algorithm);
    private long _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var remaining = length - _read;
        if (remaining <= 0 || buffer.Length == 0)
        {
            return 0;
        }
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, remaining)], cancellationToken);
        if (n == 0)
        {
            throw new StoreException(StoreErrorCode.IncompleteBody, $"The body ended after {_read} of {length} bytes.");
        }
        _hash.AppendData(buffer.Span[..n]);
        _read += n;
        if (_read == length && !CryptographicOperations.FixedTimeEquals(_hash.GetHashAndReset(), expected))
        {
            throw new StoreException(StoreErrorCode.BadDigest, "The body does not match its Upload-Checksum.");
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A forward-only, read-only stream: subclasses implement <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
internal abstract class ReadOnlyStream : Stream
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
