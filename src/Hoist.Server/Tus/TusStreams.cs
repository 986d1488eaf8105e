using System.Security.Cryptography;
using Hoist.Server.Storage;

namespace Hoist.Server.Tus;

/// <summary>The next <c>length</c> bytes of a stream it does not own; never reads past them (a request body goes on to the next part).</summary>
internal sealed class SliceStream(Stream inner, long length) : ForwardOnlyReadStream
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
internal sealed class ConcatStream(params Stream?[] streams) : ForwardOnlyReadStream
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
internal sealed class DigestCheckingStream(Stream inner, long length, HashAlgorithmName algorithm, byte[] expected) : ForwardOnlyReadStream
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
