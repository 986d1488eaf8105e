using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Auth;

/// <summary>
/// "Authorization: Bearer &lt;key&gt;" against the configured API keys. Keys are compared as
/// SHA-256 digests in constant time, so neither a key's length nor its prefix leaks through timing.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthOptions> auth) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private readonly (byte[] Digest, string Owner)[] _keys =
        auth.Value.ApiKeys.Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k.Owner)).ToArray();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = BearerToken.From(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? owner = null;
        foreach (var (key, keyOwner) in _keys)
        {
            // Look at every key whatever matches, so the time taken does not say which one did.
            if (CryptographicOperations.FixedTimeEquals(key, digest))
            {
                owner = keyOwner;
            }
        }
        if (owner is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, owner)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

internal static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length
            ? header[prefix.Length..].Trim()
            : null;
    }
}
