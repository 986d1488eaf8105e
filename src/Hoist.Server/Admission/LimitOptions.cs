namespace Hoist.Server.Admission;

/// <summary>
/// Hoist:Limits — how slowly a request body may arrive and how many part bodies may be in flight.
/// Each part PUT holds a request open in the store for as long as its body takes to arrive: these
/// bounds keep slow or numerous bodies from holding all the store's request slots. 0 turns a cap off.
/// </summary>
public sealed class LimitOptions
{
    public const string Section = "Hoist:Limits";

    /// <summary>
    /// The slowest a request body may arrive, in bytes per second, averaged from its first byte read;
    /// a slower body is dropped (408). 0 keeps Kestrel's own minimum (240 B/s after 5 s).
    /// </summary>
    public int MinBodyRate { get; set; } = 16 * 1024;

    /// <summary>How long a body may arrive slower than <see cref="MinBodyRate"/> before the rate is checked.</summary>
    public TimeSpan MinBodyRateGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Part bodies one owner may have in flight on this instance at once.</summary>
    public int MaxPartsInFlightPerOwner { get; set; } = 16;

    /// <summary>Part bodies one client address may have in flight on this instance at once, whatever its keys.</summary>
    public int MaxPartsInFlightPerAddress { get; set; } = 64;

    /// <summary>Part bodies this instance writes to the store at once; keep it below the requests the store serves at once.</summary>
    public int MaxStoreWrites { get; set; } = 128;

    /// <summary>How long an admitted part waits for one of the <see cref="MaxStoreWrites"/> before it is refused (503 server_busy).</summary>
    public TimeSpan StoreWriteWait { get; set; } = TimeSpan.FromSeconds(10);
}
