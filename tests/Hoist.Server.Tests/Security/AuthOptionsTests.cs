using Hoist.Server.Auth;
using Hoist.Server.Keys;
using Hoist.Server.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Tests.Security;

/// <summary>Hoist:Auth is validated at start: settings that would let owners share a space, or name none, stop it with a message that names them.</summary>
public sealed class AuthOptionsTests
{
    private static OptionsValidationException Refusal(IReadOnlyDictionary<string, string?> settings) =>
        ModuleOptions.Refusal<AuthOptions>(settings, (services, configuration) => services.AddHoistAuth(configuration));

    [Theory]
    [InlineData("../bob")]
    [InlineData("a/b")]
    [InlineData("team:one")]
    [InlineData(" alice ")]
    [InlineData("CON")]
    [InlineData("")]
    [InlineData("{fileName}")]
    [InlineData("{id}")]
    [InlineData(".hoist")]
    public void An_api_key_owner_that_is_not_a_clean_key_prefix_is_refused(string owner)
    {
        var failure = Refusal(ApiKeyOwners.Settings(new Dictionary<string, string?> { ["Hoist:Auth:ApiKeys:0:Owner"] = owner }));

        Assert.Contains("Hoist:Auth:ApiKeys", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_api_key_shorter_than_16_characters_is_refused()
    {
        var failure = Refusal(ApiKeyOwners.Settings(new Dictionary<string, string?> { ["Hoist:Auth:ApiKeys:0:Key"] = "short" }));

        Assert.Contains("16+ characters", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jwt_mode_without_an_authority_or_a_long_enough_signing_key_is_refused()
    {
        var failure = Refusal(new Dictionary<string, string?> { ["Hoist:Auth:Mode"] = "Jwt", ["Hoist:Auth:Jwt:SigningKey"] = "too-short" });

        Assert.Contains("Hoist:Auth:Jwt", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jwt_mode_without_an_audience_is_refused_unless_any_audience_is_accepted_explicitly()
    {
        var failure = Refusal(new Dictionary<string, string?> { ["Hoist:Auth:Mode"] = "Jwt", ["Hoist:Auth:Jwt:SigningKey"] = Jwts.SigningKey });

        Assert.Contains("Hoist:Auth:Jwt:Audience", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AcceptAnyAudience", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clock_skew_over_five_minutes_is_refused()
    {
        var failure = Refusal(new Dictionary<string, string?>(Jwts.Settings()) { ["Hoist:Auth:Jwt:ClockSkew"] = "00:10:00" });

        Assert.Contains("Hoist:Auth:Jwt:ClockSkew", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("carol", "carol")]
    [InlineData("00u1a2b3c4D5e6F7g8h9", "00u1a2b3c4D5e6F7g8h9")]
    [InlineData("alice@example.com", "alice@example.com")]
    public void A_sub_that_is_a_clean_key_segment_is_the_owner_itself(string sub, string owner) =>
        Assert.Equal(owner, Owner.OfName(sub));

    [Theory]
    [InlineData("idp|carol")]
    [InlineData("a/b")]
    [InlineData("~carol")]
    [InlineData("CON")]
    [InlineData(" carol")]
    [InlineData("{fileName}")]
    [InlineData("{owner}")]
    [InlineData(".hoist")]
    [InlineData("..")]
    [InlineData("~0123456789abcdef0123456789abcdef")]
    public void Any_other_sub_becomes_a_hash_of_it_that_no_clean_sub_can_equal(string sub)
    {
        var owner = Owner.OfName(sub);

        Assert.Matches("^~[0-9a-f]{32}$", owner);
        Assert.NotEqual(owner, Owner.OfName(sub + "x"));
    }
}
