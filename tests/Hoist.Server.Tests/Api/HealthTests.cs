using System.Net;
using System.Text.Json;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>GET /healthz says the process answers; GET /readyz whether the store answers, and why not.</summary>
public abstract class HealthTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Both_probes_answer_200_when_the_store_answers(string probe)
    {
        using var response = await Api.Http.GetAsync(new Uri(probe, UriKind.Relative), Ct);

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
    public async Task Readyz_answers_503_when_the_store_does_not_answer_and_healthz_200()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["Hoist:Storage:S3:ServiceUrl"] = "http://127.0.0.1:9",
            ["Hoist:Storage:CheckAtStart"] = "false",
        });
        using var api = app.CreateApi();

        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct), 503, "store_unavailable");
        using var alive = await api.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task A_missing_bucket_is_503_store_misconfigured_on_readyz_and_on_the_api()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["Hoist:Storage:S3:Bucket"] = "hoist-no-such-bucket",
            ["Hoist:Storage:CheckAtStart"] = "false",
        });
        using var api = app.CreateApi();

        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct), 503, "store_misconfigured");
        using var refused = await api.CreateRawAsync(new { fileName = "a.txt", size = 10 }, Ct);
        var problem = await Problem.AssertAsync(refused, 503, "store_misconfigured");
        Assert.DoesNotContain("hoist-no-such-bucket", problem.ToString(), StringComparison.Ordinal); // the bucket is named in the log, not to clients
        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/api/files", UriKind.Relative), Ct), 503, "store_misconfigured");
    }
}
