using System.Net;
using System.Web;

namespace Hoist.Client.Tests.Support;

/// <summary>
/// Watches the requests a client sends straight to the store (direct mode): which parts were PUT, how the
/// store answered, and whether any carried an Authorization header (none may: the URL is its own authority).
/// With <paramref name="damageFirst"/>, the first PUT's bytes are changed on the way (one byte flipped, same
/// length), the one fault a real network cannot be made to produce on demand. With <paramref name="delayFirst"/>,
/// the first PUT leaves that much later (its URL may expire meanwhile). With <paramref name="unreachable"/>, every
/// PUT fails as a connection attempt that times out.
/// </summary>
public sealed class StoreTraffic(bool damageFirst = false, TimeSpan? delayFirst = null, bool unreachable = false) : DelegatingHandler
{
    private int _delayed;
    private readonly List<(int PartNumber, HttpStatusCode? Status)> _puts = [];
    private int _damaged;
    private int _authorized;

    /// <summary>The part PUTs in the order they were answered, with the store's status (null: no answer).</summary>
    public IReadOnlyList<(int PartNumber, HttpStatusCode? Status)> Puts
    {
        get
        {
            lock (_puts)
            {
                return [.. _puts];
            }
        }
    }

    /// <summary>The parts the store stored (answered 200).</summary>
    public IReadOnlyList<int> Stored => Puts.Where(p => p.Status == HttpStatusCode.OK).Select(p => p.PartNumber).Order().ToList();

    public int Authorized => Volatile.Read(ref _authorized);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var partNumber = int.Parse(HttpUtility.ParseQueryString(request.RequestUri!.Query)["partNumber"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (request.Headers.Authorization is not null)
        {
            Interlocked.Increment(ref _authorized);
        }
        if (damageFirst && request.Content is { } content && Interlocked.Exchange(ref _damaged, 1) == 0)
        {
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
            bytes[bytes.Length / 2] ^= 0xff;
            var damaged = new ByteArrayContent(bytes);
            foreach (var (name, values) in content.Headers)
            {
                damaged.Headers.TryAddWithoutValidation(name, values);
            }
            request.Content = damaged;
        }
        if (delayFirst is { } delay && Interlocked.Exchange(ref _delayed, 1) == 0)
        {
            await Task.Delay(delay, cancellationToken);
        }
        if (unreachable)
        {
            lock (_puts)
            {
                _puts.Add((partNumber, null));
            }
            // What SocketsHttpHandler throws when its ConnectTimeout passes (a store that drops the packets): this machine cannot make one.
            throw new TaskCanceledException("The operation was canceled.", new TimeoutException("A connection could not be established within the configured ConnectTimeout."));
        }
        HttpStatusCode? status = null;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = response.StatusCode;
            return response;
        }
        finally
        {
            lock (_puts)
            {
                _puts.Add((partNumber, status));
            }
        }
    }
}
