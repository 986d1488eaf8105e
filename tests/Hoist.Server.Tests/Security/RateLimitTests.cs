using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Security;

/// <summary>
/// Hoist:RateLimits: per owner and per client address, a burst of a sixth of the per-minute limit,
/// then 429 rate_limited with Retry-After. No store is involved: one store suffices.
/// </summary>
public sealed class RateLimitTests(FileSystemFixture fixture) : ApiTests(fixture), IClassFixture<FileSystemFixture>
{
    /// <summary>A call that reaches the API but not the store: a malformed upload id is 400.</summary>
    private async Task<HttpResponseMessage> CallAsync(HoistApi api) =>
        await api.Http.GetAsync(new Uri("/api/uploads/x.y/parts", UriKind.Relative), Ct);

    /// <summary>Calls until the first 429 (at most <paramref name="limit"/> calls); answers how many calls passed before it, and the 429.</summary>
    private async Task<(int Passed, HttpResponseMessage? Limited)> CallUntilLimitedAsync(HoistApi api, int limit)
    {
        for (var passed = 0; passed < limit; passed++)
        {
            var answer = await CallAsync(api);
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (passed, answer);
            }
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            answer.Dispose();
        }
        return (limit, null);
    }

    [Fact]
    public async Task An_owner_over_its_limit_is_429_rate_limited_with_Retry_After_and_other_owners_are_not()
    {
        await using var app = Fixture.CreateApp(ApiKeyOwners.Settings(new Dictionary<string, string?>
        {
            ["Hoist:RateLimits:RequestsPerMinutePerOwner"] = "60", // a burst of 10, then 1 a second
            ["Hoist:RateLimits:RequestsPerMinutePerAddress"] = "0",
        }));
        using var alice = app.CreateApi(ApiKeyOwners.AliceKey);
        using var bob = app.CreateApi(ApiKeyOwners.BobKey);

        var (passed, limited) = await CallUntilLimitedAsync(alice, 60);

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.True(passed >= 10, $"limited after {passed} calls");
            await Problem.AssertAsync(limited, 429, "rate_limited");
            Assert.True(limited.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {limited.Headers.RetryAfter}");
        }
        using var bobs = await CallAsync(bob);
        Assert.Equal(HttpStatusCode.BadRequest, bobs.StatusCode);
    }

    [Fact]
    public async Task Share_link_downloads_are_counted_by_address_only_not_against_the_anonymous_owner()
    {
        await using var app = Fixture.CreateApp(ApiKeyOwners.Settings(new Dictionary<string, string?>
        {
            ["Hoist:RateLimits:RequestsPerMinutePerOwner"] = "60", // a burst of 10 for "anonymous", as for anyone
            ["Hoist:RateLimits:RequestsPerMinutePerAddress"] = "0",
        }));
        using var alice = app.CreateApi(ApiKeyOwners.AliceKey);
        using var nobody = app.CreateApi(bearer: null);
        var upload = await alice.CreateAsync("shared.bin", 3, cancellationToken: Ct);
        await alice.PutPartAsync(upload.UploadId, 1, "abc"u8.ToArray(), cancellationToken: Ct);
        var link = await alice.CreateLinkAsync(upload.Key, 600, Ct);

        for (var i = 0; i < 25; i++)
        {
            using var download = await nobody.Http.GetAsync(new Uri(link.Url.PathAndQuery, UriKind.Relative), Ct);
            Assert.True(download.StatusCode == HttpStatusCode.OK, $"download {i + 1}: {(int)download.StatusCode}");
        }
        // Unauthenticated API calls (401, counted as "anonymous") still find their whole burst, untouched by the downloads.
        var refused = 0;
        for (; refused < 60; refused++)
        {
            using var call = await CallAsync(nobody);
            if (call.StatusCode == HttpStatusCode.TooManyRequests)
            {
                break;
            }
            Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
        }
        Assert.InRange(refused, 9, 59);
    }

    [Fact]
    public async Task An_address_over_its_limit_is_429_rate_limited_whichever_key_it_uses()
    {
        await using var app = Fixture.CreateApp(ApiKeyOwners.Settings(new Dictionary<string, string?>
        {
            ["Hoist:RateLimits:RequestsPerMinutePerOwner"] = "0",
            ["Hoist:RateLimits:RequestsPerMinutePerAddress"] = "60",
        }));
        using var alice = app.CreateApi(ApiKeyOwners.AliceKey);
        using var bob = app.CreateApi(ApiKeyOwners.BobKey);

        var (alicePassed, aliceLimited) = await CallUntilLimitedAsync(alice, 10);
        var (_, bobLimited) = await CallUntilLimitedAsync(bob, 60);

        Assert.Equal(10, alicePassed);
        Assert.Null(aliceLimited);
        Assert.NotNull(bobLimited);
        using (bobLimited)
        {
            await Problem.AssertAsync(bobLimited, 429, "rate_limited");
        }
    }

    [Fact]
    public async Task Callers_without_a_valid_key_are_rate_limited_too()
    {
        await using var app = Fixture.CreateApp(ApiKeyOwners.Settings(new Dictionary<string, string?>
        {
            ["Hoist:RateLimits:RequestsPerMinutePerOwner"] = "0",
            ["Hoist:RateLimits:RequestsPerMinutePerAddress"] = "60", // a burst of 10
        }));
        using var stranger = app.CreateApi("not-a-key-of-this-server");

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 40 && limited is null; i++)
        {
            var answer = await CallAsync(stranger);
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = answer;
                continue;
            }
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            answer.Dispose();
        }

        Assert.NotNull(limited);
        using (limited)
        {
            await Problem.AssertAsync(limited, 429, "rate_limited");
        }
    }

    [Fact]
    public async Task The_page_and_the_health_check_are_not_rate_limited()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["Hoist:RateLimits:RequestsPerMinutePerOwner"] = "6",
            ["Hoist:RateLimits:RequestsPerMinutePerAddress"] = "6",
        });
        using var api = app.CreateApi();

        for (var i = 0; i < 5; i++)
        {
            using var page = await api.Http.GetAsync(new Uri("/", UriKind.Relative), Ct);
            using var health = await api.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }
}
