using System.Net;
using System.Text.Json;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>GET /healthz tells a load balancer whether the store answers.</summary>
public abstract class HealthTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Healthz_answers_200_when_the_store_answers()
    {
        using var response = await Api.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);

        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unknown_api_route_is_a_coded_404()
    {
        await Problem.AssertAsync(Api.Http.GetAsync(new Uri("/api/nothing-here", UriKind.Relative), Ct), 404, "not_found");
    }
}

public sealed class HealthOnFileSystem(FileSystemFixture fixture) : HealthTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class HealthOnS3(S3Fixture fixture) : HealthTests(fixture), IClassFixture<S3Fixture>
{
    [Fact]
    public async Task Healthz_answers_503_when_the_store_does_not_answer()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Storage:S3:ServiceUrl"] = "http://127.0.0.1:9" });
        using var api = app.CreateApi();

        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct), 503, "store_unavailable");
    }
}
