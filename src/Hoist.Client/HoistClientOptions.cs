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
}

/// <summary>
/// Retries of a single request (one part, a listing, the completion): on network errors, timeouts,
/// 5xx, 408 and 429, with exponential backoff and jitter, waiting what a <c>Retry-After</c> header
/// asks for instead when the server sends one. Other 4xx answers are final.
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Tries per request, the first included. 1 disables retries. Default 6.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The backoff before the first retry; it doubles with every further retry. Default 0.5 s.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The backoff never grows beyond this. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before retry number <paramref name="retry"/> (1-based): half the capped exponential delay, plus a random share of the other half.</summary>
    internal TimeSpan BackoffBefore(int retry)
    {
        var exponential = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (Random.Shared.NextDouble() * capped / 2));
    }
}
