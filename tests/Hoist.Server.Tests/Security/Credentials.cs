using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Hoist.Server.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Hoist.Server.Tests.Security;

/// <summary>Two owners with their API keys, and the settings of a server that knows them.</summary>
public static class ApiKeyOwners
{
    public const string Alice = "alice";
    public const string AliceKey = "alice-api-key-0123456789abcdef";
    public const string Bob = "bob";
    public const string BobKey = "bob-api-key-0123456789abcdef";

    /// <summary>Hoist:Auth in ApiKeys mode with Alice's and Bob's keys, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hoist:Auth:Mode"] = "ApiKeys",
            ["Hoist:Auth:ApiKeys:0:Key"] = AliceKey,
            ["Hoist:Auth:ApiKeys:0:Owner"] = Alice,
            ["Hoist:Auth:ApiKeys:1:Key"] = BobKey,
            ["Hoist:Auth:ApiKeys:1:Owner"] = Bob,
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }
        return settings;
    }

    /// <summary>A client that sends "Authorization: Bearer <paramref name="bearer"/>" (nothing when null).</summary>
    public static HoistApi CreateApi(this HoistApp app, string? bearer)
    {
        var api = app.CreateApi();
        if (bearer is not null)
        {
            api.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return api;
    }
}

/// <summary>JWTs made here, signed with the shared key of a server in Jwt mode (or another key, to forge one).</summary>
public static class Jwts
{
    public const string SigningKey = "hoist-server-tests-jwt-signing-key-0123456789";
    public const string Audience = "hoist-tests";

    public static Dictionary<string, string?> Settings() => new()
    {
        ["Hoist:Auth:Mode"] = "Jwt",
        ["Hoist:Auth:Jwt:SigningKey"] = SigningKey,
        ["Hoist:Auth:Jwt:Audience"] = Audience,
    };

    /// <summary>An HS256 token for <paramref name="sub"/> (no sub claim when null), issued for Hoist's audience and valid for an hour unless told otherwise.</summary>
    public static string Create(string? sub, DateTime? notBefore = null, DateTime? expires = null, string signingKey = SigningKey, string? audience = Audience)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["name"] = "A test user" };
        if (sub is not null)
        {
            claims["sub"] = sub;
        }
        var begins = notBefore ?? now.AddMinutes(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Audience = audience,
            Subject = new ClaimsIdentity(),
            IssuedAt = begins,
            NotBefore = begins,
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token with "alg": "none" and no signature: it must never be taken.</summary>
    public static string WithoutSignature(string sub)
    {
        static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(new { sub, iat = now, nbf = now, exp = now + 3600 })}.";
    }
}
