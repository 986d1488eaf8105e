using Hoist.Server.Storage.FileSystem;
using Hoist.Server.Storage.S3;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddHoistStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != StorageProvider.S3 || !string.IsNullOrWhiteSpace(o.S3.Bucket),
                "Hoist:Storage:S3:Bucket is required when Hoist:Storage:Provider is S3.")
            .Validate(o => string.IsNullOrEmpty(o.S3.AccessKey) == string.IsNullOrEmpty(o.S3.SecretKey),
                "Hoist:Storage:S3:AccessKey and Hoist:Storage:S3:SecretKey go together: set both, or neither to use the SDK's credential chain.")
            .Validate(o => o.S3.ServiceUrl is null || Uri.TryCreate(o.S3.ServiceUrl, UriKind.Absolute, out _),
                "Hoist:Storage:S3:ServiceUrl must be an absolute URL.")
            .Validate(o => o.Retry.MaxAttempts is >= 1 and <= 10, "Hoist:Storage:Retry:MaxAttempts must be from 1 (no retries) to 10.")
            .Validate(o => o.Retry.BaseDelay >= TimeSpan.Zero && o.Retry.MaxDelay >= o.Retry.BaseDelay,
                "Hoist:Storage:Retry:BaseDelay must be zero or more, and Hoist:Storage:Retry:MaxDelay at least BaseDelay.")
            .ValidateOnStart();

        // The store itself, made once; what the app uses is the store behind its decorators, and what
        // it can do beyond the contract is stated from the store itself.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new ConfiguredStore(options.Provider switch
            {
                StorageProvider.FileSystem => new FileSystemStore(options.FileSystem.Root),
                StorageProvider.S3 => new S3Store(options.S3),
                _ => throw new InvalidOperationException($"Hoist:Storage:Provider '{options.Provider}' is not supported yet."),
            });
        });
        services.AddSingleton(sp => StoreCapabilities.Of(sp.GetRequiredService<ConfiguredStore>().Store));
        services.AddSingleton<IObjectStore>(sp => new RetryingStore(
            sp.GetRequiredService<ConfiguredStore>().Store,
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Retry,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<RetryingStore>>()));
        return services;
    }
}

/// <summary>The store the settings name, before any decorator: disposed with the app.</summary>
internal sealed record ConfiguredStore(IObjectStore Store) : IDisposable
{
    public void Dispose() => (Store as IDisposable)?.Dispose();
}
