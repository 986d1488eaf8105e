using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Tests.Support;

/// <summary>
/// One of the server's modules (AddHoistAuth, AddHoistAdmission, ...) over these settings alone, as the
/// app adds it: to read the options it binds, or to see the refusal that would stop the start.
/// </summary>
public static class ModuleOptions
{
    public static ServiceProvider Services(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> addModule)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddMetrics();
        addModule(services, configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>The validation failure reading <typeparamref name="TOptions"/> gives (the test fails when there is none).</summary>
    public static OptionsValidationException Refusal<TOptions>(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> addModule)
        where TOptions : class
    {
        using var provider = Services(settings, addModule);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TOptions>>().Value);
    }
}
