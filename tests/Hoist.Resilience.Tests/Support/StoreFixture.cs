using Hoist.Server.Storage;

namespace Hoist.Resilience.Tests.Support;

/// <summary>
/// One store for a test class, with a store object of its own over it (<see cref="Store"/>, without the
/// server's decorators) to look behind the API. Apps made here have no log providers: the console would
/// print every injected fault.
/// </summary>
public abstract class StoreFixture(TestStore store) : TestStoreFixture(store)
{
    private IObjectStore? _store;

    /// <summary>A store object of its own over the same storage, to look behind the API.</summary>
    public IObjectStore Store => _store ?? throw new InvalidOperationException("The fixture is not initialized.");

    protected override bool QuietApps => true;

    /// <summary>A new store object over this fixture's storage (the real one, without the server's decorators).</summary>
    public IObjectStore OpenStore() => TestStore.Open();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _store = OpenStore();
    }

    public override async Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>The incomplete uploads the store holds.</summary>
    public async Task<List<IncompleteUpload>> IncompleteUploadsAsync(CancellationToken cancellationToken)
    {
        var uploads = new List<IncompleteUpload>();
        await foreach (var upload in Store.ListMultipartUploadsAsync("", cancellationToken))
        {
            uploads.Add(upload);
        }
        return uploads;
    }
}

public sealed class FileSystemFixture() : StoreFixture(new FileSystemTestStore("hoist-resilience"))
{
    public string Root => ((FileSystemTestStore)TestStore).Root;
}

public sealed class S3Fixture() : StoreFixture(new S3TestStore("hoist-resilience"));
