using System.Net;
using Hoist.Server.Tests.Support;
using Hoist.Server.Uploads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Hoist.Server.Tests.Api;

/// <summary>The uploadId is a signed token: altered, cut, foreign or expired ids are refused with their own codes, and change nothing.</summary>
public abstract class UploadIdTests(StoreFixture fixture) : ApiTests(fixture)
{
    private static readonly byte[] File = TestData.Bytes(seed: 50, TestData.PartSize + 10);

    public static TheoryData<string> Operations => ["put", "list", "complete", "abort"];

    private async Task<(CreatedUpload Upload, StoreSnapshot Before)> StartAsync()
    {
        var upload = await Api.CreateAsync("token.bin", File.Length, cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 1, File.AsMemory(0, TestData.PartSize), cancellationToken: Ct);
        return (upload, await SnapshotAsync(upload.UploadId));
    }

    private Task<HttpResponseMessage> SendAsync(HoistApi api, string operation, string uploadId) => operation switch
    {
        "put" => api.PutPartRawAsync(uploadId, 2, File.AsMemory(TestData.PartSize), cancellationToken: Ct),
        "list" => api.ListPartsRawAsync(uploadId, Ct),
        "complete" => api.CompleteRawAsync(uploadId, Ct),
        "abort" => api.AbortRawAsync(uploadId, Ct),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    /// <summary>The id with one character (at <paramref name="index"/>) replaced by another base64url character.</summary>
    private static string Flip(string id, int index) =>
        string.Concat(id.AsSpan(0, index), id[index] == 'A' ? "B" : "A", id.AsSpan(index + 1));

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task An_id_with_a_character_of_its_payload_changed_is_forged(string operation)
    {
        var (upload, before) = await StartAsync();
        var forged = Flip(upload.UploadId, upload.UploadId.IndexOf('.', StringComparison.Ordinal) / 2);

        await Problem.AssertAsync(SendAsync(Api, operation, forged), 403, "upload_id_forged");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task An_id_with_a_character_of_its_signature_changed_is_forged(string operation)
    {
        var (upload, before) = await StartAsync();
        var dot = upload.UploadId.IndexOf('.', StringComparison.Ordinal);
        var forged = Flip(upload.UploadId, dot + ((upload.UploadId.Length - dot) / 2));

        await Problem.AssertAsync(SendAsync(Api, operation, forged), 403, "upload_id_forged");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(43)] // the whole signature: "payload."
    [InlineData(44)] // "payload" alone
    public async Task A_truncated_id_is_malformed(int cut)
    {
        var (upload, before) = await StartAsync();

        await Problem.AssertAsync(SendAsync(Api, "put", upload.UploadId[..^cut]), 400, "upload_id_malformed");

        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("a.b")]
    [InlineData("a.b.c")]
    [InlineData("....")]
    [InlineData("%E2%80%AE.%E2%80%AE")]
    public async Task An_id_this_api_never_issues_is_malformed(string uploadId)
    {
        var before = await SnapshotAsync();

        await Problem.AssertAsync(SendAsync(Api, "put", uploadId), 400, "upload_id_malformed");

        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task An_id_signed_with_another_key_is_forged()
    {
        await using var other = Fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Tokens:SigningKey"] = "another-servers-signing-key-9876543210" });
        using var otherApi = other.CreateApi();
        var foreign = await otherApi.CreateAsync("foreign.bin", File.Length, cancellationToken: Ct);
        await otherApi.PutPartAsync(foreign.UploadId, 1, File.AsMemory(0, TestData.PartSize), cancellationToken: Ct);
        var before = await SnapshotAsync();

        foreach (var operation in Operations)
        {
            await Problem.AssertAsync(SendAsync(Api, operation, foreign.UploadId), 403, "upload_id_forged");
        }

        await AssertUnchangedAsync(before);
        Assert.Single((await otherApi.ListPartsAsync(foreign.UploadId, Ct)).Parts);
        using var aborted = await otherApi.AbortRawAsync(foreign.UploadId, Ct);
        Assert.Equal(HttpStatusCode.NoContent, aborted.StatusCode);
    }

    [Fact]
    public async Task After_a_key_rotation_ids_signed_with_a_previous_key_still_work_and_new_ids_get_the_current_key()
    {
        const string NewKey = "the-rotated-signing-key-of-this-server-0123";
        var (upload, _) = await StartAsync();
        var toAbort = await Api.CreateAsync("rotated-abort.bin", File.Length, cancellationToken: Ct);
        await Api.PutPartAsync(toAbort.UploadId, 1, File.AsMemory(0, TestData.PartSize), cancellationToken: Ct);
        await using var rotated = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["Hoist:Tokens:SigningKey"] = NewKey,
            ["Hoist:Tokens:PreviousSigningKeys:0"] = "an-even-older-signing-key-nobody-uses-any-more",
            ["Hoist:Tokens:PreviousSigningKeys:1"] = StoreFixture.SigningKey,
        });
        using var rotatedApi = rotated.CreateApi();

        // The upload begun under the old key goes on: list, send the rest, complete; the other one aborts.
        Assert.Single((await rotatedApi.ListPartsAsync(upload.UploadId, Ct)).Parts);
        await rotatedApi.PutPartAsync(upload.UploadId, 2, File.AsMemory(TestData.PartSize), cancellationToken: Ct);
        var completed = await rotatedApi.CompleteAsync(upload.UploadId, Ct);
        Assert.Equal(File.Length, completed.Size);
        using (var aborted = await rotatedApi.AbortRawAsync(toAbort.UploadId, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, aborted.StatusCode);
        }

        // New ids are signed with the new key only: a server that knows only the old key refuses them.
        var fresh = await rotatedApi.CreateAsync("rotated-new.bin", File.Length, cancellationToken: Ct);
        await Problem.AssertAsync(Api.ListPartsRawAsync(fresh.UploadId, Ct), 403, "upload_id_forged");
        await using var newKeyOnly = Fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Tokens:SigningKey"] = NewKey });
        using var newKeyApi = newKeyOnly.CreateApi();
        Assert.Empty((await newKeyApi.ListPartsAsync(fresh.UploadId, Ct)).Parts);
        await Problem.AssertAsync(newKeyApi.ListPartsRawAsync(toAbort.UploadId, Ct), 403, "upload_id_forged");
        using (var cleanUp = await newKeyApi.AbortRawAsync(fresh.UploadId, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, cleanUp.StatusCode);
        }
    }

    [Theory]
    [InlineData("short")]
    [InlineData("")]
    public void A_previous_signing_key_shorter_than_32_characters_stops_the_start(string key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Hoist:Tokens:PreviousSigningKeys:0"] = key }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddHoistUploads();
        using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TokenOptions>>().Value);

        Assert.Contains("Hoist:Tokens:PreviousSigningKeys", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_id_past_its_expiry_is_upload_expired()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The sweeper off: on this clock, every upload in the store would look abandoned.
        await using var app = Fixture.CreateApp(
            new Dictionary<string, string?> { ["Hoist:Uploads:SweepInterval"] = "00:00:00" },
            s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        using var api = app.CreateApi();
        var upload = await api.CreateAsync("expiring.bin", File.Length, cancellationToken: Ct);
        clock.Advance(upload.ExpiresAt - clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        await api.PutPartAsync(upload.UploadId, 1, File.AsMemory(0, TestData.PartSize), cancellationToken: Ct);
        var before = await SnapshotAsync(upload.UploadId);

        clock.Advance(TimeSpan.FromMinutes(1));

        foreach (var operation in Operations)
        {
            await Problem.AssertAsync(SendAsync(api, operation, upload.UploadId), 410, "upload_expired");
        }
        await AssertUnchangedAsync(before, upload.UploadId);
    }
}

public sealed class UploadIdsOnFileSystem(FileSystemFixture fixture) : UploadIdTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class UploadIdsOnS3(S3Fixture fixture) : UploadIdTests(fixture), IClassFixture<S3Fixture>;
