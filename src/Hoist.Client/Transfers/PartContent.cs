using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace Hoist.Client.Transfers;

/// <summary>
/// The body of one part request: from the part's buffer when it was read into memory, else straight
/// from the source. Reports the bytes written so far in this try.
/// </summary>
internal sealed class PartContent : HttpContent
{
    private const int Chunk = 256 * 1024;
    private readonly PartSource _source;
    private readonly long _offset;
    private readonly long _length;
    private readonly ReadOnlyMemory<byte>? _buffered;
    private readonly Action<long> _written;
    private readonly BandwidthLimiter? _limiter;

    public PartContent(PartSource source, long offset, long length, ReadOnlyMemory<byte>? buffered, BandwidthLimiter? limiter, Action<long> written)
    {
        _limiter = limiter;
        _source = source;
        _offset = offset;
        _length = length;
        _buffered = buffered;
        _written = written;
        Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        Headers.ContentLength = length;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        long sent = 0;
        if (_buffered is { } data)
        {
            while (sent < _length)
            {
                var count = (int)Math.Min(Chunk, _length - sent);
                await ThrottleAsync(count, cancellationToken);
                await stream.WriteAsync(data.Slice((int)sent, count), cancellationToken);
                sent += count;
                _written(sent);
            }
            return;
        }
        var chunk = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            while (sent < _length)
            {
                var count = (int)Math.Min(Chunk, _length - sent);
                await _source.ReadExactlyAsync(_offset + sent, chunk.AsMemory(0, count), cancellationToken);
                await ThrottleAsync(count, cancellationToken);
                await stream.WriteAsync(chunk.AsMemory(0, count), cancellationToken);
                sent += count;
                _written(sent);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private Task ThrottleAsync(int count, CancellationToken cancellationToken) =>
        _limiter is null ? Task.CompletedTask : _limiter.WaitAsync(count, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
