namespace Hoist.Server.Hooks;

/// <summary>Hoist:Hooks — the HTTP hooks (pre-create, post-finish), the way tusd users know them. See README "Hooks".</summary>
public sealed class HookOptions
{
    public const string Section = "Hoist:Hooks";

    /// <summary>When set, every create is POSTed here first; only a 2xx answer lets the upload be created.</summary>
    public string? PreCreateUrl { get; set; }

    /// <summary>When set, every completed upload is recorded as an event and POSTed here (signed, at least once).</summary>
    public string? PostFinishUrl { get; set; }

    /// <summary>The HMAC-SHA256 key of the Hoist-Signature header (32+ characters); required with <see cref="PostFinishUrl"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long one hook call may take (pre-create or one delivery attempt).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether this instance delivers pending post-finish events (any instance may; turn it off to leave delivery to others).</summary>
    public bool Deliver { get; set; } = true;

    /// <summary>How often the deliverer looks for pending events in the store (a complete on this instance wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first wait after a failed delivery; each further failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts at one event.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);
}
