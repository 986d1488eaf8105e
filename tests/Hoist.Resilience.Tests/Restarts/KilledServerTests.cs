using Hoist.Resilience.Tests.Support;
using Hoist.Server.Uploads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Hoist.Resilience.Tests.Restarts;

/// <summary>
/// A real server process killed (SIGKILL) with parts in flight, and started again on the same
/// store: the upload goes on from the parts the store holds. A part cut off mid-body is absent,
/// never partial; the client sends only what is missing, and the file arrives whole.
/// </summary>
public abstract class KilledServerTests(StoreFixture fixture, ITestOutputHelper output)
    : TimedTests(TimeSpan.FromMinutes(2))
{
    [Fact]
    public async Task An_upload_resumes_from_its_stored_parts_after_the_server_is_killed_mid_part()
    {
        var settings = fixture.Settings();
        var file = TestData.Bytes(seed: 70, 7 * TestData.PartSize + 4321);
        var parts = TestData.Split(file, TestData.PartSize);
        CreatedUpload upload;

        await using (var first = await ServerProcess.StartAsync(settings, Ct))
        using (var api = first.CreateApi())
        {
            upload = await api.CreateAsync("crash.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
            Assert.Equal(8, upload.PartCount);
            for (var n = 1; n <= 3; n++)
            {
                await api.PutPartAsync(upload.UploadId, n, parts[n - 1], withChecksum: true, cancellationToken: Ct);
            }
            // In flight when the server dies: half of part 4, all of part 5 but its last byte, all of part 6.
            await KillWithPartsInFlightAsync(first, api, upload.UploadId, parts, new() { [4] = parts[3].Length / 2, [5] = parts[4].Length - 1, [6] = parts[5].Length });
        }

        await using var second = await ServerProcess.StartAsync(settings, Ct);
        using var again = second.CreateApi();
        var stored = (await again.ListPartsAsync(upload.UploadId, Ct)).Parts;
        var storedNumbers = stored.Select(p => p.PartNumber).ToList();
        Assert.True(storedNumbers.SequenceEqual([1, 2, 3]) || storedNumbers.SequenceEqual([1, 2, 3, 6]), $"Stored after the restart: {string.Join(", ", storedNumbers)}");
        Assert.All(stored, p => Assert.Equal((parts[p.PartNumber - 1].Length, fixture.TestStore.PartETag(parts[p.PartNumber - 1].Span)), ((int)p.Size, p.ETag)));

        var missing = Enumerable.Range(1, upload.PartCount).Except(storedNumbers).ToList();
        var client = new RetryingUploader(again);
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 3, CancellationToken = Ct },
            async (n, ct) => await client.SendPartAsync(upload.UploadId, n, parts[n - 1], ct));
        var completed = await again.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal(TestData.CompositeSha256(file, TestData.PartSize), completed.ChecksumSha256);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await again.DownloadSha256Async(upload.Key, Ct));
        Assert.Equal(missing.Count, client.Tries);
        output.WriteLine($"{fixture.StoreName}: after the kill the store held parts {string.Join(", ", storedNumbers)}; " +
            $"the resumed upload sent {client.Tries} part requests for {upload.PartCount} parts.");
    }

    /// <summary>
    /// Starts a request per part that sends the given number of its bytes and then stalls, waits
    /// until the bytes are out and the server has had a moment with them, kills the server, and
    /// lets the requests fail.
    /// </summary>
    protected static async Task KillWithPartsInFlightAsync(ServerProcess server, HoistApi api, string uploadId, IReadOnlyList<ReadOnlyMemory<byte>> parts, Dictionary<int, int> bytesSent)
    {
        var contents = bytesSent.ToDictionary(
            p => p.Key,
            p => new StallingContent(parts[p.Key - 1], p.Value, TestData.Sha256Base64(parts[p.Key - 1].Span)).WithHeaders());
        var requests = contents.Select(c => api.PutPartRawAsync(uploadId, c.Key, c.Value)).ToList();
        await Task.WhenAll(contents.Values.Select(c => c.Sent.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        await server.KillAsync();

        foreach (var content in contents.Values)
        {
            content.Release();
        }
        foreach (var request in requests)
        {
            try
            {
                (await request.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                // Cut off by the kill, as expected.
            }
        }
        foreach (var content in contents.Values)
        {
            content.Dispose();
        }
    }
}

public sealed class KilledServerOnFileSystem(FileSystemFixture fixture, ITestOutputHelper output) : KilledServerTests(fixture, output), IClassFixture<FileSystemFixture>
{
    private readonly FileSystemFixture _fixture = fixture;

    [Fact]
    public async Task Without_a_configured_signing_key_the_generated_key_survives_a_kill_and_the_upload_id_still_works()
    {
        var ct = Ct;
        var settings = _fixture.Settings(new Dictionary<string, string?> { ["Hoist:Tokens:SigningKey"] = null });
        var keyFile = Path.Combine(_fixture.Root, ".hoist", "signing-key");
        var file = TestData.Bytes(seed: 71, 2 * TestData.PartSize + 10);
        var parts = TestData.Split(file, TestData.PartSize);
        CreatedUpload upload;
        string key;

        await using (var first = await ServerProcess.StartAsync(settings, ct))
        using (var api = first.CreateApi())
        {
            upload = await api.CreateAsync("keyless.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: ct);
            key = await File.ReadAllTextAsync(keyFile, ct);
            await api.PutPartAsync(upload.UploadId, 1, parts[0], withChecksum: true, cancellationToken: ct);
            await KillWithPartsInFlightAsync(first, api, upload.UploadId, parts, new() { [2] = parts[1].Length / 3 });
        }

        await using var second = await ServerProcess.StartAsync(settings, ct);
        using var again = second.CreateApi();
        Assert.Equal(key, await File.ReadAllTextAsync(keyFile, ct));
        Assert.Equal([1], (await again.ListPartsAsync(upload.UploadId, ct)).Parts.Select(p => p.PartNumber));
        await again.PutPartAsync(upload.UploadId, 2, parts[1], withChecksum: true, cancellationToken: ct);
        await again.PutPartAsync(upload.UploadId, 3, parts[2], withChecksum: true, cancellationToken: ct);
        await again.CompleteAsync(upload.UploadId, ct);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await again.DownloadSha256Async(upload.Key, ct));
    }

    [Fact]
    public async Task Part_files_cut_off_by_a_kill_are_removed_by_the_sweeper_once_past_AbandonAfter()
    {
        var ct = Ct;
        // Cut-off bytes are in temporary part files, or in the upload's data file where planned parts are placed.
        var temporary = Path.Combine(_fixture.Root, ".hoist", "tmp");
        var uploads = Path.Combine(_fixture.Root, ".hoist", "uploads");
        var parts = TestData.Split(TestData.Bytes(seed: 72, 2 * TestData.PartSize), TestData.PartSize);

        await using (var server = await ServerProcess.StartAsync(_fixture.Settings(), ct))
        using (var api = server.CreateApi())
        {
            var upload = await api.CreateAsync("leftover.bin", 2 * TestData.PartSize, checksumAlgorithm: "sha256", cancellationToken: ct);
            await KillWithPartsInFlightAsync(server, api, upload.UploadId, parts, new() { [1] = parts[0].Length / 2, [2] = parts[1].Length - 1 });
        }
        Assert.True(Directory.EnumerateFileSystemEntries(temporary).Any() || Directory.EnumerateFiles(uploads, "data", SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 0),
            "The kill left the parts' cut-off bytes behind (temporary files or the upload's data file).");

        // A server over the same folder whose clock is past AbandonAfter (24 h) since the kill.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(25));
        await using var app = _fixture.CreateApp(
            new Dictionary<string, string?> { ["Hoist:Uploads:SweepInterval"] = "00:00:00" },
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        await app.Services.GetRequiredService<AbandonedUploadSweeper>().SweepOnceAsync(ct);

        Assert.Empty(Directory.EnumerateFileSystemEntries(temporary));
        Assert.Empty(Directory.EnumerateFileSystemEntries(uploads));
    }
}

public sealed class KilledServerOnS3(S3Fixture fixture, ITestOutputHelper output) : KilledServerTests(fixture, output), IClassFixture<S3Fixture>;
