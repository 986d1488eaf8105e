using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Security;

/// <summary>The page's security headers and CORS (same-origin unless Hoist:Cors:AllowedOrigins says otherwise). No store involved.</summary>
public sealed class WebSafetyTests(FileSystemFixture fixture) : ApiTests(fixture), IClassFixture<FileSystemFixture>
{
    private const string Elsewhere = "https://elsewhere.example";

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/api/files")]
    [InlineData("/no-such-page")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var response = await Api.Http.GetAsync(new Uri(path, UriKind.Relative), Ct);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("'unsafe-inline'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", directives);
        Assert.Contains("frame-ancestors 'none'", directives);
        Assert.Contains("object-src 'none'", directives);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task The_page_has_no_inline_script()
    {
        var html = await Api.Http.GetStringAsync(new Uri("/", UriKind.Relative), Ct);

        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
    }

    [Theory]
    [InlineData("POST", "/api/uploads")]
    [InlineData("PUT", "/api/uploads/x.y/parts/1")]
    [InlineData("GET", "/api/files")]
    public async Task By_default_a_cross_origin_preflight_gets_no_Access_Control_Allow_Origin(string method, string path)
    {
        using var response = await PreflightAsync(Api, method, path, Elsewhere);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), $"{(int)response.StatusCode}: {string.Join(", ", response.Headers)}");
    }

    [Fact]
    public async Task By_default_a_cross_origin_request_gets_no_Access_Control_Allow_Origin()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/files");
        request.Headers.Add("Origin", Elsewhere);

        using var response = await Api.Http.SendAsync(request, Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configured_origin_is_allowed_and_no_other()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Cors:AllowedOrigins:0"] = Elsewhere });
        using var api = app.CreateApi();

        using var allowed = await PreflightAsync(api, "PUT", "/api/uploads/x.y/parts/1", Elsewhere);
        using var other = await PreflightAsync(api, "PUT", "/api/uploads/x.y/parts/1", "https://evil.example");

        Assert.Equal(Elsewhere, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        var headers = string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", headers, StringComparison.Ordinal);
        Assert.Contains("x-hoist-checksum-sha256", headers, StringComparison.Ordinal);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("POST", "/s3/multipart", "authorization,content-type")]
    [InlineData("GET", "/s3/multipart/x.y/1", "authorization")]
    [InlineData("DELETE", "/s3/multipart/x.y", "authorization")]
    [InlineData("PUT", "/s3/parts/x.y/1", "content-md5")]
    public async Task A_configured_origin_may_call_the_s3_face_and_read_a_parts_ETag(string method, string path, string requestHeaders)
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Cors:AllowedOrigins:0"] = Elsewhere });
        using var api = app.CreateApi();

        using var allowed = await PreflightAsync(api, method, path, Elsewhere, requestHeaders);
        using var other = await PreflightAsync(api, method, path, "https://evil.example", requestHeaders);
        using var put = new HttpRequestMessage(HttpMethod.Put, "/s3/parts/x.y/1") { Content = new ByteArrayContent([1]) };
        put.Headers.Add("Origin", Elsewhere);
        using var answer = await api.Http.SendAsync(put, Ct);

        Assert.Equal(Elsewhere, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains(method, string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        var headers = string.Join(",", allowed.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.All(requestHeaders.Split(','), header => Assert.Contains(header, headers, StringComparison.Ordinal));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        // Uppy reads each part's ETag from the PUT's answer: the refusal of this unsigned PUT shows it is exposed.
        Assert.Contains("etag", string.Join(",", answer.Headers.GetValues("Access-Control-Expose-Headers")).ToLowerInvariant(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PreflightAsync(HoistApi api, string method, string path, string origin, string requestHeaders = "authorization,content-type,x-hoist-checksum-sha256")
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", requestHeaders);
        var response = await api.Http.SendAsync(request, Ct);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return response;
    }
}
