using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Hoist.Testing;

/// <summary>
/// The real server in memory (<see cref="WebApplicationFactory{TEntryPoint}"/>), configured as an
/// operator would: settings under Hoist:*, which win over appsettings.json and the environment.
/// Tests swap infrastructure only (<paramref name="services"/>: the clock, a log sink, a fault-injecting
/// store decorator), never the store or the endpoints. <paramref name="environment"/> sets the host
/// environment (e.g. "Production": the page and the API as shipped); <paramref name="quiet"/> removes
/// the log providers (the console would print every injected fault; tests that read logs add their own).
/// </summary>
public class HoistApp(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null, string? environment = null, bool quiet = false)
    : WebApplicationFactory<Program>
{
    public HoistApi CreateApi() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    /// <summary>Starts this app on real Kestrel on a free loopback port and answers its address.</summary>
    public Uri StartOnKestrel()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel has no address.");
        return new Uri(address);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (environment is not null)
        {
            builder.UseEnvironment(environment);
        }
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        if (services is not null || quiet)
        {
            builder.ConfigureTestServices(s =>
            {
                if (quiet)
                {
                    s.RemoveAll<ILoggerProvider>();
                }
                services?.Invoke(s);
            });
        }
    }
}
