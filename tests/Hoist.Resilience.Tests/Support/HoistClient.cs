using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hoist.Resilience.Tests.Support;

// The wire shapes of the API (docs/api.md), written here independently of the server's records.
public sealed record CreatedUpload(string UploadId, string Key, long PartSize, int PartCount, DateTimeOffset ExpiresAt);

public sealed record PartAnswer(int PartNumber, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256);

public sealed record PartsAnswer(IReadOnlyList<PartAnswer> Parts, long PartSize, int PartCount, long Size);

public sealed record CompletedUpload(string Key, long Size, [property: JsonPropertyName("etag")] string ETag, string? ChecksumSha256);

/// <summary>The native API as a client sees it; the <c>*RawAsync</c> calls answer the response as it came.</summary>
public sealed class HoistClient(HttpClient http) : IDisposable
{
    public const string ChecksumHeader = "x-hoist-checksum-sha256";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly HttpClient Outside = new(new SocketsHttpHandler { UseProxy = false });

    public HttpClient Http => http;

    public void Dispose() => http.Dispose();

    public async Task<CreatedUpload> CreateAsync(string fileName, long size, string? checksumAlgorithm = "sha256", CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/uploads", UriKind.Relative), new { fileName, size, checksumAlgorithm }, cancellationToken);
        return await ReadAsync<CreatedUpload>(response, HttpStatusCode.Created, cancellationToken);
    }

    public Task<HttpResponseMessage> PutPartRawAsync(string uploadId, int partNumber, HttpContent content, CancellationToken cancellationToken = default) =>
        http.PutAsync(new Uri($"/api/uploads/{uploadId}/parts/{partNumber}", UriKind.Relative), content, cancellationToken);

    /// <summary>Sends a part once, with its SHA-256, and checks that it was stored.</summary>
    public async Task<PartAnswer> PutPartAsync(string uploadId, int partNumber, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        using var response = await PutPartRawAsync(uploadId, partNumber, Part(bytes, TestData.Sha256Base64(bytes.Span)), cancellationToken);
        return await ReadAsync<PartAnswer>(response, HttpStatusCode.OK, cancellationToken);
    }

    public static HttpContent Part(ReadOnlyMemory<byte> bytes, string? checksum)
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (checksum is not null)
        {
            content.Headers.TryAddWithoutValidation(ChecksumHeader, checksum);
        }
        return content;
    }

    public Task<HttpResponseMessage> ListPartsRawAsync(string uploadId, CancellationToken cancellationToken = default) =>
        http.GetAsync(new Uri($"/api/uploads/{uploadId}/parts", UriKind.Relative), cancellationToken);

    public async Task<PartsAnswer> ListPartsAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        using var response = await ListPartsRawAsync(uploadId, cancellationToken);
        return await ReadAsync<PartsAnswer>(response, HttpStatusCode.OK, cancellationToken);
    }

    public async Task<CompletedUpload> CompleteAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsync(new Uri($"/api/uploads/{uploadId}/complete", UriKind.Relative), null, cancellationToken);
        return await ReadAsync<CompletedUpload>(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>Downloads the whole file (following a redirect to a presigned URL) and answers its SHA-256 (hex) and length.</summary>
    public async Task<(string Sha256, long Length)> DownloadSha256Async(string key, CancellationToken cancellationToken = default)
    {
        var path = "/api/files/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { IsAbsoluteUri: true } location)
        {
            response.Dispose();
            response = await Outside.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        using (response)
        {
            await ExpectAsync(response, HttpStatusCode.OK, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await TestData.Sha256HexAsync(body, cancellationToken);
        }
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default)
    {
        await ExpectAsync(response, expected, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered a null body.");
    }

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} instead of {(int)expected}: {body}");
        }
    }
}

/// <summary>Checks a refusal: its status, an RFC 9457 body and its stable code. Answers the body.</summary>
public static class Problem
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.True(document.RootElement.TryGetProperty("code", out var actual) && actual.GetString() == code, $"expected code {code}: {body}");
        Assert.Equal(status, document.RootElement.GetProperty("status").GetInt32());
        return document.RootElement.Clone();
    }
}
