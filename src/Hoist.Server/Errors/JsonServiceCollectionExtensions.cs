using System.Text.Json.Serialization;

namespace Hoist.Server.Errors;

public static class JsonServiceCollectionExtensions
{
    /// <summary>camelCase (the default) and no null fields: optional answers such as checksumSha256 are simply absent.</summary>
    public static IServiceCollection AddHoistJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
}
