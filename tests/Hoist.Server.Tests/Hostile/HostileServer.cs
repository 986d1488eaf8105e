using System.Net.Http.Headers;
using Hoist.Server.Storage;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Hostile;

/// <summary>
/// The server the hostile suite attacks: the real app on real Kestrel (raw sockets, real request
/// parsing, real disconnects), in ApiKeys mode with two owners, over one store, kept for the whole class.
/// Rate limits and the open-upload limit are off so that only the input decides each answer.
/// </summary>
public abstract class HostileServer : IAsyncLifetime
{
    private StoreFixture? _store;
    private HoistApp? _app;
    private HoistApp? _jwtApp;

    public StoreFixture StoreFixture => _store ?? throw new InvalidOperationException("Not initialized.");

    public IObjectStore Store => App.Services.GetRequiredService<IObjectStore>();

    public HoistApp App => _app ?? throw new InvalidOperationException("Not initialized.");

    public Uri Address { get; private set; } = null!;

    public HoistApi Alice { get; private set; } = null!;

    public HoistApi Bob { get; private set; } = null!;

    public HoistApi Nobody { get; private set; } = null!;

    /// <summary>A second server over the same store in Jwt mode (audience required), for the rows about JWT owners.</summary>
    public HoistApp JwtApp => _jwtApp ?? throw new InvalidOperationException("Not initialized.");

    protected abstract StoreFixture CreateStore();

    public async Task InitializeAsync()
    {
        _store = CreateStore();
        await _store.InitializeAsync();
        _app = _store.CreateApp(StoreFixture.WithLimitsOff(ApiKeyOwners.Settings(new Dictionary<string, string?>
        {
            // Short, so that a row can use a Hoist-signed URL after it expires.
            ["Hoist:Uploads:PresignedUrlLifetime"] = "00:00:01",
        })));
        _jwtApp = _store.CreateApp(StoreFixture.WithLimitsOff(Jwts.Settings()));
        Address = _app.StartOnKestrel();
        Alice = Client(ApiKeyOwners.AliceKey);
        Bob = Client(ApiKeyOwners.BobKey);
        Nobody = Client(null);
    }

    public HoistApi Client(string? bearer)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(1) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return new HoistApi(http);
    }

    public async Task DisposeAsync()
    {
        Alice?.Dispose();
        Bob?.Dispose();
        Nobody?.Dispose();
        if (_jwtApp is not null)
        {
            await _jwtApp.DisposeAsync();
        }
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}

public sealed class HostileServerOnFileSystem : HostileServer
{
    protected override StoreFixture CreateStore() => new FileSystemFixture();
}

public sealed class HostileServerOnS3 : HostileServer
{
    protected override StoreFixture CreateStore() => new S3Fixture();
}
