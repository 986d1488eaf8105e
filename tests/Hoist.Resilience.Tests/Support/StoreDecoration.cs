using Hoist.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Resilience.Tests.Support;

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
