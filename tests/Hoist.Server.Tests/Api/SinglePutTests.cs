using Hoist.Server.Tests.Support;
using Hoist.Server.Uploads;

namespace Hoist.Server.Tests.Api;

/// <summary>
/// A one-part file whose part carries its SHA-256 is stored by that part's PUT with one request to the
/// store (docs/api.md, "One-part files"): nothing begun at create, the same answers as a completed
/// upload, and every refusal leaves the store as it was.
/// </summary>
public abstract class SinglePutTests(StoreFixture fixture) : ApiTests(fixture)
{
    private async Task<bool> IsOpenInStoreAsync(string key)
    {
        await foreach (var upload in Fixture.Store.ListMultipartUploadsAsync("", Ct))
        {
            if (upload.Key == key)
            {
                return true;
            }
        }
        return false;
    }

    [Fact]
    public async Task A_one_part_file_is_stored_by_its_PUT_alone_with_its_parts_ETag_and_checksum()
    {
        var file = TestData.Bytes(seed: 31, 64 * 1024);
        var upload = await Api.CreateAsync("photos/small é.jpg", file.Length, "image/jpeg", checksumAlgorithm: "sha256", cancellationToken: Ct);
        Assert.False(await IsOpenInStoreAsync(upload.Key));
        var listed = await Api.ListPartsAsync(upload.UploadId, Ct);
        Assert.Empty(listed.Parts);
        Assert.Equal((1, (long)file.Length), (listed.PartCount, listed.Size));

        var part = await Api.PutPartAsync(upload.UploadId, 1, file, withChecksum: true, cancellationToken: Ct);

        var completed = Assert.IsType<CompletedUpload>(part.Completed);
        var etag = Fixture.TestStore.PartETag(file);
        Assert.Equal((upload.Key, (long)file.Length, etag, TestData.CompositeSha256(file, TestData.PartSize)),
            (completed.Key, completed.Size, completed.ETag, completed.ChecksumSha256));
        Assert.Equal((etag, TestData.Sha256Base64(file)), (part.ETag, part.ChecksumSha256));
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await Api.DownloadSha256Async(upload.Key, Ct));
        var head = await Fixture.Store.HeadObjectAsync(upload.Key, Ct);
        Assert.NotNull(head);
        Assert.Equal("image/jpeg", head.ContentType);
        Assert.Equal(Uri.EscapeDataString("photos/small é.jpg"), head.Metadata[UploadService.OriginalNameMetadata]);
        Assert.True(head.Metadata.ContainsKey(UploadService.UploadIdMetadata));
        Assert.False(await IsOpenInStoreAsync(upload.Key));
        Assert.Equal(completed, await Api.CompleteAsync(upload.UploadId, Ct));
    }

    [Fact]
    public async Task A_PUT_whose_bytes_do_not_match_its_checksum_stores_nothing_and_the_right_bytes_then_complete_it()
    {
        var file = TestData.Bytes(seed: 32, 5000);
        var upload = await Api.CreateAsync("checked.txt", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 1, TestData.Bytes(seed: 33, 5000), TestData.Sha256Base64(file), Ct), 400, "checksum_mismatch");

        await AssertUnchangedAsync(before);
        Assert.Null(await Fixture.Store.HeadObjectAsync(upload.Key, Ct));
        var part = await Api.PutPartAsync(upload.UploadId, 1, file, withChecksum: true, cancellationToken: Ct);
        Assert.NotNull(part.Completed);
        Assert.Equal(TestData.Sha256Hex(file), (await Api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task Other_bytes_sent_after_the_file_is_stored_are_refused_with_upload_completed_and_the_file_stays()
    {
        var file = TestData.Bytes(seed: 34, 3000);
        var upload = await Api.CreateAsync("kept.txt", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 1, file, withChecksum: true, cancellationToken: Ct);
        var before = await SnapshotAsync();
        var other = TestData.Bytes(seed: 35, 3000);

        await Problem.AssertAsync(Api.PutPartRawAsync(upload.UploadId, 1, other, TestData.Sha256Base64(other), Ct), 409, "upload_completed");
        await Problem.AssertAsync(Api.ListPartsRawAsync(upload.UploadId, Ct), 409, "upload_completed");
        await Problem.AssertAsync(Api.AbortRawAsync(upload.UploadId, Ct), 409, "upload_completed");

        await AssertUnchangedAsync(before);
        Assert.Equal(TestData.Sha256Hex(file), (await Api.DownloadSha256Async(upload.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task Before_its_part_a_complete_names_part_1_missing_and_an_abort_leaves_nothing_behind()
    {
        var upload = await Api.CreateAsync("never-sent.txt", 10, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var before = await SnapshotAsync();

        var missing = await Problem.AssertAsync(Api.CompleteRawAsync(upload.UploadId, Ct), 409, "incomplete_upload");
        Assert.Equal([1], missing.GetProperty("missingParts").EnumerateArray().Select(n => n.GetInt32()));
        using (var aborted = await Api.AbortRawAsync(upload.UploadId, Ct))
        {
            await HoistApi.ExpectStatusAsync(aborted, System.Net.HttpStatusCode.NoContent, Ct);
        }

        await AssertUnchangedAsync(before);
        Assert.Null(await Fixture.Store.HeadObjectAsync(upload.Key, Ct));
    }

    [Fact]
    public async Task A_second_file_of_a_group_with_the_same_path_is_refused_with_key_taken_and_the_first_stays()
    {
        var first = TestData.Bytes(seed: 36, 2000);
        var second = TestData.Bytes(seed: 37, 2000);
        var a = await Api.CreateAsync("album/same.txt", first.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var b = await Api.CreateAsync("album/same.txt", second.Length, checksumAlgorithm: "sha256", groupId: a.GroupId, cancellationToken: Ct);
        Assert.Equal(a.Key, b.Key);
        await Api.PutPartAsync(a.UploadId, 1, first, withChecksum: true, cancellationToken: Ct);
        var before = await SnapshotAsync();

        await Problem.AssertAsync(Api.PutPartRawAsync(b.UploadId, 1, second, TestData.Sha256Base64(second), Ct), 409, "key_taken");

        await AssertUnchangedAsync(before);
        Assert.Equal(TestData.Sha256Hex(first), (await Api.DownloadSha256Async(a.Key, Ct)).Sha256);
    }

    [Fact]
    public async Task Two_files_of_a_group_with_the_same_path_sent_at_the_same_instant_store_one_whole_and_refuse_the_other_with_key_taken()
    {
        var files = new[] { TestData.Bytes(seed: 38, 400_000), TestData.Bytes(seed: 39, 400_000) };
        var a = await Api.CreateAsync("race/same.txt", files[0].Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var b = await Api.CreateAsync("race/same.txt", files[1].Length, checksumAlgorithm: "sha256", groupId: a.GroupId, cancellationToken: Ct);
        Assert.Equal(a.Key, b.Key);
        // Both requests are in flight, past the server's look at the key, before either body ends.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new CountdownEvent(2);
        var puts = new[] { a.UploadId, b.UploadId }.Select((id, i) =>
            Api.PutPartRawAsync(id, 1, HeldBack(files[i], () => started.Signal(), release.Task), Ct)).ToArray();
        await Task.Run(() => started.Wait(Ct), Ct);
        await Task.Delay(300, Ct);
        release.SetResult();
        var responses = await Task.WhenAll(puts);

        var ok = Assert.Single(responses, r => r.IsSuccessStatusCode);
        await Problem.AssertAsync(Assert.Single(responses, r => !r.IsSuccessStatusCode), 409, "key_taken");
        var stored = files[Array.IndexOf(responses, ok)];
        Assert.Equal(TestData.Sha256Hex(stored), (await Api.DownloadSha256Async(a.Key, Ct)).Sha256);
    }

    /// <summary>A part body with its checksum whose second half waits for <c>release</c> (<see cref="HeldBackStream"/>).</summary>
    private static StreamContent HeldBack(byte[] bytes, Action started, Task release)
    {
        var content = new StreamContent(new HeldBackStream(bytes, started, release));
        content.Headers.ContentLength = bytes.Length;
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation(HoistApi.ChecksumHeader, TestData.Sha256Base64(bytes));
        return content;
    }

    [Fact]
    public async Task A_one_part_file_without_a_declared_checksum_is_still_a_multipart_upload()
    {
        var file = TestData.Bytes(seed: 38, 1000);
        var upload = await Api.CreateAsync("unchecked.txt", file.Length, cancellationToken: Ct);

        Assert.True(await IsOpenInStoreAsync(upload.Key));
        var part = await Api.PutPartAsync(upload.UploadId, 1, file, cancellationToken: Ct);
        Assert.Equal(Fixture.TestStore.MultipartETag(file, TestData.PartSize), part.Completed?.ETag);
    }
}

public sealed class SinglePutOnFileSystem(FileSystemFixture fixture) : SinglePutTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class SinglePutOnS3(S3Fixture fixture) : SinglePutTests(fixture), IClassFixture<S3Fixture>;
