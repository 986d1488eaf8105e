using System.Text;
using Hoist.Server.Errors;
using Hoist.Server.Uploads;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Hoist.Server.Tests.Units;

/// <summary>Hoist-signed URLs (docs/signed-urls.md): METHOD on RESOURCE until TIME, under the upload-token key and its rotation.</summary>
public sealed class SignedUrlSignerTests
{
    private static readonly byte[] Current = Encoding.UTF8.GetBytes("current-key-0123456789abcdef0123456789");
    private static readonly byte[] Previous = Encoding.UTF8.GetBytes("previous-key-0123456789abcdef012345678");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    private SignedUrlSigner Signer(byte[] key, params byte[][] previous) => new(new UploadTokenSigner(key, _time, previous), _time);

    private static IQueryCollection Query(string query) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));

    [Fact]
    public void A_grant_allows_its_method_on_its_resource_until_it_expires_and_head_where_get_is_allowed()
    {
        var signer = Signer(Current);
        var query = Query(signer.Sign("GET", "alice/a b.txt", _time.GetUtcNow().AddSeconds(10)));

        signer.Check("GET", "alice/a b.txt", query);
        signer.Check("HEAD", "alice/a b.txt", query);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("link_expired", Assert.Throws<ApiException>(() => signer.Check("GET", "alice/a b.txt", query)).Code);
    }

    [Theory]
    [InlineData("PUT", "alice/a b.txt")]
    [InlineData("GET", "alice/a b.txt2")]
    [InlineData("GET", "bob/a b.txt")]
    public void A_grant_allows_nothing_else(string method, string resource)
    {
        var signer = Signer(Current);
        var query = Query(signer.Sign("GET", "alice/a b.txt", _time.GetUtcNow().AddHours(1)));

        Assert.Equal("link_forged", Assert.Throws<ApiException>(() => signer.Check(method, resource, query)).Code);
    }

    [Fact]
    public void A_grant_signed_with_a_previous_key_is_accepted_and_one_with_an_unknown_key_is_forged()
    {
        var expiresAt = _time.GetUtcNow().AddHours(1);
        var before = Query(Signer(Previous).Sign("PUT", "upload/part/3", expiresAt));
        var elsewhere = Query(Signer(Encoding.UTF8.GetBytes("someone-elses-key-0123456789abcdef0123")).Sign("PUT", "upload/part/3", expiresAt));

        Signer(Current, Previous).Check("PUT", "upload/part/3", before);

        Assert.Equal("link_forged", Assert.Throws<ApiException>(() => Signer(Current, Previous).Check("PUT", "upload/part/3", elsewhere)).Code);
        Assert.Equal("link_forged", Assert.Throws<ApiException>(() => Signer(Current).Check("PUT", "upload/part/3", before)).Code);
    }

    [Fact]
    public void The_expiry_is_rounded_up_to_a_whole_second()
    {
        var query = Signer(Current).Sign("GET", "k", DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_001));

        Assert.StartsWith("expires=1800000001&signature=", query, StringComparison.Ordinal);
    }
}
