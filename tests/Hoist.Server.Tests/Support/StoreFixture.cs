using System.Net;
using Hoist.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// One store for a test class and the server over it (<see cref="App"/>), made at start. Every test
/// class runs once per store (<see cref="FileSystemFixture"/>, <see cref="S3Fixture"/>).
/// </summary>
public abstract class StoreFixture(TestStore store) : TestStoreFixture(store)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, HoistApp> _shared = new(StringComparer.Ordinal);
    private HoistApp? _app;

    public HoistApp App => _app ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The app's own store, to look behind the API (incomplete uploads the API cannot list).</summary>
    public IObjectStore Store => App.Services.GetRequiredService<IObjectStore>();

    /// <summary>
    /// A server over this store with these overrides, made on first use and kept until the fixture is
    /// disposed: for test classes whose every test needs another configuration than <see cref="App"/>'s.
    /// </summary>
    public HoistApp SharedApp(IReadOnlyDictionary<string, string?> overrides) =>
        _shared.GetOrAdd(string.Join('\n', overrides.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")), _ => CreateApp(overrides));

    /// <summary>
    /// <paramref name="settings"/> with the rate limits, the cap on an owner's open uploads and the sweeper off: for
    /// servers whose tests send many requests as a few owners and look at every upload they leave.
    /// </summary>
    public static Dictionary<string, string?> WithLimitsOff(IReadOnlyDictionary<string, string?> settings) => new(settings)
    {
        ["Hoist:RateLimits:RequestsPerMinutePerOwner"] = "0",
        ["Hoist:RateLimits:RequestsPerMinutePerAddress"] = "0",
        ["Hoist:Uploads:MaxConcurrentUploadsPerOwner"] = "0",
        ["Hoist:Uploads:SweepInterval"] = "00:00:00",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _app = CreateApp();
        using var api = _app.CreateApi();
        // A few tries over half a minute: on a loaded machine the store may be slow to answer the first call.
        for (var attempt = 1; ; attempt++)
        {
            using var health = await api.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (health.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
            if (attempt == 6)
            {
                throw new InvalidOperationException($"The server on the {StoreName} store is not healthy: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    public override async Task DisposeAsync()
    {
        foreach (var shared in _shared.Values)
        {
            await shared.DisposeAsync();
        }
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}

public sealed class FileSystemFixture() : StoreFixture(new FileSystemTestStore("hoist-server-tests"));

public sealed class S3Fixture() : StoreFixture(new S3TestStore("hoist-server-tests"));
