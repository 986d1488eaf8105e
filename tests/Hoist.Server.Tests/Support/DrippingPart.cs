using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Hoist.Server.Tests.Hostile;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// A part PUT written by hand on a socket, whose body the test sends a few bytes at a time (a slow or
/// hostile client): the head at once, then <see cref="SendAsync"/> as often as the test likes. It may
/// come from another loopback address (127.0.0.2, ...), as another client would. <see cref="Answer"/>
/// completes when the server answers or closes the connection.
/// </summary>
public sealed class DrippingPart : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource<DripAnswer> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sent;

    private DrippingPart(Socket socket, long length)
    {
        _socket = socket;
        Length = length;
    }

    /// <summary>The declared Content-Length.</summary>
    public long Length { get; }

    /// <summary>Body bytes sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The server's answer, or a null status if it closed the connection without one.</summary>
    public Task<DripAnswer> Answer => _answer.Task;

    /// <summary>
    /// Connects (from <paramref name="from"/> when given), sends the request head of a part PUT of
    /// <paramref name="length"/> bytes and no body yet, and starts reading the answer.
    /// </summary>
    public static async Task<DrippingPart> OpenAsync(Uri server, string uploadId, int partNumber, long length, string? bearer, CancellationToken cancellationToken, IPAddress? from = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (from is not null)
            {
                socket.Bind(new IPEndPoint(from, 0));
            }
            await socket.ConnectAsync(server.Host, server.Port, cancellationToken);
            var head = new StringBuilder($"PUT /api/uploads/{uploadId}/parts/{partNumber} HTTP/1.1\r\nHost: {server.Authority}\r\n")
                .Append("Content-Type: application/octet-stream\r\n")
                .Append("Content-Length: ").Append(length).Append("\r\n");
            if (bearer is not null)
            {
                head.Append("Authorization: Bearer ").Append(bearer).Append("\r\n");
            }
            head.Append("Connection: close\r\n\r\n");
            await socket.SendAsync(Encoding.Latin1.GetBytes(head.ToString()), SocketFlags.None, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var part = new DrippingPart(socket, length);
        _ = part.ReadAnswerAsync();
        return part;
    }

    /// <summary>Sends <paramref name="count"/> more body bytes (never past the declared length); false once the connection is gone or answered.</summary>
    public async Task<bool> SendAsync(int count, CancellationToken cancellationToken)
    {
        var n = (int)Math.Min(count, Length - Sent);
        if (_answer.Task.IsCompleted || n <= 0)
        {
            return false;
        }
        try
        {
            await _socket.SendAsync(new byte[n], SocketFlags.None, cancellationToken);
            Interlocked.Add(ref _sent, n);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            return false;
        }
    }

    /// <summary>Sends bytes at <paramref name="bytesPerSecond"/> (in 4 sends a second) until the server answers or <paramref name="cancellationToken"/> ends it.</summary>
    public async Task DripAsync(int bytesPerSecond, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && await SendAsync(Math.Max(1, bytesPerSecond / 4), cancellationToken))
        {
            await Task.WhenAny(Task.Delay(250, cancellationToken), _answer.Task);
        }
    }

    /// <summary>Drops the connection mid-body, as a client that gives up does.</summary>
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadAnswerAsync()
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None);
                received.Write(buffer, 0, n);
                if (RawHttp.TryParse(received.ToArray(), complete: n == 0) is { } response)
                {
                    _answer.TrySetResult(await DripAnswer.FromAsync(response, _clock.Elapsed, Sent));
                    return;
                }
                if (n == 0)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // Reset or dropped: no (whole) answer.
        }
        _answer.TrySetResult(new DripAnswer(null, null, null, _clock.Elapsed, Sent));
    }
}

/// <summary>How a dripping part ended: the status and problem code (null when the connection closed without an answer), Retry-After, when, and how much body was sent by then.</summary>
public sealed record DripAnswer(int? Status, string? Code, TimeSpan? RetryAfter, TimeSpan After, long BodySent)
{
    internal static async Task<DripAnswer> FromAsync(HttpResponseMessage response, TimeSpan after, long sent)
    {
        using (response)
        {
            string? code = null;
            var body = await response.Content.ReadAsStringAsync();
            if (body.StartsWith('{'))
            {
                using var json = JsonDocument.Parse(body);
                code = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            }
            return new DripAnswer((int)response.StatusCode, code, response.Headers.RetryAfter?.Delta, after, sent);
        }
    }

    public override string ToString() =>
        Status is { } status ? $"{status} {Code} after {After.TotalSeconds:F1} s, {BodySent} B sent" : $"closed without an answer after {After.TotalSeconds:F1} s, {BodySent} B sent";
}
