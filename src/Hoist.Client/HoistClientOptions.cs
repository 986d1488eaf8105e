namespace Hoist.Client;

/// <summary>How a <see cref="HoistClient"/> talks to its server.</summary>
public sealed class HoistClientOptions
{
    /// <summary>The server's base URL. When null, the <see cref="HttpClient.BaseAddress"/> of the given client is used.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>A bearer token sent as <c>Authorization: Bearer &lt;token&gt;</c> with every request; null sends none.</summary>
    public string? Token { get; set; }

    /// <summary>How many parts of one file are sent at the same time, unless an upload says otherwise. Default 4.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>
    /// The largest part that is read into memory once and sent from there. Larger parts (a server
    /// configured for very large parts) are read from the source twice, once to hash and once to send,
    /// so that memory stays small. Default 64 MiB.
    /// </summary>
    public long MaxBufferedPartSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>Caps the bytes per second this client sends, all its uploads together; null (the default) sends as fast as the network allows.</summary>
    public long? MaxBytesPerSecond { get; set; }

    /// <summary>The longest one try of one request may take (a stalled connection is cut and retried). Default 5 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>When and how failed requests are tried again.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>
    /// Accept direct mode when the server offers it (its create answer says <c>"direct": true</c>): parts
    /// are then PUT straight to the store through presigned URLs, and Hoist only plans, signs and
    /// completes. Default true. False sends every part through Hoist, as with a server without direct mode.
    /// </summary>
    public bool AllowDirect { get; set; } = true;

    /// <summary>
    /// The client that PUTs parts to the store's presigned URLs in direct mode. It must not add
    /// credentials of its own (the URL carries its authority). Null (the default) uses a plain one
    /// shared by every <see cref="HoistClient"/>.
    /// </summary>
    public HttpClient? StoreHttpClient { get; set; }
}

/// <summary>
/// Retries of a single request (one part, a listing, the completion): on network errors, timeouts,
/// 5xx (not 501, 505, 507, 508, 510, 511), 408 and 429, with capped exponential backoff and jitter, for as long as <see cref="RetryFor"/>
/// allows. A <c>Retry-After</c> header is a lower bound: the wait is the longer of it and the backoff.
/// Other 4xx answers are final.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>
    /// How long a request keeps being retried, counted from its first failure: no retry begins after
    /// that (the last one may be moved earlier to begin exactly then), and a try that has begun may
    /// finish (<see cref="HoistClientOptions.RequestTimeout"/> bounds it). <see cref="TimeSpan.Zero"/>
    /// disables retries. Default 2 minutes: a server restart or a short store outage goes unnoticed.
    /// </summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>At most this many tries per request, the first included (1 disables retries); null (the default) limits retries by <see cref="RetryFor"/> alone.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>The backoff before the first retry; it doubles with every further retry. Default 0.5 s.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The backoff never grows beyond this (a longer <c>Retry-After</c> still wins). Default 15 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based): half the capped exponential delay, plus a random share of the other half.</summary>
    internal TimeSpan BackoffBefore(int retry)
    {
        var exponential = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/>, or null to give up: the backoff or the
    /// server's <paramref name="retryAfter"/>, whichever is longer, shortened to end at the budget's
    /// end (<paramref name="left"/>, what remains of <see cref="RetryFor"/>).
    /// </summary>
    internal TimeSpan? WaitBefore(int retry, TimeSpan? retryAfter, TimeSpan left)
    {
        if (left <= TimeSpan.Zero || retry + 1 > (MaxAttempts ?? int.MaxValue))
        {
            return null;
        }
        var wait = BackoffBefore(retry);
        if (retryAfter is { } asked && asked > wait)
        {
            wait = asked;
        }
        return wait < left ? wait : left;
    }
}
