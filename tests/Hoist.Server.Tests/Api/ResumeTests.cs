using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>Resuming: the store's list of parts is the truth, and only the missing parts are sent.</summary>
public abstract class ResumeTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task A_new_upload_lists_no_parts_and_its_plan()
    {
        var upload = await Api.CreateAsync("new.bin", 2L * TestData.PartSize + 1, cancellationToken: Ct);

        var parts = await Api.ListPartsAsync(upload.UploadId, Ct);

        Assert.Empty(parts.Parts);
        Assert.Equal(TestData.PartSize, parts.PartSize);
        Assert.Equal(3, parts.PartCount);
        Assert.Equal(2L * TestData.PartSize + 1, parts.Size);
    }

    [Fact]
    public async Task After_a_partial_upload_only_the_missing_parts_are_sent_and_the_file_completes()
    {
        var file = TestData.Bytes(seed: 30, 3 * TestData.PartSize + 777);
        var upload = await Api.CreateAsync("resumed.bin", file.Length, cancellationToken: Ct);
        var parts = TestData.Split(file, TestData.PartSize);
        await Api.PutPartAsync(upload.UploadId, 2, parts[1], cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 4, parts[3], cancellationToken: Ct);

        // A client that lost everything but the upload id.
        var listed = await Api.ListPartsAsync(upload.UploadId, Ct);
        Assert.Equal([2, 4], listed.Parts.Select(p => p.PartNumber));
        foreach (var part in listed.Parts)
        {
            Assert.Equal(parts[part.PartNumber - 1].Length, part.Size);
            Assert.Equal(Fixture.TestStore.PartETag(parts[part.PartNumber - 1].Span), part.ETag);
        }
        var missing = Enumerable.Range(1, listed.PartCount).Except(listed.Parts.Select(p => p.PartNumber)).ToList();
        Assert.Equal([1, 3], missing);
        await Task.WhenAll(missing.Select(n => Api.PutPartAsync(upload.UploadId, n, parts[n - 1], cancellationToken: Ct)));
        var completed = await Api.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal(Fixture.TestStore.MultipartETag(file, TestData.PartSize), completed.ETag);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await Api.DownloadSha256Async(upload.Key, Ct));
    }

    [Fact]
    public async Task Completing_with_missing_parts_is_incomplete_upload_naming_them_and_stores_nothing()
    {
        var file = TestData.Bytes(seed: 31, 3 * TestData.PartSize + 1);
        var upload = await Api.CreateAsync("incomplete.bin", file.Length, cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 2, file.AsMemory(TestData.PartSize, TestData.PartSize), cancellationToken: Ct);
        var before = await SnapshotAsync(upload.UploadId);

        var problem = await Problem.AssertAsync(Api.CompleteRawAsync(upload.UploadId, Ct), 409, "incomplete_upload");

        Assert.Equal([1, 3, 4], problem.GetProperty("missingParts").EnumerateArray().Select(e => e.GetInt32()));
        await AssertUnchangedAsync(before, upload.UploadId);
    }

    [Fact]
    public async Task The_upload_still_completes_after_a_refused_complete()
    {
        var file = TestData.Bytes(seed: 32, TestData.PartSize + 2);
        var upload = await Api.CreateAsync("later.bin", file.Length, cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 1, file.AsMemory(0, TestData.PartSize), cancellationToken: Ct);
        await Problem.AssertAsync(Api.CompleteRawAsync(upload.UploadId, Ct), 409, "incomplete_upload");

        await Api.PutPartAsync(upload.UploadId, 2, file.AsMemory(TestData.PartSize), cancellationToken: Ct);
        await Api.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal(TestData.Sha256Hex(file), (await Api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }
}

public sealed class ResumeOnFileSystem(FileSystemFixture fixture) : ResumeTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class ResumeOnS3(S3Fixture fixture) : ResumeTests(fixture), IClassFixture<S3Fixture>;
