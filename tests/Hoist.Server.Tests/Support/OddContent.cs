using System.Net;

namespace Hoist.Server.Tests.Support;

/// <summary>A body whose Content-Length header says <paramref name="declared"/> whatever it really holds.</summary>
public sealed class DeclaredLengthContent(byte[] bytes, long declared) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = declared;
        return true;
    }
}

/// <summary>A body of unknown length, sent chunked (no Content-Length).</summary>
public sealed class ChunkedContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
