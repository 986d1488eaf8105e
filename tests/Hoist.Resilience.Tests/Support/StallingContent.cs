using System.Net;

namespace Hoist.Resilience.Tests.Support;

/// <summary>
/// A part body that sends its first <paramref name="sendFirst"/> bytes, says so, and then (unless
/// that was all of it) stalls until <see cref="Release"/>: a part in flight, for a server to die under.
/// </summary>
public sealed class StallingContent(ReadOnlyMemory<byte> bytes, int sendFirst, string? checksum) : HttpContent
{
    private readonly CancellationTokenSource _release = new();

    public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.Cancel();

    /// <summary>The header the part would carry; set before sending.</summary>
    public StallingContent WithHeaders()
    {
        Headers.ContentType = new("application/octet-stream");
        if (checksum is not null)
        {
            Headers.TryAddWithoutValidation(HoistApi.ChecksumHeader, checksum);
        }
        return this;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(bytes[..sendFirst], cancellationToken);
        await stream.FlushAsync(cancellationToken);
        Sent.TrySetResult();
        if (sendFirst < bytes.Length)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(_release.Token, cancellationToken);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = bytes.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _release.Dispose();
        }
        base.Dispose(disposing);
    }
}
