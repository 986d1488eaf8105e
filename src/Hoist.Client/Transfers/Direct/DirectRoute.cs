using System.Net;
using Hoist.Wire;
using Hoist.Client.Http;

namespace Hoist.Client.Transfers.Direct;

/// <summary>
/// The direct route of one upload (docs/api.md, direct mode): each part PUT to its presigned store URL
/// with exactly the headers the server gave, its ETag compared with the part's MD5. The first network
/// failure towards the store (this machine cannot reach it: refused, unresolvable, cut) closes the
/// route for the rest of the upload: that part and every later one go through Hoist.
/// </summary>
internal sealed class DirectRoute(HoistClient client, PartUrls urls, Action retried)
{
    /// <summary>An expired URL is asked again this many times per part; a store that keeps refusing fresh URLs is an error.</summary>
    private const int MaxRenewals = 2;

    private readonly RequestSender _store = new(client.Options.StoreHttpClient ?? StoreRequests.SharedHttp, client.Options, StoreRequests.Policy);
    private string? _closedBecause;

    /// <summary>Parts may still go directly.</summary>
    public bool IsOpen => Volatile.Read(ref _closedBecause) is null;

    /// <summary>Why the route was closed (the first failure's message), or null while it is open.</summary>
    public string? ClosedBecause => Volatile.Read(ref _closedBecause);

    /// <summary>
    /// Sends one part to the store; false when the route is (or has just been) closed and the part must
    /// go through Hoist. <paramref name="content"/> builds a fresh body per try.
    /// </summary>
    public async Task<bool> TrySendAsync(int partNumber, byte[] md5, Func<HttpContent> content, CancellationToken cancellationToken)
    {
        for (var renewals = 0; IsOpen; renewals++)
        {
            PartUrl url;
            try
            {
                url = await urls.GetAsync(partNumber, md5, cancellationToken);
            }
            catch (HoistApiException e) when (e.StatusCode == HttpStatusCode.Conflict && e.Code == ErrorCodes.DirectUnavailable)
            {
                // The server no longer offers direct mode (reconfigured, or another node): the Hoist route still works.
                Close(e);
                return false;
            }
            try
            {
                var etag = await _store.SendAsync(() => Request(url, content()), (response, _) => Task.FromResult(response.Headers.ETag?.Tag), retried, cancellationToken);
                var expected = Convert.ToHexStringLower(md5);
                if (etag is { } tag && !string.Equals(tag.Trim('"'), expected, StringComparison.OrdinalIgnoreCase))
                {
                    throw new HoistIntegrityException($"The store stored part {partNumber} with the ETag {tag}; its MD5 is {expected}.");
                }
                return true;
            }
            catch (HoistApiException e) when (e.StatusCode == HttpStatusCode.Forbidden && renewals < MaxRenewals)
            {
                // The URL expired on the way (or its clock is ahead of ours): ask a new one.
                urls.Forget(partNumber);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException { StatusCode: null } or IOException)
            {
                Close(e);
                return false;
            }
        }
        return false;
    }

    private void Close(Exception e) => Interlocked.CompareExchange(ref _closedBecause, e.Message, null);

    /// <summary>The store PUT: the URL's own authority, the headers the server signed (Content-MD5 is a content header in .NET), no Hoist token.</summary>
    private static HttpRequestMessage Request(PartUrl url, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url.Url) { Content = content };
        foreach (var (name, value) in url.Headers ?? new Dictionary<string, string>())
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.Remove(name);
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return request;
    }
}
