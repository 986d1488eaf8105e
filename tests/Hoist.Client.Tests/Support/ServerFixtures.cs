namespace Hoist.Client.Tests.Support;

/// <summary>
/// The real server as its own process, one per test class, for the CLI tests (processes too).
/// </summary>
public abstract class HoistServerFixture(TestStore store) : IAsyncLifetime
{
    private ServerProcess? _server;

    public TestStore Store => store;

    public Uri Url => _server!.Address;

    public string Log => _server?.Output ?? "";

    /// <summary>The largest file this server accepts: the CLI tests' way to make one file fail.</summary>
    public const long MaxFileSize = 64L * 1024 * 1024;

    /// <summary>The settings of a server on this fixture's store: 5 MiB parts, the size limit, then <paramref name="overrides"/>.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(Store.Settings)
        {
            ["Hoist:Uploads:PreferredPartSize"] = HoistAppFixture.PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hoist:Uploads:MaxFileSize"] = MaxFileSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }
        return settings;
    }

    public async Task InitializeAsync()
    {
        await Store.InitializeAsync();
        _server = await ServerProcess.StartAsync(Settings());
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        await Store.DisposeAsync();
    }
}

public sealed class FileSystemServerFixture() : HoistServerFixture(new FileSystemTestStore("hoist-client-tests"));

public sealed class S3ServerFixture() : HoistServerFixture(new S3TestStore("client-tests"));
