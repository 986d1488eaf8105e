using System.Net;
using Hoist.Client.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hoist.Client.Tests;

/// <summary>What the client does whatever the store: retry rules, the token, its place in dependency injection.</summary>
public sealed class ClientBehaviourTests(FileSystemAppFixture app) : IClassFixture<FileSystemAppFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_503_with_Retry_After_is_retried_no_sooner_than_it_asks()
    {
        var handler = new AnswerFirstPartWith(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1));
        var result = await app.Client(null, handler).UploadFileAsync(_files.File("later.bin", MiB, seed: 20));

        Assert.Equal(1, result.Retries);
        Assert.Equal(2, handler.PartRequests.Count);
        Assert.True(handler.PartRequests[1] - handler.PartRequests[0] >= TimeSpan.FromSeconds(0.95), $"retried after {handler.PartRequests[1] - handler.PartRequests[0]}");
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task Throttling_timeouts_and_server_errors_are_retried(HttpStatusCode status)
    {
        var handler = new AnswerFirstPartWith(status);
        var result = await app.Client(null, handler).UploadFileAsync(_files.File("retried.bin", MiB, seed: 21));

        Assert.Equal((1, 2), (result.Retries, handler.PartRequests.Count));
    }

    [Fact]
    public async Task Another_4xx_is_final_and_reported_with_its_code()
    {
        var handler = new AnswerFirstPartWith(HttpStatusCode.Forbidden);

        var refusal = await Assert.ThrowsAsync<HoistApiException>(() => app.Client(null, handler).UploadFileAsync(_files.File("refused.bin", MiB, seed: 22)));

        Assert.Equal((HttpStatusCode.Forbidden, "injected"), (refusal.StatusCode, refusal.Code));
        Assert.Single(handler.PartRequests);
    }

    [Fact]
    public async Task An_upload_that_fails_is_aborted_when_asked_to()
    {
        string? uploadId = null;
        var client = app.Client(null, new AnswerFirstPartWith(HttpStatusCode.Forbidden));
        var options = new UploadOptions
        {
            AbortOnFailure = true,
            Created = (created, _) =>
            {
                uploadId = created.UploadId;
                return Task.CompletedTask;
            },
        };

        await Assert.ThrowsAsync<HoistApiException>(() => client.UploadFileAsync(_files.File("abandoned.bin", 6 * MiB, seed: 26), options));

        var status = await Assert.ThrowsAsync<HoistApiException>(() => app.Client().GetUploadStatusAsync(uploadId!));
        Assert.True(status.IsUploadGone);
    }

    [Fact]
    public async Task Every_request_carries_the_bearer_token()
    {
        var handler = new AnswerFirstPartWith(HttpStatusCode.OK);
        var client = app.Client(new HoistClientOptions { Token = "secret-token" }, handler);

        await client.ListFilesAsync().ToListAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => client.UploadFileAsync(_files.File("token.bin", 1000, seed: 23)));

        Assert.NotEmpty(handler.Authorizations);
        Assert.All(handler.Authorizations, value => Assert.Equal("Bearer secret-token", value));
    }

    [Fact]
    public async Task The_client_works_as_a_typed_client_of_IHttpClientFactory()
    {
        var services = new ServiceCollection();
        services.AddHttpClient<HoistClient>(http => http.BaseAddress = new Uri("http://localhost/"))
            .ConfigurePrimaryHttpMessageHandler(app.CreateHandler);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<HoistClient>();
        var result = await client.UploadFileAsync(_files.File("typed.bin", 7 * MiB, seed: 24));

        Assert.Equal(2, result.PartCount);
    }

    [Fact]
    public async Task Parts_larger_than_the_buffer_limit_are_streamed_from_the_file_hashed_and_retried_all_the_same()
    {
        var path = _files.File("streamed.bin", 23 * MiB, seed: 25);
        var network = new FlakyNetwork(share: 0.3, seed: 3);
        var client = app.Client(new HoistClientOptions { MaxBufferedPartSize = 1 * MiB }, network);

        var result = await client.UploadFileAsync(path);

        Assert.True(network.Faults >= 1, "no fault was injected");
        Assert.Equal((5, network.Faults), (result.PartCount, result.Retries));
        Assert.True(result.ChecksumVerified);
        Assert.Equal(TestData.Sha256HexOfFile(path), (await client.DownloadToFileAsync(result.Key, _files.Combine("back.bin"))).Sha256);
    }

    [Fact]
    public async Task A_stream_that_cannot_seek_is_refused_before_anything_is_sent()
    {
        var counter = new PartCounter();
        await using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();

        await Assert.ThrowsAsync<ArgumentException>(() => app.Client(null, counter).UploadAsync(pipe, "pipe.bin"));
        Assert.Equal(0, counter.Count);
    }
}
