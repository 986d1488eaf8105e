using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Browser.Tests.Support;

/// <summary>
/// The real app on real Kestrel, on a free loopback port, so a real browser can reach it. Its
/// content root is the server project, so the page is served from src/Hoist.Server/wwwroot as
/// `dotnet run` serves it. Configured only through settings, as an operator would.
/// </summary>
public sealed class HoistServer : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly PartTraffic _parts;

    public HoistServer(IReadOnlyDictionary<string, string?> settings, PartTraffic parts)
    {
        _settings = settings;
        _parts = parts;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Starts the server; the address it listens on, ending in a slash.</summary>
    public Uri Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new Uri(address.TrimEnd('/') + "/");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The page and the API as shipped, not the developer exception pages.
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(_settings));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new PartTrafficStartupFilter(_parts)));
    }
}
