using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Security;

/// <summary>Hoist:Auth:Mode Jwt with a shared signing key: a valid token's <c>sub</c> is the owner; any other token is 401.</summary>
public abstract class JwtTests(StoreFixture fixture) : ApiTests(fixture), IAsyncLifetime
{
    private HoistApp _app = null!;

    public Task InitializeAsync()
    {
        _app = Fixture.SharedApp(Jwts.Settings());
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_valid_token_uploads_as_its_sub()
    {
        using var carol = _app.CreateApi(Jwts.Create("carol"));

        var upload = await carol.CreateAsync("jwt.txt", 3, cancellationToken: Ct);
        await carol.PutPartAsync(upload.UploadId, 1, "jwt"u8.ToArray(), cancellationToken: Ct);

        Assert.StartsWith("carol/", upload.Key, StringComparison.Ordinal);
        Assert.Contains(await carol.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
        Assert.Equal(TestData.Sha256Hex("jwt"u8), (await carol.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task Another_sub_is_another_owner()
    {
        using var carol = _app.CreateApi(Jwts.Create("carol"));
        using var dave = _app.CreateApi(Jwts.Create("dave"));
        var upload = await carol.CreateAsync("carols.txt", 10, cancellationToken: Ct);

        await Problem.AssertAsync(dave.ListPartsRawAsync(upload.UploadId, Ct), 404, "upload_not_found");

        Assert.Empty((await carol.ListPartsAsync(upload.UploadId, Ct)).Parts);
        using var aborted = await carol.AbortRawAsync(upload.UploadId, Ct);
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "expired an hour ago", Jwts.Create("carol", notBefore: DateTime.UtcNow.AddHours(-2), expires: DateTime.UtcNow.AddHours(-1)) },
        { "not valid for another hour", Jwts.Create("carol", notBefore: DateTime.UtcNow.AddHours(1), expires: DateTime.UtcNow.AddHours(2)) },
        { "signed with another key", Jwts.Create("carol", signingKey: "another-issuers-signing-key-0123456789abcdef") },
        { "with its signature cut off", string.Join('.', Jwts.Create("carol").Split('.')[..2]) + "." },
        { "unsigned (alg none)", Jwts.WithoutSignature("carol") },
        { "without a sub", Jwts.Create(sub: null) },
        { "issued for another application of the same provider", Jwts.Create("carol", audience: "another-app") },
        { "issued for no audience", Jwts.Create("carol", audience: null) },
        { "expired a minute ago (beyond the 30 s clock skew)", Jwts.Create("carol", notBefore: DateTime.UtcNow.AddHours(-1), expires: DateTime.UtcNow.AddMinutes(-1)) },
        { "with an empty sub", Jwts.Create(sub: "") },
        { "not a JWT at all", "carol" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_token_that_is_not_valid_is_401_unauthorized(string why, string token)
    {
        using var api = _app.CreateApi(token);
        var before = await SnapshotAsync();

        await Problem.AssertAsync(api.CreateRawAsync(new { fileName = "a.txt", size = 1 }, Ct), 401, "unauthorized");
        await Problem.AssertAsync(api.Http.GetAsync(new Uri("/api/files", UriKind.Relative), Ct), 401, "unauthorized");

        await AssertUnchangedAsync(before);
        Assert.NotEmpty(why);
    }

    [Fact]
    public async Task Two_subs_that_sanitize_alike_never_share_files()
    {
        using var piped = _app.CreateApi(Jwts.Create("idp|carol"));
        using var underscored = _app.CreateApi(Jwts.Create("idp_carol"));
        var upload = await piped.CreateAsync("mine.txt", 1, cancellationToken: Ct);
        await piped.PutPartAsync(upload.UploadId, 1, new byte[] { 7 }, cancellationToken: Ct);

        var theirs = await underscored.ListFilesAsync(cancellationToken: Ct);
        var other = await underscored.CreateAsync("theirs.txt", 1, cancellationToken: Ct);

        // A sub that is no plain key segment is hashed, once: "~" and 32 hex digits of its SHA-256.
        var hashed = "~" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("idp|carol"u8))[..32];
        Assert.StartsWith(hashed + "/", upload.Key, StringComparison.Ordinal);
        Assert.StartsWith("idp_carol/", other.Key, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs, f => f.Key == upload.Key);
        await Problem.AssertAsync(underscored.DownloadAsync(upload.Key, cancellationToken: Ct), 404, "file_not_found");
        using var aborted = await underscored.AbortRawAsync(other.UploadId, Ct);
    }

    [Fact]
    public async Task A_sub_that_looks_like_a_placeholder_cannot_write_into_another_owners_files()
    {
        using var mallory = _app.CreateApi(Jwts.Create("{fileName}"));
        using var bob = _app.CreateApi(Jwts.Create("bob"));

        var upload = await mallory.CreateAsync("bob", 3, cancellationToken: Ct);
        await mallory.PutPartAsync(upload.UploadId, 1, "bad"u8.ToArray(), cancellationToken: Ct);

        Assert.Matches("^~[0-9a-f]{32}/", upload.Key);
        Assert.EndsWith("/bob", upload.Key, StringComparison.Ordinal);
        Assert.DoesNotContain(await bob.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
        Assert.Contains(await mallory.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
    }

    [Fact]
    public async Task A_token_within_the_clock_skew_is_taken()
    {
        using var carol = _app.CreateApi(Jwts.Create("carol", notBefore: DateTime.UtcNow.AddHours(-1), expires: DateTime.UtcNow.AddSeconds(-5)));

        using var files = await carol.Http.GetAsync(new Uri("/api/files", UriKind.Relative), Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, files.StatusCode);
    }
}

public sealed class JwtOnFileSystem(FileSystemFixture fixture) : JwtTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class JwtOnS3(S3Fixture fixture) : JwtTests(fixture), IClassFixture<S3Fixture>;
