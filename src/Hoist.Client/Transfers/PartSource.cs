using Microsoft.Win32.SafeHandles;

namespace Hoist.Client.Transfers;

/// <summary>
/// The bytes being uploaded, read by position so that parallel parts never share a file position:
/// a file through <see cref="RandomAccess"/>, or a seekable stream one read at a time.
/// </summary>
internal abstract class PartSource : IDisposable
{
    public abstract long Length { get; }

    public static PartSource OpenFile(string path) =>
        new FileSource(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous));

    public static PartSource Of(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable and seekable: parts are read by position, in parallel and again on retry.", nameof(stream));
        }
        return new StreamSource(stream);
    }

    protected abstract ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);

    public async ValueTask ReadExactlyAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await ReadAsync(offset, buffer, cancellationToken);
            if (read == 0)
            {
                throw new HoistIntegrityException($"The source ended at byte {offset}, before its declared {Length} bytes: it changed while being uploaded.");
            }
            offset += read;
            buffer = buffer[read..];
        }
    }

    public abstract void Dispose();

    private sealed class FileSource(SafeFileHandle handle) : PartSource
    {
        public override long Length { get; } = RandomAccess.GetLength(handle);

        protected override ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken) =>
            RandomAccess.ReadAsync(handle, buffer, offset, cancellationToken);

        public override void Dispose() => handle.Dispose();
    }

    /// <summary>A stream from its current position on; it stays the caller's (not disposed here).</summary>
    private sealed class StreamSource(Stream stream) : PartSource
    {
        private readonly long _start = stream.Position;
        private readonly SemaphoreSlim _gate = new(1, 1);

        public override long Length => stream.Length - _start;

        protected override async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                stream.Position = _start + offset;
                return await stream.ReadAsync(buffer, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        public override void Dispose() => _gate.Dispose();
    }
}
