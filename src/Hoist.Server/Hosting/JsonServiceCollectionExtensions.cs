using System.Text.Json.Serialization;

namespace Hoist.Server.Hosting;

public static class JsonServiceCollectionExtensions
{
    /// <summary>
    /// camelCase (the default) and no null fields: optional answers such as checksumSha256 are simply absent.
    /// Numbers must be JSON numbers: the web defaults would read "size": "10" as 10, and a request of the
    /// wrong types is refused as malformed rather than guessed at.
    /// </summary>
    public static IServiceCollection AddHoistJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
}
