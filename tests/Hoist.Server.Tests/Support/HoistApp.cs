using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// The real server in memory (<see cref="WebApplicationFactory{TEntryPoint}"/>), configured as an
/// operator would: settings under Hoist:*, which win over appsettings.json and the environment.
/// Only infrastructure is swapped (the clock), never the store or the endpoints.
/// </summary>
public sealed class HoistApp(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public HoistApi CreateApi() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
