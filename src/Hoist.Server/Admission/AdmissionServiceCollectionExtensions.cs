using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Admission;

public static class AdmissionServiceCollectionExtensions
{
    /// <summary>Hoist:Limits: the minimum body rate (through Kestrel, for every request) and the part caps of <see cref="PartAdmission"/>.</summary>
    public static IServiceCollection AddHoistAdmission(this IServiceCollection services)
    {
        services.AddOptions<LimitOptions>()
            .BindConfiguration(LimitOptions.Section)
            .Validate(o => o.MinBodyRate >= 0,
                "Hoist:Limits:MinBodyRate must be a number of bytes per second, or 0 to keep Kestrel's own minimum.")
            .Validate(o => o.MinBodyRateGracePeriod > TimeSpan.FromSeconds(1) && o.MinBodyRateGracePeriod <= TimeSpan.FromHours(1),
                "Hoist:Limits:MinBodyRateGracePeriod must be longer than 1 s (Kestrel checks body rates once a second) and at most 1 hour.")
            .Validate(o => o.MaxPartsInFlightPerOwner >= 0, "Hoist:Limits:MaxPartsInFlightPerOwner must be 0 (no cap) or more.")
            .Validate(o => o.MaxPartsInFlightPerAddress >= 0, "Hoist:Limits:MaxPartsInFlightPerAddress must be 0 (no cap) or more.")
            .Validate(o => o.MaxStoreWrites >= 0, "Hoist:Limits:MaxStoreWrites must be 0 (no cap) or more.")
            .Validate(o => o.StoreWriteWait >= TimeSpan.Zero && o.StoreWriteWait <= TimeSpan.FromMinutes(5),
                "Hoist:Limits:StoreWriteWait must be from 0 to 5 minutes: a part never waits for the store without end.")
            .ValidateOnStart();
        services.AddSingleton<PartAdmission>();

        // Server-wide rather than per request: Kestrel applies a per-request rate to HTTP/1.x only.
        // The other bodies are JSON of at most 64 KiB, which any client sends within the grace period.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitOptions>>((kestrel, options) =>
        {
            var limits = options.Value;
            if (limits.MinBodyRate > 0)
            {
                kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinBodyRate, limits.MinBodyRateGracePeriod);
            }
        });
        return services;
    }
}
