using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>
/// Without Hoist:Tokens:SigningKey the key is generated once into Hoist:Tokens:KeyFile (by default
/// under the file system store's folder) and kept: servers that read the same file accept each other's ids.
/// </summary>
public sealed class SigningKeyFileTests(FileSystemFixture fixture) : ApiTests(fixture), IClassFixture<FileSystemFixture>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"hoist-key-file-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_generated_key_is_kept_in_KeyFile_and_a_second_server_reading_it_accepts_the_first_ones_ids()
    {
        try
        {
            await KeptKeyAsync();
        }
        finally
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }

    private async Task KeptKeyAsync()
    {
        var keyFile = Path.Combine(_folder, "keys", "hoist-signing-key");
        var settings = new Dictionary<string, string?> { ["Hoist:Tokens:SigningKey"] = null, ["Hoist:Tokens:KeyFile"] = keyFile };
        await using var first = Fixture.CreateApp(settings);
        using var firstApi = first.CreateApi();
        var upload = await firstApi.CreateAsync("kept-key.bin", 10, cancellationToken: Ct);

        Assert.True(File.Exists(keyFile), $"No key file at {keyFile}.");
        Assert.True(new FileInfo(keyFile).Length >= 32);
        await using var second = Fixture.CreateApp(settings);
        using var secondApi = second.CreateApi();
        using var listed = await secondApi.ListPartsRawAsync(upload.UploadId, Ct);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);

        await using var other = Fixture.CreateApp(new Dictionary<string, string?> { ["Hoist:Tokens:SigningKey"] = null, ["Hoist:Tokens:KeyFile"] = Path.Combine(_folder, "another-key") });
        using var otherApi = other.CreateApi();
        await Problem.AssertAsync(otherApi.ListPartsRawAsync(upload.UploadId, Ct), 403, "upload_id_forged");
        using var aborted = await firstApi.AbortRawAsync(upload.UploadId, Ct);
    }
}
