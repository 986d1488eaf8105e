using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Tus;

/// <summary>
/// tus-js-client 4 in Node against the real server on Kestrel, on each store, as its users run it:
/// bearer key in <c>headers</c>, the file as a Buffer, various chunk sizes. Every file is downloaded
/// through GET /api/files/{key} and compared by SHA-256. The servers' part size is 5 MiB.
/// </summary>
public abstract class TusClientTests(TusServer server) : IDisposable
{
    private const int MiB = TestData.MiB;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(4));
    private readonly string _folder = Directory.CreateTempSubdirectory("hoist-tus-").FullName;

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static readonly Dictionary<string, string> AliceHeaders = new() { ["Authorization"] = "Bearer " + ApiKeyOwners.AliceKey };

    private string WriteFile(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private TusJsOptions Options(string path, string fileName, long? chunkSize) =>
        new(server.Endpoint.ToString(), path, AliceHeaders, chunkSize, Metadata: new Dictionary<string, string> { ["filename"] = fileName, ["filetype"] = "application/x-test" });

    /// <summary>Uploads with tus-js-client, then checks the stored file byte for byte and that no tail is left.</summary>
    private async Task<TusJsResult> UploadAndCheckAsync(byte[] bytes, string fileName, TusJsOptions options)
    {
        var result = await TusJs.UploadAsync(options, Ct);
        Assert.True(result.Ok, $"tus-js-client failed: {result.Error} {result.Status} {result.Body}");
        await AssertStoredAsync(result.Url!, bytes, fileName);
        return result;
    }

    private async Task AssertStoredAsync(string url, byte[] bytes, string fileName)
    {
        var key = TusServer.KeyOf(url);
        Assert.StartsWith(ApiKeyOwners.Alice + "/", key, StringComparison.Ordinal);
        Assert.EndsWith("/" + fileName, key, StringComparison.Ordinal);
        Assert.Equal((TestData.Sha256Hex(bytes), (long)bytes.Length), await TusServer.DownloadAsync(server.Alice, key, Ct));
        Assert.Empty(await server.ScratchOfAsync(url, Ct));
        Assert.False(await server.IsOpenAsync(url, Ct));
    }

    [Fact]
    public async Task A_0_byte_file_is_stored_empty()
    {
        byte[] bytes = [];

        await UploadAndCheckAsync(bytes, "empty.bin", Options(WriteFile("empty.bin", bytes), "empty.bin", null));
    }

    [Fact]
    public async Task A_1_MiB_file_in_one_PATCH_is_stored_byte_for_byte()
    {
        var bytes = TestData.Bytes(1300, MiB);

        await UploadAndCheckAsync(bytes, "one.bin", Options(WriteFile("one.bin", bytes), "one.bin", null));
    }

    [Fact]
    public async Task A_40_MiB_file_in_5_MiB_chunks_is_stored_byte_for_byte()
    {
        var bytes = TestData.Bytes(1301, 40 * MiB);

        await UploadAndCheckAsync(bytes, "forty.bin", Options(WriteFile("forty.bin", bytes), "forty.bin", 5 * MiB));
    }

    [Fact]
    public async Task A_40_MiB_file_in_one_PATCH_is_stored_byte_for_byte()
    {
        var bytes = TestData.Bytes(1302, 40 * MiB);

        await UploadAndCheckAsync(bytes, "forty.bin", Options(WriteFile("forty.bin", bytes), "forty.bin", null));
    }

    [Fact]
    public async Task A_file_in_3_MiB_chunks_goes_through_tails_between_parts_and_is_stored_byte_for_byte()
    {
        // 3 MiB chunks against 5 MiB parts: nearly every PATCH joins a tail and leaves another.
        var bytes = TestData.Bytes(1303, (17 * MiB) + 12345);

        await UploadAndCheckAsync(bytes, "odd.bin", Options(WriteFile("odd.bin", bytes), "odd.bin", 3 * MiB));
    }

    [Fact]
    public async Task An_upload_through_X_HTTP_Method_Override_is_stored_byte_for_byte()
    {
        var bytes = TestData.Bytes(1304, (6 * MiB) + 1);

        await UploadAndCheckAsync(bytes, "override.bin", Options(WriteFile("override.bin", bytes), "override.bin", 4 * MiB) with { OverridePatchMethod = true });
    }

    [Fact]
    public async Task An_upload_with_its_first_chunk_in_the_creation_request_is_stored_byte_for_byte()
    {
        var bytes = TestData.Bytes(1305, (7 * MiB) + 3);

        await UploadAndCheckAsync(bytes, "with-upload.bin", Options(WriteFile("with-upload.bin", bytes), "with-upload.bin", 3 * MiB) with { UploadDataDuringCreation = true });
    }

    [Theory]
    [InlineData(MiB + 7, null)]
    [InlineData((13 * MiB) + 5, 3 * MiB)]
    [InlineData(10 * MiB, 5 * MiB)]
    public async Task A_file_whose_length_is_deferred_is_stored_byte_for_byte(int size, int? chunkSize)
    {
        // With 5 MiB chunks the first PATCH ends exactly on a part while the length is still unknown.
        var bytes = TestData.Bytes(1308 + size, size);

        await UploadAndCheckAsync(bytes, "deferred.bin", Options(WriteFile("deferred.bin", bytes), "deferred.bin", chunkSize) with { UploadLengthDeferred = true });
    }

    [Theory]
    [InlineData(40 * MiB, null, 4)]
    [InlineData((12 * MiB) + 3, 3 * MiB, 2)]
    [InlineData(MiB, null, 4)]
    [InlineData(0, null, 4)]
    public async Task A_file_sent_in_parallel_partial_uploads_is_assembled_byte_for_byte(int size, int? chunkSize, int parallelUploads)
    {
        // 40 MiB in 4 partials of 10 MiB: assembled inside the store; 1 MiB in 4 of 256 KiB: through the server.
        var bytes = TestData.Bytes(1320 + size, size);
        var partialsBefore = await PartialObjectsAsync();

        var result = await UploadAndCheckAsync(bytes, "parallel.bin", Options(WriteFile("parallel.bin", bytes), "parallel.bin", chunkSize) with { ParallelUploads = parallelUploads });

        // The partial uploads are consumed: their objects are gone, and they were never the owner's files.
        Assert.Equal(partialsBefore, await PartialObjectsAsync());
        using var files = await server.Alice.GetAsync(new Uri("/api/files", UriKind.Relative), Ct);
        Assert.DoesNotContain("~partials", await files.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.NotNull(result.Url);
    }

    private async Task<int> PartialObjectsAsync() =>
        (await server.Store.ListObjectsAsync(Server.Uploads.UploadService.PartialsRoot, null, 1000, Ct)).Objects.Count;

    [Fact]
    public async Task An_interrupted_upload_resumes_from_its_URL_sending_only_the_missing_bytes()
    {
        var bytes = TestData.Bytes(1306, 40 * MiB);
        var path = WriteFile("resumed.bin", bytes);
        var before = server.Received.Bytes;

        var first = await TusJs.UploadAsync(Options(path, "resumed.bin", null) with { AbortAfterBytes = 18 * MiB }, Ct);
        Assert.True(first.Aborted && first.Url is not null, $"the first attempt was not aborted mid-way: {first}");
        // The aborted PATCH ends on the server side once its connection is gone.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        using var head = new HttpRequestMessage(HttpMethod.Head, first.Url);
        head.Headers.Add("Tus-Resumable", "1.0.0");
        using var headAnswer = await server.Alice.SendAsync(head, Ct);
        var offset = long.Parse(headAnswer.Headers.GetValues("Upload-Offset").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(offset > 0 && offset % TestData.PartSize == 0, $"the stored offset is {offset}: the full parts received before the abort count");
        var firstReceived = server.Received.Bytes - before;

        var second = await TusJs.UploadAsync(Options(path, "resumed.bin", null) with { UploadUrl = first.Url }, Ct);

        Assert.True(second.Ok, $"the resume failed: {second.Error} {second.Status} {second.Body}");
        var secondReceived = server.Received.Bytes - before - firstReceived;
        Assert.Equal(bytes.Length - offset, secondReceived);
        Assert.Equal(first.Url, second.Url);
        await AssertStoredAsync(second.Url!, bytes, "resumed.bin");
    }

    [Fact]
    public async Task Termination_frees_the_parts_and_the_tail()
    {
        var bytes = TestData.Bytes(1307, 20 * MiB);
        var path = WriteFile("terminated.bin", bytes);

        var result = await TusJs.UploadAsync(Options(path, "terminated.bin", 3 * MiB) with { TerminateAfterBytes = 7 * MiB }, Ct);

        Assert.True(result.Aborted && result.Url is not null, $"not terminated: {result}");
        Assert.Null(result.Error);
        Assert.False(await server.IsOpenAsync(result.Url!, Ct));
        Assert.Empty(await server.ScratchOfAsync(result.Url!, Ct));
        using var head = new HttpRequestMessage(HttpMethod.Head, result.Url);
        head.Headers.Add("Tus-Resumable", "1.0.0");
        using var answer = await server.Alice.SendAsync(head, Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, answer.StatusCode);
    }
}

public sealed class TusClientOnFileSystem(TusServerOnFileSystem server) : TusClientTests(server), IClassFixture<TusServerOnFileSystem>;

public sealed class TusClientOnS3(TusServerOnS3 server) : TusClientTests(server), IClassFixture<TusServerOnS3>;
