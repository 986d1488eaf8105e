using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Testing;

/// <summary>
/// One store for a test class (a concrete subclass per kind of store runs the same tests on both), and
/// the settings every test server over it gets. Apps made by <see cref="CreateApp"/> and server processes
/// started with <see cref="Settings"/> share the store and, unless told otherwise, the signing key.
/// </summary>
public abstract class TestStoreFixture(TestStore store) : IAsyncLifetime
{
    public const string SigningKey = "hoist-tests-signing-key-0123456789abcdef";

    public TestStore TestStore => store;

    /// <summary>"FileSystem" or "S3", for messages.</summary>
    public string StoreName => store.Name;

    /// <summary>The store's settings (Hoist:Storage:*), shared by every app and server process of this fixture.</summary>
    public IReadOnlyDictionary<string, string?> StoreSettings => store.Settings;

    /// <summary>Apps without log providers (for fixtures whose tests inject faults the console would print).</summary>
    protected virtual bool QuietApps => false;

    /// <summary>The settings every test server gets: the store, a known signing key, 5 MiB parts, quiet logs; then the overrides.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(StoreSettings)
        {
            ["Hoist:Tokens:SigningKey"] = SigningKey,
            ["Hoist:Uploads:PreferredPartSize"] = TestData.PartSize.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }
        return settings;
    }

    /// <summary>Another server in memory over the same store. The caller disposes it.</summary>
    public HoistApp CreateApp(IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null) =>
        new(Settings(overrides), services, quiet: QuietApps);

    public virtual Task InitializeAsync() => store.InitializeAsync();

    public virtual async Task DisposeAsync() => await store.DisposeAsync();
}
