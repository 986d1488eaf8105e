using System.Net;
using System.Xml;
using System.Xml.Linq;
using Hoist.Client.Http;

namespace Hoist.Client.Transfers.Direct;

/// <summary>
/// How a part PUT to the store is sent and read (docs/api.md, direct mode): retried like a part sent
/// through Hoist on 5xx and timeouts, and on 400 BadDigest (the bytes were damaged on the way: sent
/// again they pass); S3's XML error read into its code. A network error is not retried here: it is
/// the sign that this machine cannot reach the store, and the part goes through Hoist instead.
/// </summary>
internal static class StoreRequests
{
    /// <summary>S3's code for a body whose MD5 is not the signed Content-MD5.</summary>
    public const string BadDigest = "BadDigest";

    public static SendPolicy Policy { get; } = new(
        SendToken: false,
        RefusalAsync,
        e => RequestSender.IsTransient(e.StatusCode) || (e.StatusCode == HttpStatusCode.BadRequest && e.Code == BadDigest),
        RetryNetworkErrors: false);

    /// <summary>A plain client for store URLs: no base address, no Hoist handlers, no overall timeout (each try has one).</summary>
    public static HttpClient SharedHttp => Shared.Value;

    private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    /// <summary>The store's refusal: <c>&lt;Error&gt;&lt;Code&gt;…&lt;/Code&gt;&lt;Message&gt;…&lt;/Message&gt;&lt;/Error&gt;</c>, or the status alone.</summary>
    private static async Task<HoistApiException> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? code = null;
        string? message = null;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length > 0 && text.Length < 64 * 1024)
            {
                var error = XDocument.Parse(text).Root;
                code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
                message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            }
        }
        catch (Exception e) when (e is XmlException or IOException or HttpRequestException)
        {
            // The status alone still says what happened.
        }
        var status = response.StatusCode;
        return new HoistApiException(status, code is { Length: > 0 } ? code : $"http_{(int)status}",
            $"The store refused the part ({(int)status} {response.ReasonPhrase}).", message is { Length: > 0 } ? message : null);
    }
}
