namespace Hoist.Server.Auth;

public enum AuthMode
{
    /// <summary>Everyone is the owner "anonymous": for local use only.</summary>
    None,

    /// <summary>Bearer API keys from configuration, each mapped to an owner.</summary>
    ApiKeys,

    /// <summary>Bearer JWTs (an authority, or a shared signing key); the owner is the <c>sub</c> claim.</summary>
    Jwt,
}

/// <summary>Hoist:Auth — who may upload, and as which owner.</summary>
public sealed class AuthOptions
{
    public const string Section = "Hoist:Auth";

    public AuthMode Mode { get; set; } = AuthMode.None;

    /// <summary>With <see cref="AuthMode.ApiKeys"/>: the keys and the owner each one stands for.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    public JwtOptions Jwt { get; set; } = new();
}

public sealed class ApiKeyOptions
{
    public string Key { get; set; } = "";

    public string Owner { get; set; } = "";
}

public sealed class JwtOptions
{
    /// <summary>An OpenID Connect authority whose keys sign the tokens.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience (<c>aud</c>) a token must be issued for: required unless <see cref="AcceptAnyAudience"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>An explicit opt-out of the audience check, for a provider that issues tokens for Hoist alone.</summary>
    public bool AcceptAnyAudience { get; set; }

    /// <summary>How far token times (exp, nbf) may be off the server's clock.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public string? Issuer { get; set; }

    /// <summary>A shared HMAC key (32+ characters) instead of an authority.</summary>
    public string? SigningKey { get; set; }
}
