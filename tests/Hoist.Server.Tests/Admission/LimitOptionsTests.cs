using Hoist.Server.Admission;
using Hoist.Server.Tests.Support;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Tests.Admission;

/// <summary>Hoist:Limits is validated at start (a wrong value stops it with a message that names it) and sets Kestrel's minimum body rate.</summary>
public sealed class LimitOptionsTests
{
    private static ServiceProvider Services(IReadOnlyDictionary<string, string?> settings) =>
        ModuleOptions.Services(settings, (services, _) => services.AddHoistAdmission());

    [Theory]
    [InlineData("MinBodyRate", "-1")]
    [InlineData("MinBodyRateGracePeriod", "00:00:01")]
    [InlineData("MinBodyRateGracePeriod", "2.00:00:00")]
    [InlineData("MaxPartsInFlightPerOwner", "-1")]
    [InlineData("MaxPartsInFlightPerAddress", "-5")]
    [InlineData("MaxStoreWrites", "-1")]
    [InlineData("StoreWriteWait", "-00:00:01")]
    [InlineData("StoreWriteWait", "01:00:00")]
    public void A_limit_out_of_range_is_refused_with_a_message_naming_it(string name, string value)
    {
        var failure = ModuleOptions.Refusal<LimitOptions>(new Dictionary<string, string?> { [$"Hoist:Limits:{name}"] = value }, (services, _) => services.AddHoistAdmission());

        Assert.Contains($"Hoist:Limits:{name}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void By_default_parts_are_capped_at_16_per_owner_64_per_address_and_128_store_writes_waited_for_at_most_10_s()
    {
        using var services = Services(new Dictionary<string, string?>());

        var limits = services.GetRequiredService<IOptions<LimitOptions>>().Value;

        Assert.Equal((16, 64, 128, TimeSpan.FromSeconds(10)), (limits.MaxPartsInFlightPerOwner, limits.MaxPartsInFlightPerAddress, limits.MaxStoreWrites, limits.StoreWriteWait));
    }

    [Fact]
    public void By_default_Kestrel_drops_a_request_body_slower_than_16_KiB_per_s_after_10_s()
    {
        using var services = Services(new Dictionary<string, string?>());

        var rate = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MinRequestBodyDataRate;

        Assert.NotNull(rate);
        Assert.Equal((16384.0, TimeSpan.FromSeconds(10)), (rate.BytesPerSecond, rate.GracePeriod));
    }

    [Fact]
    public void MinBodyRate_0_keeps_Kestrels_own_minimum()
    {
        using var services = Services(new Dictionary<string, string?> { ["Hoist:Limits:MinBodyRate"] = "0" });

        var rate = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MinRequestBodyDataRate;

        Assert.Equal(new KestrelServerOptions().Limits.MinRequestBodyDataRate?.BytesPerSecond, rate?.BytesPerSecond);
    }
}
