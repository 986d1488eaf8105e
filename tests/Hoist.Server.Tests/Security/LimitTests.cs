using System.Text;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Security;

/// <summary>
/// The configured limits of Hoist:Uploads and Hoist:Tokens: what a create may declare, how many
/// uploads an owner may keep open, how large a JSON body may be, how long an upload id lives.
/// (A file over MaxFileSize is 413 file_too_large: see CreateErrorTests.)
/// </summary>
public abstract class LimitTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Theory]
    [InlineData("text/html")]
    [InlineData("image/svg+xml")] // an image type, but not one on the list
    [InlineData("application/octet-stream")]
    [InlineData("imagex/png")]
    [InlineData(null)] // no type: application/octet-stream
    public async Task A_content_type_off_the_allowed_list_is_415_content_type_not_allowed(string? contentType)
    {
        var app = Fixture.SharedApp(new Dictionary<string, string?>
        {
            ["Hoist:Uploads:AllowedContentTypes:0"] = "image/png",
            ["Hoist:Uploads:AllowedContentTypes:1"] = "video/*",
        });
        using var api = app.CreateApi();
        var before = await SnapshotAsync();

        await Problem.AssertAsync(api.CreateRawAsync(new { fileName = "a.png", size = 10, contentType }, Ct), 415, "content_type_not_allowed");

        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("IMAGE/PNG; charset=binary")]
    [InlineData("video/mp4")]
    public async Task A_content_type_on_the_allowed_list_is_accepted(string contentType)
    {
        var app = Fixture.SharedApp(new Dictionary<string, string?>
        {
            ["Hoist:Uploads:AllowedContentTypes:0"] = "image/png",
            ["Hoist:Uploads:AllowedContentTypes:1"] = "video/*",
        });
        using var api = app.CreateApi();

        var upload = await api.CreateAsync("a.png", 10, contentType, cancellationToken: Ct);

        using var aborted = await api.AbortRawAsync(upload.UploadId, Ct);
    }

    [Theory]
    [InlineData("run.exe")]
    [InlineData("photo.jpg.exe")]
    [InlineData("photo")]
    [InlineData("photo.jpg\u0000.exe")] // the NUL goes, the .exe stays
    [InlineData("evil\u202Egpj.exe")] // shows as evilexe.jpg; is .exe
    public async Task An_extension_off_the_allowed_list_is_415_extension_not_allowed(string fileName)
    {
        var app = Fixture.SharedApp(new Dictionary<string, string?>
        {
            ["Hoist:Uploads:AllowedExtensions:0"] = ".jpg",
            ["Hoist:Uploads:AllowedExtensions:1"] = "png",
        });
        using var api = app.CreateApi();
        var before = await SnapshotAsync();

        await Problem.AssertAsync(api.CreateRawAsync(new { fileName, size = 10 }, Ct), 415, "extension_not_allowed");

        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData("photo.jpg")]
    [InlineData("PHOTO.JPG")]
    [InlineData("../../photo.png")]
    [InlineData("photo.jpg/")] // the last named segment is the file: photo.jpg
    public async Task An_extension_on_the_allowed_list_is_accepted(string fileName)
    {
        var app = Fixture.SharedApp(new Dictionary<string, string?>
        {
            ["Hoist:Uploads:AllowedExtensions:0"] = ".jpg",
            ["Hoist:Uploads:AllowedExtensions:1"] = "png",
        });
        using var api = app.CreateApi();

        var upload = await api.CreateAsync(fileName, 10, cancellationToken: Ct);

        using var aborted = await api.AbortRawAsync(upload.UploadId, Ct);
    }

    [Fact]
    public async Task More_open_uploads_than_allowed_per_owner_is_429_too_many_uploads_until_one_ends()
    {
        var app = Fixture.SharedApp(ApiKeyOwners.Settings(new Dictionary<string, string?> { ["Hoist:Uploads:MaxConcurrentUploadsPerOwner"] = "2" }));
        using var alice = app.CreateApi(ApiKeyOwners.AliceKey);
        using var bob = app.CreateApi(ApiKeyOwners.BobKey);
        await foreach (var left in Fixture.Store.ListMultipartUploadsAsync("", Ct))
        {
            await Fixture.Store.AbortMultipartUploadAsync(left.Key, left.UploadId, Ct);
        }
        var first = await alice.CreateAsync("1.bin", 10, cancellationToken: Ct);
        var second = await alice.CreateAsync("2.bin", 10, cancellationToken: Ct);
        var before = await SnapshotAsync();

        using (var refused = await alice.CreateRawAsync(new { fileName = "3.bin", size = 10 }, Ct))
        {
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
            await Problem.AssertAsync(refused, 429, "too_many_uploads");
        }

        await AssertUnchangedAsync(before);
        var bobs = await bob.CreateAsync("1.bin", 10, cancellationToken: Ct); // another owner's count
        await alice.PutPartAsync(first.UploadId, 1, new byte[10], cancellationToken: Ct); // completes: a slot frees
        var third = await alice.CreateAsync("3.bin", 10, cancellationToken: Ct);
        foreach (var (api, upload) in new[] { (alice, second), (alice, third), (bob, bobs) })
        {
            using var aborted = await api.AbortRawAsync(upload.UploadId, Ct);
        }
    }

    [Fact]
    public async Task Creates_sent_together_never_open_more_uploads_than_the_limit()
    {
        const int limit = 100, sent = 150;
        var app = Fixture.SharedApp(ApiKeyOwners.Settings(new Dictionary<string, string?>
        {
            ["Hoist:Uploads:MaxConcurrentUploadsPerOwner"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hoist:RateLimits:RequestsPerMinutePerOwner"] = "0",
            ["Hoist:RateLimits:RequestsPerMinutePerAddress"] = "0",
        }));
        using var bob = app.CreateApi(ApiKeyOwners.BobKey);
        await foreach (var left in Fixture.Store.ListMultipartUploadsAsync("bob/", Ct))
        {
            await Fixture.Store.AbortMultipartUploadAsync(left.Key, left.UploadId, Ct);
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, sent).Select(i => Task.Run(() => bob.CreateRawAsync(new { fileName = $"{i}.bin", size = 10 }, Ct))));

        try
        {
            Assert.Equal(limit, answers.Count(a => a.StatusCode == System.Net.HttpStatusCode.Created));
            Assert.All(answers.Where(a => a.StatusCode != System.Net.HttpStatusCode.Created), a =>
            {
                Assert.Equal(429, (int)a.StatusCode);
                Assert.NotNull(a.Headers.RetryAfter?.Delta);
            });
            var open = await Fixture.Store.ListMultipartUploadsAsync("bob/", Ct).CountAsync(Ct);
            Assert.Equal(limit, open);
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
            await foreach (var left in Fixture.Store.ListMultipartUploadsAsync("bob/", Ct))
            {
                await Fixture.Store.AbortMultipartUploadAsync(left.Key, left.UploadId, Ct);
            }
        }
    }

    [Fact]
    public async Task A_json_body_over_64_KiB_is_413_body_too_large()
    {
        var before = await SnapshotAsync();
        var padded = "{\"fileName\": \"a.txt\", \"size\": 1" + new string(' ', 64 * 1024) + "}";

        await Problem.AssertAsync(Api.CreateRawAsync(new StringContent(padded, Encoding.UTF8, "application/json"), Ct), 413, "body_too_large");

        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_json_body_just_under_64_KiB_is_read()
    {
        var padding = new string(' ', (64 * 1024) - 100);
        var body = "{\"fileName\": \"a.txt\", \"size\": 1" + padding + "}";

        using var response = await Api.CreateRawAsync(new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var upload = await HoistApi.ReadAsync<CreatedUpload>(response, System.Net.HttpStatusCode.Created, Ct);
        using var aborted = await Api.AbortRawAsync(upload.UploadId, Ct);
    }

    [Fact]
    public async Task An_upload_id_lives_7_days_by_default()
    {
        var upload = await Api.CreateAsync("week.bin", 10, cancellationToken: Ct);

        Assert.InRange(upload.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        using var aborted = await Api.AbortRawAsync(upload.UploadId, Ct);
    }

    [Fact]
    public async Task Hoist_Tokens_Lifetime_sets_how_long_an_upload_id_lives()
    {
        var app = Fixture.SharedApp(new Dictionary<string, string?> { ["Hoist:Tokens:Lifetime"] = "02:00:00" });
        using var api = app.CreateApi();

        var upload = await api.CreateAsync("hours.bin", 10, cancellationToken: Ct);

        Assert.InRange(upload.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        using var aborted = await api.AbortRawAsync(upload.UploadId, Ct);
    }
}

public sealed class LimitsOnFileSystem(FileSystemFixture fixture) : LimitTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class LimitsOnS3(S3Fixture fixture) : LimitTests(fixture), IClassFixture<S3Fixture>;
