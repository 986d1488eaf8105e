using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace Hoist.Server.Storage.S3;

/// <summary>
/// Re-signs a presigned PUT (Signature V4, query string) with the payload's SHA-256 as a signed
/// <c>x-amz-content-sha256</c> header, so the store itself refuses a body that does not match it
/// (<c>XAmzContentSHA256Mismatch</c>) and keeps nothing of it. The SDK's presigner always signs
/// <c>UNSIGNED-PAYLOAD</c> and drops that header, so this signs the SDK's own URL again.
/// <para>
/// It first recomputes the SDK's signature of that URL; only when it matches (same canonical
/// path, query, host, credentials) does it answer a re-signed URL, so any form this code does not
/// understand falls back to the caller hashing the bytes itself. See docs/store-contract.md#s3store.
/// </para>
/// </summary>
internal static class S3PayloadSigner
{
    public const string ContentSha256Header = "x-amz-content-sha256";

    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private const string SignedHeadersParameter = "X-Amz-SignedHeaders";
    private const string SignatureParameter = "X-Amz-Signature";

    /// <summary>The URL signed for a PUT whose body has this SHA-256, or null when <paramref name="presigned"/> is not a form this signer reproduces.</summary>
    public static Uri? SignPayload(string presigned, byte[] sha256, ImmutableCredentials credentials)
    {
        var query = presigned.IndexOf('?', StringComparison.Ordinal);
        var authority = presigned.IndexOf("://", StringComparison.Ordinal);
        if (query < 0 || authority < 0 || !Uri.TryCreate(presigned, UriKind.Absolute, out var uri))
        {
            return null;
        }
        var pathStart = presigned.IndexOf('/', authority + 3);
        if (pathStart < 0 || pathStart > query)
        {
            return null;
        }
        var path = presigned[pathStart..query];
        var parameters = presigned[(query + 1)..].Split('&')
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: Uri.UnescapeDataString(p[0]), Value: Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")))
            .ToList();
        string? Get(string name) => parameters.FirstOrDefault(p => p.Name == name).Value;

        // Only the plain form: signed by host alone, payload unsigned, no header the PUT would have to repeat.
        if (Get("X-Amz-Algorithm") != Algorithm || Get(SignedHeadersParameter) != "host"
            || Get(SignatureParameter) is not { } sdkSignature || Get("X-Amz-Date") is not { } date
            || Get("X-Amz-Credential")?.Split('/') is not [var accessKey, var day, var region, var service, "aws4_request"]
            || accessKey != credentials.AccessKey || string.IsNullOrEmpty(credentials.SecretKey))
        {
            return null;
        }
        var signingKey = SigningKey(credentials.SecretKey, day, region, service);
        var scope = $"{day}/{region}/{service}/aws4_request";
        var host = uri.Authority;
        var rest = parameters.Where(p => p.Name != SignatureParameter).ToList();
        if (Signature(signingKey, date, scope, path, rest, $"host:{host}\n", "host", UnsignedPayload) != sdkSignature)
        {
            return null;
        }

        var payloadHash = Convert.ToHexStringLower(sha256);
        const string signedHeaders = "host;" + ContentSha256Header;
        var signed = rest.Select(p => (p.Name, Value: p.Name == SignedHeadersParameter ? signedHeaders : p.Value)).ToList();
        var signature = Signature(signingKey, date, scope, path, signed, $"host:{host}\n{ContentSha256Header}:{payloadHash}\n", signedHeaders, payloadHash);
        signed.Add((SignatureParameter, signature));
        var newQuery = string.Join('&', signed.Select(p => $"{Escape(p.Name)}={Escape(p.Value)}"));
        return new Uri(presigned[..query] + "?" + newQuery);
    }

    private static string Signature(byte[] signingKey, string date, string scope, string path, IEnumerable<(string Name, string Value)> parameters,
        string canonicalHeaders, string signedHeaders, string payloadHash)
    {
        var canonicalQuery = string.Join('&', parameters
            .Select(p => (Name: Escape(p.Name), Value: Escape(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
        var canonicalRequest = $"PUT\n{path}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var stringToSign = $"{Algorithm}\n{date}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static byte[] SigningKey(string secretKey, string day, string region, string service)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { day, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }
        return key;
    }

    /// <summary>RFC 3986 escaping, as Signature V4 canonicalizes query names and values.</summary>
    private static string Escape(string value) => Uri.EscapeDataString(value);
}
