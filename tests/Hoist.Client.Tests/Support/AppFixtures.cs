using Hoist.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hoist.Client.Tests.Support;

/// <summary>
/// The real server in memory on a real store, with 5 MiB parts so that big-file tests stay quick.
/// Clients reach it through <see cref="WebApplicationFactory{TEntryPoint}.CreateDefaultClient(DelegatingHandler[])"/>,
/// optionally through test handlers (request counters, fault injection).
/// </summary>
public abstract class HoistAppFixture(TestStore store) : IAsyncLifetime
{
    public const long PartSize = 5 * 1024 * 1024;

    private HoistApp? _app;

    public TestStore Store => store;

    public async Task InitializeAsync()
    {
        await Store.InitializeAsync();
        var settings = new Dictionary<string, string?>(Store.Settings)
        {
            ["Hoist:Uploads:PreferredPartSize"] = PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        _app = new HoistApp(settings, ConfigureServices, environment: "Production");
        _app.StartServer();
    }

    /// <summary>Where a fixture swaps infrastructure (a store that can go down); the real server otherwise.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>A client of the app; retries fast (tests wait for nothing).</summary>
    public HoistClient Client(HoistClientOptions? options = null, params DelegatingHandler[] handlers) =>
        new(_app!.CreateDefaultClient(handlers), FastRetries(options));

    /// <summary>The options with retries that wait milliseconds, not seconds (their budget and attempts kept).</summary>
    public static HoistClientOptions FastRetries(HoistClientOptions? options)
    {
        options ??= new HoistClientOptions();
        options.Retry = new RetryOptions { MaxAttempts = options.Retry.MaxAttempts, RetryFor = options.Retry.RetryFor, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(200) };
        return options;
    }

    /// <summary>The in-memory handler, for clients built another way (IHttpClientFactory).</summary>
    public HttpMessageHandler CreateHandler() => _app!.Server.CreateHandler();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        await Store.DisposeAsync();
    }
}

public sealed class FileSystemAppFixture() : HoistAppFixture(new FileSystemTestStore("hoist-client-tests"));

public sealed class S3AppFixture() : HoistAppFixture(new S3TestStore("client-tests"));

/// <summary>
/// The real server on a real store that a test can take down (<see cref="OutageStore"/>), under the
/// server's own retry layer as in production: its Retry-After reflects the outage.
/// </summary>
public abstract class OutageAppFixture(TestStore store) : HoistAppFixture(store)
{
    public OutageStore Outage { get; private set; } = null!;

    protected override void ConfigureServices(IServiceCollection services)
    {
        var outage = Outage = new OutageStore(Store.Open());
        // Quiet: the server logs every 503 it answers, with its stack. Made by a factory, the outage store is disposed with the app.
        services.RemoveAll<ILoggerProvider>()
            .AddSingleton(_ => outage)
            .Replace(ServiceDescriptor.Singleton<IObjectStore>(sp => new RetryingStore(
                sp.GetRequiredService<OutageStore>(),
                sp.GetRequiredService<IOptions<StorageOptions>>().Value.Retry,
                TimeProvider.System,
                sp.GetRequiredService<ILogger<RetryingStore>>())));
    }
}

public sealed class FileSystemOutageAppFixture() : OutageAppFixture(new FileSystemTestStore("hoist-client-tests"));

public sealed class S3OutageAppFixture() : OutageAppFixture(new S3TestStore("client-tests"));
