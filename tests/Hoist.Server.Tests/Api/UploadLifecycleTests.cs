using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>Create, parts, complete, download: the whole flow, and what happens around its ends.</summary>
public abstract class UploadLifecycleTests(StoreFixture fixture) : ApiTests(fixture)
{
    private static readonly int[] OutOfOrder = [3, 1, 4, 2];

    [Fact]
    public async Task Parts_sent_in_parallel_and_out_of_order_complete_into_the_same_bytes()
    {
        var file = TestData.Bytes(seed: 1, 3 * TestData.PartSize + 123_457);
        var upload = await Api.CreateAsync("video.bin", file.Length, "video/mp4", cancellationToken: Ct);
        Assert.Equal(TestData.PartSize, upload.PartSize);
        Assert.Equal(4, upload.PartCount);
        Assert.True(upload.ExpiresAt > DateTimeOffset.UtcNow);
        var parts = TestData.Split(file, TestData.PartSize);

        var answers = await Task.WhenAll(OutOfOrder.Select(n => Api.PutPartAsync(upload.UploadId, n, parts[n - 1], cancellationToken: Ct)));
        foreach (var answer in answers)
        {
            Assert.Equal(parts[answer.PartNumber - 1].Length, answer.Size);
            Assert.Equal(Fixture.TestStore.PartETag(parts[answer.PartNumber - 1].Span), answer.ETag);
            Assert.Null(answer.Completed);
        }
        var completed = await Api.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal(upload.Key, completed.Key);
        Assert.Equal(file.Length, completed.Size);
        Assert.Equal(Fixture.TestStore.MultipartETag(file, TestData.PartSize), completed.ETag);
        var (sha256, length) = await Api.DownloadSha256Async(upload.Key, Ct);
        Assert.Equal(file.Length, length);
        Assert.Equal(TestData.Sha256Hex(file), sha256);
    }

