using System.Net;
using System.Text.Json;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>GET /api/limits answers the upload limits the server is configured with.</summary>
public abstract class LimitsTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task The_limits_are_the_configured_ones()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["Hoist:Uploads:MaxFileSize"] = "1048576",
            ["Hoist:Uploads:AllowedContentTypes:0"] = "image/*",
            ["Hoist:Uploads:AllowedExtensions:0"] = ".png",
        });
        using var api = app.CreateApi();

        using var response = await api.Http.GetAsync(new Uri("/api/limits", UriKind.Relative), Ct);

        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1048576, body.RootElement.GetProperty("maxFileSize").GetInt64());
        Assert.Equal(["image/*"], body.RootElement.GetProperty("allowedContentTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([".png"], body.RootElement.GetProperty("allowedExtensions").EnumerateArray().Select(e => e.GetString()));
        Assert.True(body.RootElement.GetProperty("partSize").GetInt64() > 0);
    }
}

public sealed class LimitsOnFileSystem(FileSystemFixture fixture) : LimitsTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class LimitsOnS3(S3Fixture fixture) : LimitsTests(fixture), IClassFixture<S3Fixture>;
