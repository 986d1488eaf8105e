using System.Buffers;
using System.Net;
using Microsoft.Win32.SafeHandles;

namespace Hoist.Bench.Clients;

/// <summary>A slice of a file as a request body, read by position (so parts can go in parallel from one handle).</summary>
internal sealed class FileSliceContent : HttpContent
{
    private const int Chunk = 256 * 1024;
    private readonly SafeFileHandle _file;
    private readonly long _offset;
    private readonly long _length;

    public FileSliceContent(SafeFileHandle file, long offset, long length)
    {
        _file = file;
        _offset = offset;
        _length = length;
        Headers.ContentLength = length;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            for (long sent = 0; sent < _length;)
            {
                var read = await RandomAccess.ReadAsync(_file, buffer.AsMemory(0, (int)Math.Min(Chunk, _length - sent)), _offset + sent, cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException("The file is shorter than it was.");
                }
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                sent += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
