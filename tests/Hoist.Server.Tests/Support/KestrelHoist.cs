using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// The real app on real Kestrel on a loopback port, over a fixture's store: for tests of what only a
/// real server does (body rates, client addresses, dropped connections). Disposing stops it.
/// </summary>
public sealed class KestrelHoist : IAsyncDisposable
{
    private readonly HoistApp _app;
    private readonly List<HoistApi> _clients = [];

    private KestrelHoist(HoistApp app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static KestrelHoist Start(StoreFixture fixture, IReadOnlyDictionary<string, string?> overrides)
    {
        var app = fixture.CreateApp(overrides);
        return new KestrelHoist(app, app.StartOnKestrel());
    }

    /// <summary>A client that sends "Authorization: Bearer <paramref name="bearer"/>" (nothing when null); disposed with the server.</summary>
    public HoistApi Client(string? bearer)
    {
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(1) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        var api = new HoistApi(http);
        _clients.Add(api);
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await _app.DisposeAsync();
    }
}
