using System.Security.Cryptography;

namespace Hoist.Server.Storage;

/// <summary>
/// A read-only view of a part's body that counts and hashes the bytes as they pass, once.
/// It withholds the last bytes until the whole body is checked: a body that is short, long, or
/// does not match the expected SHA-256 throws instead of completing, so whatever consumes it
/// (a file being written, an HTTP PUT to S3) is left unfinished and is discarded.
/// </summary>
public sealed class PartBodyStream : ForwardOnlyReadStream
{
    private readonly Stream _source;
    private readonly long _length;
    private readonly byte[]? _expectedSha256;
    private readonly IncrementalHash? _sha256;
    private readonly IncrementalHash? _md5;
    private long _read;
    private bool _verified;

    public PartBodyStream(Stream source, long length, byte[]? expectedSha256, bool computeMd5)
        : this(source, length, expectedSha256, computeMd5, computeSha256: true)
    {
    }

    private PartBodyStream(Stream source, long length, byte[]? expectedSha256, bool computeMd5, bool computeSha256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _source = source;
        _length = length;
        _expectedSha256 = expectedSha256;
        _sha256 = computeSha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        _md5 = computeMd5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
    }

    /// <summary>
    /// A body counted but not hashed, for a consumer that checks the bytes itself (an S3 PUT signed
    /// with their SHA-256): short and long bodies still fail; <see cref="Sha256"/> stays empty.
    /// </summary>
    public static PartBodyStream Counted(Stream source, long length) => new(source, length, null, computeMd5: false, computeSha256: false);

    /// <summary>SHA-256 of the body (unless only counted); available once it has been read to the end.</summary>
    public byte[] Sha256 { get; private set; } = [];

    /// <summary>MD5 of the body (when asked for); available once it has been read to the end.</summary>
    public byte[] Md5 { get; private set; } = [];

    public override long Length => _length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var remaining = _length - _read;
        if (remaining == 0)
        {
            await VerifyAsync(cancellationToken);
            return 0;
        }
        var wanted = (int)Math.Min(buffer.Length, remaining);
        var n = await _source.ReadAsync(buffer[..wanted], cancellationToken);
        if (n == 0)
        {
            throw new StoreException(StoreErrorCode.IncompleteBody, $"The body ended after {_read} of {_length} bytes.");
        }
        var chunk = buffer.Span[..n];
        _sha256?.AppendData(chunk);
        _md5?.AppendData(chunk);
        _read += n;
        if (_read == _length)
        {
            // Check before handing over the last bytes, so a bad body never completes downstream.
            await VerifyAsync(cancellationToken);
        }
        return n;
    }

    public override int Read(Span<byte> buffer) =>
        throw new NotSupportedException("Part bodies are read asynchronously.");

    /// <summary>Reads whatever is left (to the end) so the body is verified even if the consumer stopped early.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var scratch = new byte[16 * 1024];
        while (await ReadAsync(scratch, cancellationToken) > 0)
        {
        }
    }

    private async ValueTask VerifyAsync(CancellationToken cancellationToken)
    {
        if (_verified)
        {
            return;
        }
        var probe = new byte[1];
        if (await _source.ReadAsync(probe, cancellationToken) != 0)
        {
            throw new StoreException(StoreErrorCode.IncompleteBody, $"The body is longer than its declared {_length} bytes.");
        }
        Sha256 = _sha256?.GetHashAndReset() ?? [];
        Md5 = _md5?.GetHashAndReset() ?? [];
        if (_expectedSha256 is not null && !CryptographicOperations.FixedTimeEquals(Sha256, _expectedSha256))
        {
            throw new StoreException(StoreErrorCode.BadDigest, "The part's bytes do not match its SHA-256 checksum.");
        }
        _verified = true;
    }


    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256?.Dispose();
            _md5?.Dispose();
        }
        base.Dispose(disposing);
    }
}
