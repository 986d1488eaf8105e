using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Hoist.Client.Tests.Support;

/// <summary>
/// The real server in memory on a real store, with 5 MiB parts so that big-file tests stay quick.
/// Clients reach it through <see cref="WebApplicationFactory{TEntryPoint}.CreateDefaultClient(DelegatingHandler[])"/>,
/// optionally through test handlers (request counters, fault injection).
/// </summary>
public abstract class HoistAppFixture : IAsyncLifetime
{
    public const long PartSize = 5 * 1024 * 1024;

    private HoistApp? _app;

    public StoreSetup Store { get; private set; } = null!;

    protected abstract StoreSetup CreateStore();

    public async Task InitializeAsync()
    {
        Store = CreateStore();
        await Store.InitializeAsync();
        var settings = new Dictionary<string, string?>(Store.Settings)
        {
            ["Hoist:Uploads:PreferredPartSize"] = PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        _app = new HoistApp(settings);
        _app.StartServer();
    }

    /// <summary>A client of the app; retries fast (tests wait for nothing).</summary>
    public HoistClient Client(HoistClientOptions? options = null, params DelegatingHandler[] handlers)
    {
        options ??= new HoistClientOptions();
        options.Retry = new RetryOptions { MaxAttempts = options.Retry.MaxAttempts, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(200) };
        return new HoistClient(_app!.CreateDefaultClient(handlers), options);
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

    private sealed class HoistApp(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        }
    }
}

public sealed class FileSystemAppFixture : HoistAppFixture
{
    protected override StoreSetup CreateStore() => new FileSystemSetup();
}

public sealed class S3AppFixture : HoistAppFixture
{
    protected override StoreSetup CreateStore() => new S3Setup();
}
