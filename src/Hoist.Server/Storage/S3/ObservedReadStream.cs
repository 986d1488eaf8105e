namespace Hoist.Server.Storage.S3;

/// <summary>
/// A forward-only read view that remembers what its inner stream threw. HttpClient wraps a
/// failing request body in its own exceptions; this tells a body that failed (bad checksum,
/// client gone) from a connection to the store that failed.
/// </summary>
internal sealed class ObservedReadStream(Stream inner) : ForwardOnlyReadStream
{
    public Exception? Failure { get; private set; }


    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e)
        {
            Failure ??= e;
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Request bodies are read asynchronously.");

}
