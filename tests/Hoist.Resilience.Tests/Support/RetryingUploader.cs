using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Hoist.Resilience.Tests.Support;

/// <summary>A failed try of a part, as the client saw it: an HTTP answer or a network error.</summary>
public sealed record FailedTry(int PartNumber, int? Status, string? Code, TimeSpan? RetryAfter, string? NetworkError);

/// <summary>
/// A small resilient client of the test's own (the real one lives in Hoist.Client): parts in
/// parallel, each with its SHA-256, each retried on network errors, 5xx, 408 and 429 with
/// exponential backoff and jitter, Retry-After honoured; other refusals fail at once.
/// </summary>
public sealed class RetryingUploader(HoistApi client, int maxAttempts = 8)
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);
    private int _tries;

    public int Tries => _tries;

    public ConcurrentQueue<FailedTry> Failures { get; } = new();

    public async Task<(CreatedUpload Upload, CompletedUpload Completed)> UploadAsync(string fileName, byte[] file, int parallelism, CancellationToken cancellationToken)
    {
        var upload = await client.CreateAsync(fileName, file.Length, checksumAlgorithm: "sha256", cancellationToken: cancellationToken);
        var parts = TestData.Split(file, (int)upload.PartSize);
        Assert.Equal(upload.PartCount, parts.Count);
        await Parallel.ForEachAsync(Enumerable.Range(1, parts.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (n, ct) => await SendPartAsync(upload.UploadId, n, parts[n - 1], ct));
        return (upload, await client.CompleteAsync(upload.UploadId, cancellationToken));
    }

    public async Task<StoredPartAnswer> SendPartAsync(string uploadId, int partNumber, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var checksum = TestData.Sha256Base64(bytes.Span);
        for (var attempt = 1; ; attempt++)
        {
            Interlocked.Increment(ref _tries);
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await client.PutPartRawAsync(uploadId, partNumber, HoistApi.Part(bytes, checksum), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return await HoistApi.ReadAsync<StoredPartAnswer>(response, HttpStatusCode.OK, cancellationToken);
                }
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!IsRetryable(response.StatusCode) || attempt == maxAttempts)
                {
                    Assert.Fail($"Part {partNumber}, try {attempt}: {(int)response.StatusCode} {body}");
                }
                retryAfter = response.Headers.RetryAfter?.Delta;
                Failures.Enqueue(new FailedTry(partNumber, (int)response.StatusCode, CodeOf(body), retryAfter, null));
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested && attempt < maxAttempts)
            {
                Failures.Enqueue(new FailedTry(partNumber, null, null, null, $"{e.GetType().Name}: {e.Message}"));
            }
            await Task.Delay(retryAfter ?? Backoff(attempt), cancellationToken);
        }
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>Full jitter: a random delay up to an exponential ceiling.</summary>
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1)));

    private static string? CodeOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
