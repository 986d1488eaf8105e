using System.Text;
using Hoist.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hoist.Storage.Tests;

/// <summary>
/// One store for a whole contract run, built the way the app builds it: <c>AddHoistStorage</c>
/// over a configuration. Also holds the large listing data set, made once and shared by the listing tests.
/// </summary>
public abstract class StoreFixture : IAsyncLifetime
{
    private readonly TestStore _testStore;
    private ServiceProvider? _services;
    private readonly Lazy<Task<ListingSet>> _listing;

    protected StoreFixture(TestStore testStore)
    {
        _testStore = testStore;
        _listing = new(() => CreateListingSetAsync(CancellationToken.None));
    }

    public IObjectStore Store { get; private set; } = null!;

    /// <summary>The store under test, as the tests know it (its ETag rule among others).</summary>
    public TestStore TestStore => _testStore;

    /// <summary>What the store can do beyond the core contract, as the app sees it.</summary>
    public StoreCapabilities Capabilities { get; private set; } = null!;

    /// <summary>Whether this store is expected to presign GETs (<see cref="StoreCapabilities.Presigning"/>).</summary>
    public virtual bool Presigns => false;

    public async Task InitializeAsync()
    {
        await _testStore.InitializeAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(_testStore.Settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddHoistStorage(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        // The host would run ValidateOnStart; there is no host here, so ask for the options first.
        _ = _services.GetRequiredService<IOptions<StorageOptions>>().Value;
        Store = _services.GetRequiredService<IObjectStore>();
        Capabilities = _services.GetRequiredService<StoreCapabilities>();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        await _testStore.DisposeAsync();
    }

    public Task<ListingSet> ListingSetAsync() => _listing.Value;

    private async Task<ListingSet> CreateListingSetAsync(CancellationToken cancellationToken)
    {
        var prefix = $"listing-{Guid.NewGuid():N}/";
        var keys = Enumerable.Range(0, ListingSet.Count).Select(i => $"{prefix}obj-{i:D4}").ToList();
        // Keys that share the prefix's characters but are not under it.
        var decoys = new[] { prefix.TrimEnd('/') + "-decoy/obj-0000", prefix.TrimEnd('/') + "obj-0000" };
        await Parallel.ForEachAsync(keys.Concat(decoys), Parallelism(cancellationToken), async (key, ct) =>
        {
            var bytes = Encoding.UTF8.GetBytes(key);
            await Store.PutObjectAsync(key, TestData.Body(bytes), bytes.Length, "text/plain", ListingSet.NoMetadata, ct);
        });
        return new ListingSet(prefix, keys);
    }

    private static ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };
}

/// <summary>1,005 small objects under one prefix (each holding its own key as bytes), plus decoys beside it.</summary>
public sealed record ListingSet(string Prefix, IReadOnlyList<string> Keys)
{
    public const int Count = 1005;
    public static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();
}
