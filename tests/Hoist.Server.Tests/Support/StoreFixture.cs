using System.Net;
using Hoist.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// One store for a test class, and the server over it. Every test class runs once per store
/// (a concrete subclass per store takes <see cref="FileSystemFixture"/> or <see cref="S3Fixture"/>).
/// Apps made by <see cref="CreateApp"/> share the store and, unless told otherwise, the signing key.
/// </summary>
public abstract class StoreFixture : IAsyncLifetime
{
    public const string SigningKey = "hoist-server-tests-signing-key-0123456789";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, HoistApp> _shared = new(StringComparer.Ordinal);
    private HoistApp? _app;

    /// <summary>"FileSystem" or "S3", for messages.</summary>
    public abstract string StoreName { get; }

    /// <summary>The store's settings (Hoist:Storage:*), shared by every app and server process of this fixture.</summary>
    public abstract IReadOnlyDictionary<string, string?> StoreSettings { get; }

    public HoistApp App => _app ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The app's own store, to look behind the API (incomplete uploads the API cannot list).</summary>
    public IObjectStore Store => App.Services.GetRequiredService<IObjectStore>();

    /// <summary>The settings every test server gets: the store, a known signing key, 5 MiB parts, quiet logs.</summary>
    public IReadOnlyDictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(StoreSettings)
        {
            ["Hoist:Tokens:SigningKey"] = SigningKey,
            ["Hoist:Uploads:PreferredPartSize"] = TestData.PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }
        return settings;
    }

    /// <summary>Another server over the same store. The caller disposes it.</summary>
    public HoistApp CreateApp(IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null) =>
        new(Settings(overrides), services);

    /// <summary>
    /// A server over this store with these overrides, made on first use and kept until the fixture is
    /// disposed: for test classes whose every test needs another configuration than <see cref="App"/>'s.
    /// </summary>
    public HoistApp SharedApp(IReadOnlyDictionary<string, string?> overrides) =>
        _shared.GetOrAdd(string.Join('\n', overrides.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")), _ => CreateApp(overrides));

    public virtual async Task InitializeAsync()
    {
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

    public virtual async Task DisposeAsync()
    {
        foreach (var shared in _shared.Values)
        {
            await shared.DisposeAsync();
        }
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
