using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>
/// HoistClient against the real app (in memory) on a real store. The same cases run on every store:
/// <see cref="FileSystemClientUploadTests"/> and <see cref="S3ClientUploadTests"/>.
/// </summary>
public abstract class ClientUploadTests(HoistAppFixture app) : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TestFiles _files = new();

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_100_MiB_file_goes_up_in_parallel_checksummed_parts_and_comes_back_identical()
    {
        var path = _files.File("big.bin", 100 * MiB, seed: 1);
        var counter = new PartCounter();
        var progress = new ProgressLog<UploadProgress>();
        var client = app.Client(null, counter);

        var result = await client.UploadFileAsync(path, new UploadOptions { Progress = progress });

        Assert.Equal((20, 20, 20), (result.PartCount, result.PartsSent, counter.Count));
        Assert.InRange(counter.MaxInFlight, 2, 4);
        Assert.Equal(100 * MiB, result.Size);
        AssertVerified(result);
        AssertNeverBackwards(progress.Reports, 100 * MiB);
        Assert.Equal(TestData.Sha256HexOfFile(path), (await client.DownloadToFileAsync(result.Key, _files.Combine("back.bin"))).Sha256);
    }

    [Fact]
    public async Task An_upload_cancelled_halfway_resumes_sending_only_the_missing_parts()
    {
        var path = _files.File("half.bin", 50 * MiB, seed: 2);
        var uploadId = await UploadUntilCancelledAsync(path, partsBeforeCancel: 5, parallelism: 2);
        var stored = await SettledStoredPartsAsync(uploadId);
        Assert.InRange(stored.Count, 5, 9);

        var counter = new PartCounter();
        var client = app.Client(null, counter);
        var result = await client.ResumeFileAsync(uploadId, path, new UploadOptions { ComputeSha256 = true });

        Assert.Equal(10 - stored.Count, counter.Count);
        Assert.Equal(10 - stored.Count, result.PartsSent);
        AssertVerified(result);
        Assert.Equal(TestData.Sha256HexOfFile(path), result.Sha256);
        Assert.Equal(TestData.Sha256HexOfFile(path), (await client.DownloadToFileAsync(result.Key, _files.Combine("back.bin"))).Sha256);
    }

    [Fact]
    public async Task Resuming_sends_again_a_stored_part_that_differs_from_the_local_file()
    {
        var path = _files.File("edited.bin", 30 * MiB, seed: 3);
        var uploadId = await UploadUntilCancelledAsync(path, partsBeforeCancel: 3, parallelism: 1);
        var stored = await SettledStoredPartsAsync(uploadId);
        Assert.Contains(1, stored);
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = 1000;
            file.Write("changed after the first try"u8);
        }

        var counter = new PartCounter();
        var client = app.Client(null, counter);
        var result = await client.ResumeFileAsync(uploadId, path);

        Assert.Equal(6 - stored.Count + 1, counter.Count);
        Assert.Equal(TestData.Sha256HexOfFile(path), (await client.DownloadToFileAsync(result.Key, _files.Combine("back.bin"))).Sha256);
    }

    [Fact]
    public async Task Transient_errors_and_dropped_connections_are_retried_and_the_upload_completes_with_the_right_bytes()
    {
        var path = _files.File("flaky.bin", 60 * MiB, seed: 4);
        var network = new FlakyNetwork(share: 0.2, seed: 7);
        var progress = new ProgressLog<UploadProgress>();
        var client = app.Client(null, network);

        var result = await client.UploadFileAsync(path, new UploadOptions { Progress = progress });

        Assert.True(network.Faults >= 2, $"only {network.Faults} faults were injected");
        Assert.Equal(network.Faults, result.Retries);
        AssertVerified(result);
        AssertNeverBackwards(progress.Reports, 60 * MiB);
        Assert.Equal(TestData.Sha256HexOfFile(path), (await app.Client().DownloadToFileAsync(result.Key, _files.Combine("back.bin"))).Sha256);
    }

    [Fact]
    public async Task Resuming_an_upload_that_is_already_complete_sends_nothing_and_answers_the_object_verified()
    {
        var path = _files.File("done.bin", 12 * MiB, seed: 5);
        var client = app.Client();
        var first = await client.UploadFileAsync(path);

        var counter = new PartCounter();
        var again = await app.Client(null, counter).ResumeFileAsync(first.UploadId, path, new UploadOptions { PartSize = HoistAppFixture.PartSize });

        Assert.Equal((first.Key, first.Size, 0), (again.Key, again.Size, again.PartsSent));
        Assert.Equal(0, counter.Count);
        Assert.True(again.ChecksumVerified);
        Assert.Equal(first.LocalChecksumSha256, again.LocalChecksumSha256);
        Assert.True((await client.GetUploadStatusAsync(first.UploadId)).IsCompleted);
    }

    [Fact]
    public async Task Resuming_a_complete_upload_of_several_parts_without_its_part_size_is_an_error_not_an_unverified_success()
    {
        var path = _files.File("done-unknown.bin", 12 * MiB, seed: 12);
        var first = await app.Client().UploadFileAsync(path);

        var unverified = await Assert.ThrowsAsync<HoistVerificationException>(() => app.Client().ResumeFileAsync(first.UploadId, path));

        Assert.Contains("UploadOptions.PartSize", unverified.Message, StringComparison.Ordinal);
        Assert.Equal((first.Key, false), (unverified.Result.Key, unverified.Result.ChecksumVerified));
    }

    [Fact]
    public async Task A_one_part_upload_whose_answer_is_lost_after_the_server_completed_it_still_succeeds_verified()
    {
        var path = _files.File("lost-one-part.bin", 3 * MiB, seed: 13);
        var lost = LoseFirstAnswer.OfPart();
        var counter = new PartCounter();
        var client = app.Client(null, lost, counter);

        var result = await client.UploadFileAsync(path);

        // The retry of the PUT met an upload already complete (409 upload_completed): the object is this file.
        Assert.True(lost.Lost);
        Assert.Equal(2, counter.Count);
        Assert.Equal((1, 1), (result.PartCount, result.Retries));
        Assert.True(result.ChecksumVerified, $"server {result.ChecksumSha256}, local {result.LocalChecksumSha256}");
        Assert.Equal(result.LocalChecksumSha256, result.ChecksumSha256);
        Assert.Equal(TestData.Sha256HexOfFile(path), (await client.DownloadToFileAsync(result.Key, _files.Combine("back.bin"))).Sha256);
    }

    [Fact]
    public async Task An_upload_whose_complete_answer_is_lost_still_succeeds_verified()
    {
        var path = _files.File("lost-complete.bin", 12 * MiB, seed: 14);
        var lost = LoseFirstAnswer.OfComplete();
        var client = app.Client(null, lost);

        var result = await client.UploadFileAsync(path);

        Assert.True(lost.Lost);
        Assert.Equal((3, 1), (result.PartCount, result.Retries));
        Assert.True(result.ChecksumVerified, $"server {result.ChecksumSha256}, local {result.LocalChecksumSha256}");
        Assert.Equal(TestData.Sha256HexOfFile(path), (await client.DownloadToFileAsync(result.Key, _files.Combine("back.bin"))).Sha256);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(12)]
    public async Task A_server_that_answers_no_checksum_makes_the_upload_fail_with_a_verification_error(int mebibytes)
    {
        var path = _files.File("unverified.bin", mebibytes * MiB, seed: 15);

        var unverified = await Assert.ThrowsAsync<HoistVerificationException>(() => app.Client(null, new StripChecksums()).UploadFileAsync(path));

        Assert.Contains("answered no SHA-256", unverified.Message, StringComparison.Ordinal);
        Assert.False(unverified.Result.ChecksumVerified);
        Assert.Null(unverified.Result.ChecksumSha256);
        Assert.NotNull(unverified.Result.LocalChecksumSha256);
        Assert.Equal(mebibytes * MiB, unverified.Result.Size);
    }

    [Fact]
    public async Task An_aborted_upload_is_gone()
    {
        var path = _files.File("aborted.bin", 20 * MiB, seed: 6);
        var uploadId = await UploadUntilCancelledAsync(path, partsBeforeCancel: 1, parallelism: 1);
        var client = app.Client();

        await client.AbortAsync(uploadId);

        var status = await Assert.ThrowsAsync<HoistApiException>(() => client.GetUploadStatusAsync(uploadId));
        Assert.True(status.IsUploadGone, status.Message);
        var resume = await Assert.ThrowsAsync<HoistApiException>(() => client.ResumeFileAsync(uploadId, path));
        Assert.True(resume.IsUploadGone, resume.Message);
    }

    [Fact]
    public async Task A_seekable_stream_is_uploaded_from_its_position_and_small_files_go_in_one_request()
    {
        var bytes = new byte[3 * MiB];
        new Random(8).NextBytes(bytes);
        using var stream = new MemoryStream(bytes) { Position = MiB };
        var counter = new PartCounter();
        var client = app.Client(null, counter);

        var result = await client.UploadAsync(stream, "slice.bin");

        Assert.Equal((2 * MiB, 1, 1), (result.Size, result.PartCount, counter.Count));
        await using var back = await client.OpenReadAsync(result.Key);
        using var copy = new MemoryStream();
        await back.CopyToAsync(copy);
        Assert.Equal(bytes.AsSpan(MiB).ToArray(), copy.ToArray());
    }

    [Fact]
    public async Task The_whole_file_s_SHA_256_is_computed_while_the_parts_are_read_in_parallel_without_a_second_read()
    {
        var bytes = new byte[(int)(6.5 * HoistAppFixture.PartSize)];
        new Random(10).NextBytes(bytes);
        using var stream = new CountingStream(bytes);
        var client = app.Client();

        var result = await client.UploadAsync(stream, "whole.bin", new UploadOptions { Parallelism = 4, ComputeSha256 = true });

        Assert.Equal(7, result.PartCount);
        AssertVerified(result);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), result.Sha256);
        Assert.Equal(bytes.Length, stream.BytesRead);
    }

    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        // Every read ends here: a MemoryStream subclass's span and async reads go through Read(byte[], ...).
        public override int Read(byte[] buffer, int offset, int count) => Counted(base.Read(buffer, offset, count));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        private int Counted(int read)
        {
            Interlocked.Add(ref _read, read);
            return read;
        }
    }

    [Fact]
    public async Task Without_ComputeSha256_the_upload_is_verified_by_its_checksum_alone_and_answers_no_whole_file_SHA_256()
    {
        var bytes = new byte[(int)(2.5 * HoistAppFixture.PartSize)];
        new Random(11).NextBytes(bytes);
        using var stream = new CountingStream(bytes);

        var result = await app.Client().UploadAsync(stream, "plain.bin");

        AssertVerified(result);
        Assert.Null(result.Sha256);
        Assert.Equal(bytes.Length, stream.BytesRead);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), (await app.Client().DownloadToFileAsync(result.Key, _files.Combine("plain-back.bin"))).Sha256);
    }

    [Fact]
    public async Task An_empty_file_is_uploaded_and_downloaded()
    {
        var path = _files.File("empty.bin", 0, seed: 9);
        var client = app.Client();

        var result = await client.UploadFileAsync(path, new UploadOptions { ComputeSha256 = true });

        Assert.Equal((0, 1), (result.Size, result.PartCount));
        Assert.Equal(TestData.Sha256HexOfFile(path), result.Sha256);
        var back = await client.DownloadToFileAsync(result.Key, _files.Combine("empty-back.bin"));
        Assert.Equal(0, back.Size);
        Assert.Equal(TestData.Sha256HexOfFile(path), back.Sha256);
    }

    [Fact]
    public async Task Listing_finds_the_uploaded_files_by_prefix()
    {
        var client = app.Client();
        var one = await client.UploadFileAsync(_files.File("one.txt", 1000, seed: 10));
        var two = await client.UploadFileAsync(_files.File("two.txt", 2000, seed: 11));

        var all = await client.ListFilesAsync().ToListAsync();
        var only = await client.ListFilesAsync(one.Key).ToListAsync();

        Assert.Contains(all, f => f.Key == one.Key && f.Size == 1000);
        Assert.Contains(all, f => f.Key == two.Key && f.Size == 2000);
        Assert.Equal([one.Key], only.Select(f => f.Key));
    }

    /// <summary>Starts an upload and cancels it once <paramref name="partsBeforeCancel"/> parts are stored; answers its id.</summary>
    private async Task<string> UploadUntilCancelledAsync(string path, int partsBeforeCancel, int parallelism)
    {
        using var cancel = new CancellationTokenSource();
        string? uploadId = null;
        var progress = new ProgressLog<UploadProgress>
        {
            OnReport = p =>
            {
                if (p.PartsCompleted >= partsBeforeCancel)
                {
                    _ = cancel.CancelAsync();
                }
            },
        };
        var options = new UploadOptions
        {
            Parallelism = parallelism,
            Progress = progress,
            Created = (created, _) =>
            {
                uploadId = created.UploadId;
                return Task.CompletedTask;
            },
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.Client().UploadFileAsync(path, options, cancel.Token));
        return uploadId!;
    }

    /// <summary>
    /// The numbers of the stored parts a resume keeps (those with a SHA-256: a part whose request was cut
    /// between the store and the record of its checksum is sent again), once requests cut by the
    /// cancellation have finished on the server.
    /// </summary>
    private async Task<IReadOnlyList<int>> SettledStoredPartsAsync(string uploadId)
    {
        var client = app.Client();
        async Task<List<int>> KeptAsync() => (await client.GetUploadStatusAsync(uploadId)).Parts.Where(p => p.ChecksumSha256 is not null).Select(p => p.PartNumber).ToList();
        var last = await KeptAsync();
        for (var i = 0; i < 50; i++)
        {
            await Task.Delay(100);
            var now = await KeptAsync();
            if (now.SequenceEqual(last))
            {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static void AssertVerified(UploadResult result)
    {
        Assert.True(result.ChecksumVerified, $"server {result.ChecksumSha256}, local {result.LocalChecksumSha256}");
        Assert.NotNull(result.LocalChecksumSha256);
        Assert.Equal(result.LocalChecksumSha256, result.ChecksumSha256);
    }

    private static void AssertNeverBackwards(IReadOnlyList<UploadProgress> reports, long total)
    {
        Assert.NotEmpty(reports);
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].BytesUploaded >= reports[i - 1].BytesUploaded, $"progress went from {reports[i - 1].BytesUploaded} back to {reports[i].BytesUploaded}");
            Assert.True(reports[i].PartsCompleted >= reports[i - 1].PartsCompleted);
        }
        Assert.Equal(total, reports[^1].BytesUploaded);
        Assert.Equal(reports[^1].PartCount, reports[^1].PartsCompleted);
    }
}

public sealed class FileSystemClientUploadTests(FileSystemAppFixture app) : ClientUploadTests(app), IClassFixture<FileSystemAppFixture>;

public sealed class S3ClientUploadTests(S3AppFixture app) : ClientUploadTests(app), IClassFixture<S3AppFixture>;
