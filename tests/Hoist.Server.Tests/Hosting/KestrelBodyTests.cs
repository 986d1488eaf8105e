using Hoist.Server.Hosting;
using Hoist.Server.Tests.Support;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Server.Tests.Hosting;

/// <summary>
/// Part bodies through real Kestrel in a server process, which receives them into
/// <see cref="ReceiveBlockPool"/>'s blocks: several parts sent together arrive byte for byte, and a
/// part altered in its last block is still refused as checksum_mismatch and stores nothing.
/// (WebApplicationFactory registers Kestrel again when it starts it, after the app: only a process
/// runs the app's Kestrel as shipped.)
/// </summary>
public abstract class KestrelBodyTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public void The_app_as_Program_builds_it_gives_Kestrel_the_receive_block_pool() =>
        Assert.IsType<ReceiveBlockPool.Factory>(Fixture.App.Services.GetRequiredService<IMemoryPoolFactory<byte>>());

    [Fact]
    public async Task Parts_sent_at_once_through_Kestrel_are_stored_byte_for_byte()
    {
        await using var server = await ServerProcess.StartAsync(Fixture.Settings(), Ct);
        using var api = server.CreateApi();
        var file = TestData.Bytes(seed: 7, 3 * TestData.PartSize + 12345);
        var upload = await api.CreateAsync("blocks.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var parts = TestData.Split(file, (int)upload.PartSize);

        await Task.WhenAll(parts.Select((part, i) => api.PutPartAsync(upload.UploadId, i + 1, part, withChecksum: true, cancellationToken: Ct)));
        var completed = await api.CompleteAsync(upload.UploadId, Ct);

        Assert.Equal((TestData.Sha256Hex(file), (long)file.Length), await api.DownloadSha256Async(completed.Key, Ct));
    }

    [Fact]
    public async Task A_part_altered_in_its_last_block_is_checksum_mismatch_through_Kestrel_and_stores_nothing()
    {
        await using var server = await ServerProcess.StartAsync(Fixture.Settings(), Ct);
        using var api = server.CreateApi();
        var file = TestData.Bytes(seed: 8, 2 * TestData.PartSize);
        var upload = await api.CreateAsync("altered.bin", file.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
        var part = file.AsMemory(0, (int)upload.PartSize);
        var altered = part.ToArray();
        altered[^1] ^= 0xFF;
        var before = await SnapshotAsync(upload.UploadId, api);

        await Problem.AssertAsync(api.PutPartRawAsync(upload.UploadId, 1, altered, TestData.Sha256Base64(part.Span), Ct), 400, "checksum_mismatch");

        await AssertUnchangedAsync(before, upload.UploadId, api);
    }
}

public sealed class KestrelBodyOnFileSystem(FileSystemFixture fixture) : KestrelBodyTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class KestrelBodyOnS3(S3Fixture fixture) : KestrelBodyTests(fixture), IClassFixture<S3Fixture>;
