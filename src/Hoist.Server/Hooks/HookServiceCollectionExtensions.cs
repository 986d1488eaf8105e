using Hoist.Server.Storage;

namespace Hoist.Server.Hooks;

public static class HookServiceCollectionExtensions
{
    public static IServiceCollection AddHoistHooks(this IServiceCollection services)
    {
        services.AddOptions<HookOptions>()
            .BindConfiguration(HookOptions.Section)
            .Validate(o => IsHttpUrl(o.PreCreateUrl), "Hoist:Hooks:PreCreateUrl must be an absolute http or https URL.")
            .Validate(o => IsHttpUrl(o.PostFinishUrl), "Hoist:Hooks:PostFinishUrl must be an absolute http or https URL.")
            .Validate(o => string.IsNullOrWhiteSpace(o.PostFinishUrl) || o.SigningKey is { Length: >= 32 },
                "Hoist:Hooks:SigningKey (32+ characters) is required when Hoist:Hooks:PostFinishUrl is set: receivers check each event's Hoist-Signature with it.")
            .Validate(o => o.SigningKey is null || o.SigningKey.Length >= 32, "Hoist:Hooks:SigningKey must have at least 32 characters.")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout <= TimeSpan.FromMinutes(1), "Hoist:Hooks:Timeout must be positive and at most 1 minute.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Hoist:Hooks:PollInterval must be positive.")
            .Validate(o => o.RetryDelay > TimeSpan.Zero && o.MaxRetryDelay >= o.RetryDelay, "Hoist:Hooks:RetryDelay must be positive, and Hoist:Hooks:MaxRetryDelay at least RetryDelay.")
            .ValidateOnStart();
        services.AddSingleton<HookClient>();
        services.AddSingleton<PostFinishDeliverer>();
        services.AddHostedService(sp => sp.GetRequiredService<PostFinishDeliverer>());
        services.AddSingleton<UploadEvents>();
        return services;
    }

    private static bool IsHttpUrl(string? url) =>
        string.IsNullOrWhiteSpace(url)
        || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
}
