using Hoist.Server.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Hoist.Resilience.Tests.Support;

/// <summary>
/// The real server in memory, configured through Hoist:* settings. Tests swap infrastructure only:
/// the clock, a log sink, or a fault-injecting decorator around the store.
/// </summary>
public sealed class HoistApp(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public HoistClient CreateHoistClient() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(s =>
        {
            // The console would print every injected fault; tests that read logs add their own provider.
            s.RemoveAll<ILoggerProvider>();
            services?.Invoke(s);
        });
    }
}

public static class StoreDecoration
{
    /// <summary>Replaces the app's IObjectStore with <paramref name="decorate"/> applied to the one the app registered.</summary>
    public static IServiceCollection DecorateStore(this IServiceCollection services, Func<IObjectStore, IServiceProvider, IObjectStore> decorate)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IObjectStore));
        services.Remove(registered);
        services.AddSingleton(sp => decorate(Resolve(registered, sp), sp));
        return services;
    }

    private static IObjectStore Resolve(ServiceDescriptor descriptor, IServiceProvider sp) => descriptor switch
    {
        { ImplementationInstance: IObjectStore instance } => instance,
        { ImplementationFactory: { } factory } => (IObjectStore)factory(sp),
        { ImplementationType: { } type } => (IObjectStore)ActivatorUtilities.CreateInstance(sp, type),
        _ => throw new InvalidOperationException("The app's IObjectStore registration has no implementation."),
    };
}
