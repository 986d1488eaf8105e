using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Hoist.Server.Errors;

namespace Hoist.Server.Uploads;

/// <summary>
/// Hoist-signed URLs: a URL that allows one METHOD on one resource (an object key, or whatever the
/// route names) until a time, without credentials, as an S3 presigned URL does for the S3 store
/// (docs/signed-urls.md). The grant travels in the query: <c>expires</c> (Unix seconds) and
/// <c>signature</c>, the base64url HMAC-SHA256 of <c>"hoist-signed-url/1\nMETHOD\nexpires\nresource"</c>
/// under the upload-token key (<see cref="UploadTokenSigner"/>, rotation included).
/// </summary>
public sealed class SignedUrlSigner(UploadTokenSigner keys, TimeProvider time)
{
    public const string ExpiresParameter = "expires";
    public const string SignatureParameter = "signature";

    // Never starts with '{': no payload of a signed URL can be taken for an upload token's JSON.
    private const string Purpose = "hoist-signed-url/1";

    /// <summary>
    /// The query (<c>expires=…&amp;signature=…</c>, without '?') that allows <paramref name="method"/> on
    /// <paramref name="resource"/> until <paramref name="expiresAt"/>, rounded up to a whole second.
    /// </summary>
    public string Sign(string method, string resource, DateTimeOffset expiresAt)
    {
        var expires = WholeSecondsAfterEpoch(expiresAt);
        var signature = keys.SignatureOf(Payload(method, expires, resource));
        return $"{ExpiresParameter}={expires.ToString(CultureInfo.InvariantCulture)}&{SignatureParameter}={Base64Url.EncodeToString(signature)}";
    }

    /// <summary>
    /// Checks that the request's query allows <paramref name="method"/> (HEAD where GET is allowed) on
    /// <paramref name="resource"/> now: <c>403 link_forged</c> when the signature is missing, altered or
    /// made with an unknown key (the expiry cannot be moved: it is signed), else <c>410 link_expired</c> once it is past.
    /// </summary>
    public void Check(string method, string resource, IQueryCollection query)
    {
        var signedMethod = HttpMethods.IsHead(method) ? HttpMethods.Get : method;
        if (query[ExpiresParameter] is not [{ } expiresText] || query[SignatureParameter] is not [{ } signatureText]
            || !long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !TryDecode(signatureText, out var signature)
            || !keys.IsSignedWithAKnownKey(Payload(signedMethod, expires, resource), signature))
        {
            throw ApiErrors.LinkForged.With("Its signature does not match: it was altered, or signed with another key.");
        }
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (time.GetUtcNow() >= expiresAt)
        {
            throw ApiErrors.LinkExpired.With($"It expired at {expiresAt:O}; ask for a new link.");
        }
    }

    /// <summary>The time rounded up to a whole second, as a signed URL carries it.</summary>
    public static long WholeSecondsAfterEpoch(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() + 999) / 1000;

    private static byte[] Payload(string method, long expires, string resource) =>
        Encoding.UTF8.GetBytes($"{Purpose}\n{method}\n{expires.ToString(CultureInfo.InvariantCulture)}\n{resource}");

    /// <summary>Base64url, false when it is not (shared with <see cref="UploadGroupSigner"/>).</summary>
    internal static bool TryDecode(string text, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
