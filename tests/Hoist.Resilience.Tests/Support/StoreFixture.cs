using System.Globalization;
using Hoist.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Resilience.Tests.Support;

/// <summary>
/// One store for a test class: a fresh temporary folder, or a prefix of its own on the real S3
/// server. Servers made by <see cref="CreateApp"/> and <see cref="ServerProcess"/> use it through
/// the same settings an operator would write; <see cref="Store"/> looks at it directly, behind the API.
/// </summary>
public abstract class StoreFixture : IAsyncLifetime
{
    public const string SigningKey = "hoist-resilience-tests-signing-key-0123456789";

    private IObjectStore? _store;

    /// <summary>"FileSystem" or "S3", for messages.</summary>
    public abstract string StoreName { get; }

    /// <summary>The Hoist:Storage:* settings of this store.</summary>
    public abstract IReadOnlyDictionary<string, string?> StoreSettings { get; }

    /// <summary>A store object of its own over the same storage, to look behind the API.</summary>
    public IObjectStore Store => _store ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>A new store object over this fixture's storage (the real one, without the server's decorators).</summary>
    public abstract IObjectStore OpenStore();

    /// <summary>Every server's settings: the store, a known signing key, 5 MiB parts, quiet logs; then the overrides (null removes a setting).</summary>
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

    public HoistApp CreateApp(IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null) =>
        new(Settings(overrides), services);

    public virtual Task InitializeAsync()
    {
        _store = OpenStore();
        return Task.CompletedTask;
    }

    public virtual Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        return Task.CompletedTask;
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

/// <summary>The embedded FileSystemStore on a fresh temporary folder, deleted afterwards.</summary>
public sealed class FileSystemFixture : StoreFixture
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"hoist-resilience-{Guid.NewGuid():N}");

    public override string StoreName => "FileSystem";

    public override IReadOnlyDictionary<string, string?> StoreSettings => new Dictionary<string, string?>
    {
        ["Hoist:Storage:Provider"] = "FileSystem",
        ["Hoist:Storage:FileSystem:Root"] = Root,
    };

    public override IObjectStore OpenStore() => new Hoist.Server.Storage.FileSystem.FileSystemStore(Root);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
