using System.Collections.Concurrent;
using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>Downloads of part of a file (HTTP Range): 206 with Content-Range, or 416.</summary>
public abstract class RangeDownloadTests(StoreFixture fixture) : ApiTests(fixture), IAsyncLifetime
{
    /// <summary>One file per store fixture, uploaded by the first test that needs it.</summary>
    private static readonly ConcurrentDictionary<StoreFixture, Lazy<Task<string>>> Uploaded = new();

    // Two parts, so that a range can span the boundary between them.
    private static readonly byte[] Stored = TestData.Bytes(seed: 20, TestData.PartSize + 4096);

    private string _key = "";

    public async Task InitializeAsync() =>
        _key = await Uploaded.GetOrAdd(Fixture, _ => new(async () => (await UploadAsync("ranges.bin", Stored)).Upload.Key)).Value;

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("bytes=0-0", 0, 0)]
    [InlineData("bytes=100-199", 100, 199)]
    [InlineData("bytes=5242000-5243999", 5_242_000, 5_243_999)]
    public async Task A_range_answers_206_with_those_bytes_and_their_content_range(string range, int first, int last)
    {
        using var response = await Api.DownloadAsync(_key, range, cancellationToken: Ct);

        await AssertPartialAsync(response, first, last);
    }

    [Fact]
    public async Task An_open_range_runs_to_the_end_of_the_file()
    {
        using var response = await Api.DownloadAsync(_key, "bytes=5000000-", cancellationToken: Ct);

        await AssertPartialAsync(response, 5_000_000, Stored.Length - 1);
    }

    [Fact]
    public async Task A_suffix_range_answers_the_last_bytes()
    {
        using var response = await Api.DownloadAsync(_key, "bytes=-500", cancellationToken: Ct);

        await AssertPartialAsync(response, Stored.Length - 500, Stored.Length - 1);
    }

    [Fact]
    public async Task A_range_past_the_end_is_cut_to_the_end()
    {
        using var response = await Api.DownloadAsync(_key, $"bytes={Stored.Length - 10}-{Stored.Length + 1000}", cancellationToken: Ct);

        await AssertPartialAsync(response, Stored.Length - 10, Stored.Length - 1);
    }

    [Fact]
    public async Task A_range_that_starts_past_the_end_is_416_with_the_size()
    {
        using var response = await Api.DownloadAsync(_key, $"bytes={Stored.Length}-", cancellationToken: Ct);

        await Problem.AssertAsync(response, 416, "range_not_satisfiable");
        Assert.Equal($"bytes */{Stored.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Without_a_range_the_wholeFile_comes_and_ranges_are_advertised()
    {
        using var response = await Api.DownloadAsync(_key, cancellationToken: Ct);

        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
        Assert.Contains("bytes", response.Headers.AcceptRanges);
        Assert.Equal(Stored.Length, response.Content.Headers.ContentLength);
    }

    private async Task AssertPartialAsync(HttpResponseMessage response, long first, long last)
    {
        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.PartialContent, Ct);
        var contentRange = response.Content.Headers.ContentRange;
        Assert.NotNull(contentRange);
        Assert.Equal("bytes", contentRange.Unit);
        Assert.Equal(first, contentRange.From);
        Assert.Equal(last, contentRange.To);
        Assert.Equal(Stored.Length, contentRange.Length);
        Assert.Equal(last - first + 1, response.Content.Headers.ContentLength);
        var body = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(Stored.AsSpan((int)first, (int)(last - first + 1)).ToArray(), body);
    }
}

public sealed class RangeDownloadsOnFileSystem(FileSystemFixture fixture) : RangeDownloadTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class RangeDownloadsOnS3(S3Fixture fixture) : RangeDownloadTests(fixture), IClassFixture<S3Fixture>;
