using System.Security.Cryptography;

namespace Hoist.Storage.Tests;

/// <summary>
/// Deterministic pseudo-random bytes (xorshift64*), so large objects are generated and checked
/// as streams instead of being held in memory, and a failure is reproducible from its seed.
/// </summary>
public static class TestData
{
    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Generator(seed).Fill(bytes);
        return bytes;
    }

    /// <summary>A forward-only body, like a request body arriving at the server.</summary>
    public static Stream Stream(int seed, long length) => new SeededStream(seed, length);

    /// <summary>Wraps bytes in a forward-only stream: stores must not rely on seeking a part body.</summary>
    public static Stream Body(byte[] bytes) => new ForwardOnlyStream(new MemoryStream(bytes, writable: false));

    public static string Md5Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    /// <summary>S3's multipart ETag, computed here independently of any store: MD5 of the binary part ETags, then "-N".</summary>
    public static string MultipartETag(IReadOnlyList<byte[]> partETags) =>
        $"{Convert.ToHexStringLower(MD5.HashData(partETags.SelectMany(m => m).ToArray()))}-{partETags.Count}";

    private sealed class Generator(int seed)
    {
        private ulong _state = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) | 1;
        private ulong _pending;
        private int _pendingBytes;

        public void Fill(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                if (_pendingBytes == 0)
                {
                    _state ^= _state >> 12;
                    _state ^= _state << 25;
                    _state ^= _state >> 27;
                    _pending = _state * 0x2545F4914F6CDD1DUL;
                    _pendingBytes = 8;
                }
                destination[i] = (byte)_pending;
                _pending >>= 8;
                _pendingBytes--;
            }
        }
    }

    private sealed class SeededStream(int seed, long length) : ReadOnlyForwardStream
    {
        private readonly Generator _generator = new(seed);
        private long _left = length;

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, _left);
            _generator.Fill(buffer[..n]);
            _left -= n;
            return n;
        }
    }

    private sealed class ForwardOnlyStream(Stream inner) : ReadOnlyForwardStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private abstract class ReadOnlyForwardStream : System.IO.Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public abstract override int Read(Span<byte> buffer);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
