using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Processes;

/// <summary>
/// Stateless servers: two real server processes that share a signing key and a store serve one
/// upload together, as instances behind a load balancer would.
/// </summary>
public abstract class TwoServerTests(StoreFixture fixture)
{
    [Fact]
    public async Task Two_servers_sharing_a_signing_key_and_a_store_complete_one_upload_split_between_them()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var settings = fixture.Settings();
        await using var servers = await ServerProcess.StartManyAsync(2, settings, ct);
        var (a, b) = (servers[0], servers[1]);
        using var onA = a.CreateApi();
        using var onB = b.CreateApi();
        var file = TestData.Bytes(seed: 60, 3 * TestData.PartSize + 4321);
        var parts = TestData.Split(file, TestData.PartSize);

        var upload = await onA.CreateAsync("shared.bin", file.Length, cancellationToken: ct);
        Assert.Equal(4, upload.PartCount);
        await Task.WhenAll(Enumerable.Range(1, upload.PartCount).Select(n =>
            (n % 2 == 1 ? onA : onB).PutPartAsync(upload.UploadId, n, parts[n - 1], cancellationToken: ct)));
        Assert.Equal([1, 2, 3, 4], (await onB.ListPartsAsync(upload.UploadId, ct)).Parts.Select(p => p.PartNumber));
        var completed = await onB.CompleteAsync(upload.UploadId, ct);

        Assert.Equal(fixture.TestStore.MultipartETag(file, TestData.PartSize), completed.ETag);
        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await onA.DownloadSha256Async(upload.Key, ct));
        Assert.Contains(await onB.ListFilesAsync(cancellationToken: ct), f => f.Key == upload.Key);
    }
}

public sealed class TwoServersOnFileSystem(FileSystemFixture fixture) : TwoServerTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class TwoServersOnS3(S3Fixture fixture) : TwoServerTests(fixture), IClassFixture<S3Fixture>;
