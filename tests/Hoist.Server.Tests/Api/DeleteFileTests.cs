using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>DELETE /api/files/{key}: the caller's own file goes (204); anything else is 404 file_not_found and nothing changes.</summary>
public abstract class DeleteFileTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Deleting_a_file_answers_204_and_the_file_is_gone_from_the_listing_and_downloads()
    {
        var (upload, _) = await UploadAsync("doomed.bin", TestData.Bytes(seed: 60, TestData.PartSize + 10));
        var kept = (await UploadAsync("kept.bin", TestData.Bytes(seed: 61, 100))).Upload.Key;

        using var response = await Api.DeleteFileAsync(upload.Key, Ct);

        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.NoContent, Ct);
        var files = (await Api.ListFilesAsync(cancellationToken: Ct)).Select(f => f.Key).ToList();
        Assert.DoesNotContain(upload.Key, files);
        Assert.Contains(kept, files);
        using var download = await Api.DownloadAsync(upload.Key, cancellationToken: Ct);
        await Problem.AssertAsync(download, 404, "file_not_found");
    }

    [Fact]
    public async Task Deleting_it_again_answers_404_file_not_found()
    {
        var key = (await UploadAsync("twice.bin", TestData.Bytes(seed: 62, 10))).Upload.Key;
        using (var first = await Api.DeleteFileAsync(key, Ct))
        {
            await HoistApi.ExpectStatusAsync(first, HttpStatusCode.NoContent, Ct);
        }

        using var second = await Api.DeleteFileAsync(key, Ct);

        await Problem.AssertAsync(second, 404, "file_not_found");
    }

    [Theory]
    [InlineData("{own}never-uploaded.bin")]
    [InlineData("someone-else/2025/01/01/abcd/x.bin")]
    [InlineData(".hoist/signing-key")]
    [InlineData("{own}a/../../someone-else/x.bin")]
    public async Task A_missing_file_another_owner_s_key_or_the_store_s_own_answers_404_and_changes_nothing(string key)
    {
        await UploadAsync("witness.bin", TestData.Bytes(seed: 63, 10));
        var own = (await Api.ListFilesAsync(cancellationToken: Ct))[0].Key.Split('/')[0] + "/";
        var before = await SnapshotAsync();

        using var response = await Api.DeleteFileAsync(key.Replace("{own}", own, StringComparison.Ordinal), Ct);

        await Problem.AssertAsync(response, 404, "file_not_found");
        Assert.Equal(before, await SnapshotAsync());
    }
}

public sealed class DeleteFilesOnFileSystem(FileSystemFixture fixture) : DeleteFileTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class DeleteFilesOnS3(S3Fixture fixture) : DeleteFileTests(fixture), IClassFixture<S3Fixture>;
