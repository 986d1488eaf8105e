using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Hoist.Server.Tests.Hostile;

/// <summary>
/// HTTP/1.1 written by hand on a socket, for requests no well-behaved client sends: a path with
/// literal dot segments, a Content-Length that lies or is absent, a body cut off by a disconnect.
/// </summary>
public static class RawHttp
{
    /// <summary>
    /// Sends the request line, <paramref name="headers"/> and the first <paramref name="sendBytes"/> bytes of
    /// <paramref name="body"/> (all when null). With <paramref name="disconnect"/> it then closes the connection and answers null;
    /// otherwise it reads the answer (the request says Connection: close).
    /// </summary>
    public static async Task<HttpResponseMessage?> SendAsync(Uri server, string method, string path, IEnumerable<string> headers, byte[]? body, CancellationToken cancellationToken, int? sendBytes = null, bool disconnect = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host.Trim('[', ']'), server.Port, cancellationToken);
        await using var stream = client.GetStream();
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {server.Authority}\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }
        head.Append(disconnect ? "" : "Connection: close\r\n").Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken);
        if (body is not null)
        {
            await stream.WriteAsync(body.AsMemory(0, sendBytes ?? body.Length), cancellationToken);
        }
        await stream.FlushAsync(cancellationToken);
        if (disconnect)
        {
            // Let the server read what was sent, then drop the connection mid-body.
            await Task.Delay(200, cancellationToken);
            client.Client.Close();
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException) when (received.Length > 0)
            {
                n = 0; // the server reset the connection after answering
            }
            if (n > 0)
            {
                received.Write(buffer, 0, n);
            }
            if (TryParse(received.ToArray(), complete: n == 0) is { } response)
            {
                return response;
            }
            if (n == 0)
            {
                throw new IOException($"The server closed the connection without a whole answer: {Encoding.Latin1.GetString(received.ToArray())}");
            }
        }
    }

    /// <summary>The response in <paramref name="bytes"/> once it is whole (or the connection ended: <paramref name="complete"/>); null until then.</summary>
    internal static HttpResponseMessage? TryParse(byte[] bytes, bool complete)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => (Name: l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), Value: l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        var rest = bytes.AsSpan(end + 4);
        byte[] body;
        if (headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            if (Dechunk(rest) is not { } whole)
            {
                return null;
            }
            body = whole;
        }
        else if (headers.FirstOrDefault(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value is { } length)
        {
            var expected = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            if (rest.Length < expected)
            {
                return null;
            }
            body = rest[..expected].ToArray();
        }
        else if (complete || status is 204 or 304)
        {
            body = rest.ToArray();
        }
        else
        {
            return null;
        }
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (response.Content.Headers.ContentType is null && headers.FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value is { } type)
        {
            response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }
        return response;
    }

    private static byte[]? Dechunk(ReadOnlySpan<byte> chunked)
    {
        var body = new MemoryStream();
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return null;
            }
            var size = Convert.ToInt32(Encoding.Latin1.GetString(chunked[..lineEnd]).Split(';')[0].Trim(), 16);
            chunked = chunked[(lineEnd + 2)..];
            if (size == 0)
            {
                return body.ToArray();
            }
            if (chunked.Length < size + 2)
            {
                return null;
            }
            body.Write(chunked[..size]);
            chunked = chunked[(size + 2)..];
        }
    }
}