    [Fact]
    public async Task A_completed_file_is_listed_and_downloads_with_its_headers()
    {
        var file = TestData.Bytes(seed: 2, TestData.PartSize + 10);
        var (upload, completed) = await UploadAsync("report.pdf", file, "application/pdf");

        var listed = Assert.Single(await Api.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
        Assert.Equal(file.Length, listed.Size);
        Assert.Equal(completed.ETag, listed.ETag);
        Assert.True(listed.LastModified > DateTimeOffset.UtcNow.AddMinutes(-10));
        using var response = await Api.DownloadAsync(upload.Key, cancellationToken: Ct);
        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
        Assert.Equal(file.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{completed.ETag}\"", response.Headers.ETag?.ToString());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(file, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_file_smaller_than_one_part_is_completed_by_its_only_part()
    {
        var file = TestData.Bytes(seed: 3, 1000);
        var upload = await Api.CreateAsync("small.txt", file.Length, "text/plain", cancellationToken: Ct);
        Assert.Equal(1, upload.PartCount);

        var part = await Api.PutPartAsync(upload.UploadId, 1, file, cancellationToken: Ct);

        Assert.NotNull(part.Completed);
        Assert.Equal(upload.Key, part.Completed.Key);
        Assert.Equal(file.Length, part.Completed.Size);
        Assert.Equal(Fixture.TestStore.MultipartETag(file, TestData.PartSize), part.Completed.ETag);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await Api.DownloadSha256Async(upload.Key, Ct));
    }

    [Fact]
    public async Task An_upload_with_sha256_checksums_answers_them_per_part_and_for_the_whole()
    {
        var file = TestData.Bytes(seed: 4, TestData.PartSize + 5);
        var upload = await Api.CreateAsync("checked.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var parts = TestData.Split(file, TestData.PartSize);

        var first = await Api.PutPartAsync(upload.UploadId, 1, parts[0], withChecksum: true, cancellationToken: Ct);
        var second = await Api.PutPartAsync(upload.UploadId, 2, parts[1], withChecksum: true, cancellationToken: Ct);
        var completed = await Api.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal(TestData.Sha256Base64(parts[0].Span), first.ChecksumSha256);
        Assert.Equal(TestData.Sha256Base64(parts[1].Span), second.ChecksumSha256);
        Assert.Equal(TestData.CompositeSha256(file, TestData.PartSize), completed.ChecksumSha256);
        Assert.Equal(TestData.Sha256Hex(file), (await Api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task Sending_a_part_again_replaces_it()
    {
        var file = TestData.Bytes(seed: 5, TestData.PartSize + 7);
        var upload = await Api.CreateAsync("retry.bin", file.Length, cancellationToken: Ct);
        var parts = TestData.Split(file, TestData.PartSize);
        await Api.PutPartAsync(upload.UploadId, 1, TestData.Bytes(seed: 99, TestData.PartSize), cancellationToken: Ct);

        await Api.PutPartAsync(upload.UploadId, 1, parts[0], cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 2, parts[1], cancellationToken: Ct);
        await Api.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal(TestData.Sha256Hex(file), (await Api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task Completing_twice_answers_the_same_object()
    {
        var file = TestData.Bytes(seed: 6, TestData.PartSize + 1);
        var (upload, first) = await UploadAsync("twice.bin", file);

        var second = await Api.CompleteAsync(upload.UploadId, Ct);
        var third = await Api.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Equal(TestData.CompositeSha256(file, TestData.PartSize), second.ChecksumSha256);
        Assert.Single(await Api.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
    }

    [Fact]
    public async Task A_one_part_file_whose_answer_was_lost_answers_the_same_object_to_a_retried_complete()
    {
        var file = TestData.Bytes(seed: 8, 1000);
        var upload = await Api.CreateAsync("lost-answer.txt", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var lost = await Api.PutPartAsync(upload.UploadId, 1, file, withChecksum: true, cancellationToken: Ct);

        var retried = await Api.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal(lost.Completed, retried);
        Assert.Equal(TestData.CompositeSha256(file, TestData.PartSize), retried.ChecksumSha256);
        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 1, file, TestData.Sha256Base64(file), Ct), 409, "upload_completed");
    }

    [Fact]
    public async Task Listing_the_parts_of_a_completed_upload_answers_upload_completed()
    {
        var (upload, _) = await UploadAsync("done.bin", TestData.Bytes(seed: 7, TestData.PartSize + 1));

        await Problem.AssertAsync(Api.ListPartsRawAsync(upload.UploadId, Ct), 409, "upload_completed");
    }

    [Fact]
    public async Task A_part_sent_after_completion_is_refused_and_the_file_stays()
    {
        var file = TestData.Bytes(seed: 8, TestData.PartSize + 1);
        var (upload, _) = await UploadAsync("late.bin", file);
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 2, new byte[1], cancellationToken: Ct), 409, "upload_completed");

        await AssertUnchangedAsync(before);
        Assert.Equal(TestData.Sha256Hex(file), (await Api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task Aborting_releases_the_upload_and_completing_it_afterwards_is_not_found()
    {
        var file = TestData.Bytes(seed: 9, TestData.PartSize + 1);
        var upload = await Api.CreateAsync("aborted.bin", file.Length, cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 1, file.AsMemory(0, TestData.PartSize), cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 2, file.AsMemory(TestData.PartSize), cancellationToken: Ct);

        using (var aborted = await Api.AbortRawAsync(upload.UploadId, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, aborted.StatusCode);
        }

        await Problem.AssertAsync(Api.CompleteRawAsync(upload.UploadId, Ct), 404, "upload_not_found");
        await Problem.AssertAsync(Api.ListPartsRawAsync(upload.UploadId, Ct), 404, "upload_not_found");
        Assert.DoesNotContain(await Api.ListFilesAsync(cancellationToken: Ct), f => f.Key == upload.Key);
        await foreach (var left in Fixture.Store.ListMultipartUploadsAsync("", Ct))
        {
            Assert.NotEqual(upload.Key, left.Key);
        }
    }

    [Fact]
    public async Task Aborting_twice_is_not_found()
    {
        var upload = await Api.CreateAsync("twice-aborted.bin", 10, cancellationToken: Ct);
        using (var first = await Api.AbortRawAsync(upload.UploadId, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        await Problem.AssertAsync(Api.AbortRawAsync(upload.UploadId, Ct), 404, "upload_not_found");
    }

    [Fact]
    public async Task Downloading_a_file_that_does_not_exist_is_file_not_found()
    {
        await Problem.AssertAsync(Api.DownloadAsync("anonymous/2020/01/01/nothing/here.bin", cancellationToken: Ct), 404, "file_not_found");
        await Problem.AssertAsync(Api.DownloadAsync("someone-else/2020/01/01/x/file.bin", cancellationToken: Ct), 404, "file_not_found");
    }
}

public sealed class UploadLifecycleOnFileSystem(FileSystemFixture fixture) : UploadLifecycleTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class UploadLifecycleOnS3(S3Fixture fixture) : UploadLifecycleTests(fixture), IClassFixture<S3Fixture>;
