namespace Hoist.Server.Security;

/// <summary>Hoist:RateLimits — requests per minute, per owner and per client address; 0 turns one off.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Hoist:RateLimits";

    public int RequestsPerMinutePerOwner { get; set; } = 6000;

    public int RequestsPerMinutePerAddress { get; set; } = 12000;
}

/// <summary>Hoist:Cors — origins allowed to call the API from another site; empty means same-origin only.</summary>
public sealed class CorsOptions
{
    public const string Section = "Hoist:Cors";

    public List<string> AllowedOrigins { get; set; } = [];
}
