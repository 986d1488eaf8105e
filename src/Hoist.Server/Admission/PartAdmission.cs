using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Hoist.Server.Errors;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Admission;

/// <summary>
/// Admission control of part bodies on this instance (<see cref="LimitOptions"/>): how many one
/// owner and one client address may have in flight, refused at once with 429
/// <c>too_many_parts_in_flight</c> before the body is read; and how many are written to the store at
/// once, a part waiting at most <see cref="LimitOptions.StoreWriteWait"/> for its turn before 503
/// <c>server_busy</c>. Both carry Retry-After. The counts live in memory and end with the request
/// (<see cref="AdmittedPart.Dispose"/>): this bounds load, it is no session state, and each
/// instance counts only its own requests.
/// </summary>
public sealed class PartAdmission
{

    /// <summary>A caller over its cap is waiting for its own parts: any of them ending frees a place.</summary>
    public static readonly TimeSpan TooManyPartsRetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>Every store write stayed taken for the whole wait: come back later, not at once.</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The address of requests that have none (an in-memory server, a Unix socket).</summary>
    private const string NoAddress = "-";

    private readonly LimitOptions _limits;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byAddress = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim? _storeWrites;
    private readonly Counter<long> _refused;

    public PartAdmission(IOptions<LimitOptions> options, IMeterFactory meters)
    {
        _limits = options.Value;
        _storeWrites = _limits.MaxStoreWrites > 0 ? new SemaphoreSlim(_limits.MaxStoreWrites, _limits.MaxStoreWrites) : null;
        _refused = meters.Create("Hoist.Server").CreateCounter<long>("hoist.parts.refused", description: "Part requests refused by admission control, by reason (owner, address, busy)");
    }

    /// <summary>Store writes in progress (for tests and diagnostics).</summary>
    internal int StoreWritesInUse => _storeWrites is { } slots ? _limits.MaxStoreWrites - slots.CurrentCount : 0;

    /// <summary>Part bodies in flight for this owner (for tests and diagnostics).</summary>
    internal int InFlightFor(string owner)
    {
        lock (_gate)
        {
            return _byOwner.GetValueOrDefault(owner);
        }
    }

    /// <summary>
    /// Counts a part body of this owner from this address in, or refuses it (429 <c>too_many_parts_in_flight</c>).
    /// The caller disposes the answer when the request ends, however it ends.
    /// </summary>
    public AdmittedPart Admit(string owner, IPAddress? address)
    {
        var from = AddressKey(address);
        int ownerCount, addressCount;
        lock (_gate)
        {
            ownerCount = _byOwner.GetValueOrDefault(owner);
            addressCount = _byAddress.GetValueOrDefault(from);
            if (!IsFull(ownerCount, _limits.MaxPartsInFlightPerOwner) && !IsFull(addressCount, _limits.MaxPartsInFlightPerAddress))
            {
                _byOwner[owner] = ownerCount + 1;
                _byAddress[from] = addressCount + 1;
                return new AdmittedPart(this, owner, from);
            }
        }
        if (IsFull(ownerCount, _limits.MaxPartsInFlightPerOwner))
        {
            _refused.Add(1, new KeyValuePair<string, object?>("reason", "owner"));
            throw TooManyParts("owner", $"This owner has {ownerCount} part bodies in flight on this server, the most it may have.", _limits.MaxPartsInFlightPerOwner);
        }
        _refused.Add(1, new KeyValuePair<string, object?>("reason", "address"));
        throw TooManyParts("address", $"This client address has {addressCount} part bodies in flight on this server, the most it may have.", _limits.MaxPartsInFlightPerAddress);
    }

    private static bool IsFull(int count, int cap) => cap > 0 && count >= cap;

    private void Release(string owner, string from)
    {
        lock (_gate)
        {
            Decrement(_byOwner, owner);
            Decrement(_byAddress, from);
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        var left = counts.GetValueOrDefault(key) - 1;
        if (left > 0)
        {
            counts[key] = left;
        }
        else
        {
            counts.Remove(key);
        }
    }

    private async Task<bool> WaitForStoreWriteAsync(CancellationToken cancellationToken)
    {
        if (_storeWrites is not { } slots)
        {
            return false;
        }
        if (await slots.WaitAsync(_limits.StoreWriteWait, cancellationToken))
        {
            return true;
        }
        _refused.Add(1, new KeyValuePair<string, object?>("reason", "busy"));
        throw ApiErrors.ServerBusy.With(
            $"All {_limits.MaxStoreWrites} of its store writes stayed taken for {_limits.StoreWriteWait.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; nothing was stored.",
            headers: RetryAfter(BusyRetryAfter));
    }

    private static ApiException TooManyParts(string scope, string detail, int limit) =>
        ApiErrors.TooManyPartsInFlight.With(detail + " Send this part again when one of them has ended.",
            new Dictionary<string, object?> { ["scope"] = scope, ["limit"] = limit },
            RetryAfter(TooManyPartsRetryAfter));

    private static Dictionary<string, string> RetryAfter(TimeSpan wait) =>
        new() { ["Retry-After"] = ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture) };

    /// <summary>One address per client: an IPv4 client on a dual-stack socket is the same client as on an IPv4 one.</summary>
    private static string AddressKey(IPAddress? address) =>
        address is null ? NoAddress : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    /// <summary>
    /// A part body counted in (per owner and per address) and, once <see cref="WaitForStoreWriteAsync"/>
    /// has answered, holding a store write. Disposing gives back all it holds, once.
    /// </summary>
    public sealed class AdmittedPart : IDisposable
    {
        private readonly PartAdmission _admission;
        private readonly string _owner;
        private readonly string _from;
        private bool _holdsStoreWrite;
        private int _released;

        internal AdmittedPart(PartAdmission admission, string owner, string from)
        {
            _admission = admission;
            _owner = owner;
            _from = from;
        }

        /// <summary>Waits for a store write, at most <see cref="LimitOptions.StoreWriteWait"/>; then 503 <c>server_busy</c>.</summary>
        public async Task WaitForStoreWriteAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
            if (!_holdsStoreWrite)
            {
                _holdsStoreWrite = await _admission.WaitForStoreWriteAsync(cancellationToken);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }
            if (_holdsStoreWrite)
            {
                _admission._storeWrites?.Release();
            }
            _admission.Release(_owner, _from);
        }
    }
}
