using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hoist.Testing;

/// <summary>
/// The native API as a client sees it (docs/api.md). The <c>*RawAsync</c> calls answer the
/// response as it came, for tests of refusals; the others check success and answer the body.
/// </summary>
public sealed class HoistApi(HttpClient http) : IDisposable
{
    public const string ChecksumHeader = "x-hoist-checksum-sha256";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Follows a download's redirect to a presigned URL, outside the in-memory server.</summary>
    private static readonly HttpClient Outside = new(new SocketsHttpHandler { UseProxy = false });

    public HttpClient Http => http;

    public void Dispose() => http.Dispose();

    public Task<HttpResponseMessage> CreateRawAsync(object body, CancellationToken cancellationToken = default) =>
        http.PostAsJsonAsync(new Uri("/api/uploads", UriKind.Relative), body, cancellationToken);

    public Task<HttpResponseMessage> CreateRawAsync(HttpContent content, CancellationToken cancellationToken = default) =>
        http.PostAsync(new Uri("/api/uploads", UriKind.Relative), content, cancellationToken);

    public async Task<CreatedUpload> CreateAsync(string fileName, long size, string? contentType = null, string? checksumAlgorithm = null, CancellationToken cancellationToken = default)
    {
        using var response = await CreateRawAsync(new { fileName, size, contentType, checksumAlgorithm }, cancellationToken);
        return await ReadAsync<CreatedUpload>(response, HttpStatusCode.Created, cancellationToken);
    }

    public Task<HttpResponseMessage> PutPartRawAsync(string uploadId, string partNumber, HttpContent content, CancellationToken cancellationToken = default) =>
        http.PutAsync(new Uri($"/api/uploads/{uploadId}/parts/{partNumber}", UriKind.Relative), content, cancellationToken);

    public Task<HttpResponseMessage> PutPartRawAsync(string uploadId, int partNumber, HttpContent content, CancellationToken cancellationToken = default) =>
        PutPartRawAsync(uploadId, partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), content, cancellationToken);

    public Task<HttpResponseMessage> PutPartRawAsync(string uploadId, int partNumber, ReadOnlyMemory<byte> bytes, string? checksum = null, CancellationToken cancellationToken = default) =>
        PutPartRawAsync(uploadId, partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), Part(bytes, checksum), cancellationToken);

    /// <summary>Sends a part with its length, and its SHA-256 when <paramref name="withChecksum"/>.</summary>
    public async Task<StoredPartAnswer> PutPartAsync(string uploadId, int partNumber, ReadOnlyMemory<byte> bytes, bool withChecksum = false, CancellationToken cancellationToken = default)
    {
        using var response = await PutPartRawAsync(uploadId, partNumber, bytes, withChecksum ? TestData.Sha256Base64(bytes.Span) : null, cancellationToken);
        return await ReadAsync<StoredPartAnswer>(response, HttpStatusCode.OK, cancellationToken);
    }

    public static HttpContent Part(ReadOnlyMemory<byte> bytes, string? checksum = null)
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (checksum is not null)
        {
            content.Headers.TryAddWithoutValidation(ChecksumHeader, checksum);
        }
        return content;
    }

    /// <summary>Direct mode: asks the URLs of parts, each as (number, base64 MD5) or any JSON body.</summary>
    public Task<HttpResponseMessage> PartUrlsRawAsync(string uploadId, object body, CancellationToken cancellationToken = default) =>
        http.PostAsJsonAsync(new Uri($"/api/uploads/{uploadId}/part-urls", UriKind.Relative), body, cancellationToken);

    public async Task<PartUrlsAnswer> PartUrlsAsync(string uploadId, IEnumerable<(int PartNumber, ReadOnlyMemory<byte> Bytes)> parts, CancellationToken cancellationToken = default)
    {
        var body = new { parts = parts.Select(p => new { partNumber = p.PartNumber, contentMd5 = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(p.Bytes.Span)) }).ToList() };
        using var response = await PartUrlsRawAsync(uploadId, body, cancellationToken);
        return await ReadAsync<PartUrlsAnswer>(response, HttpStatusCode.OK, cancellationToken);
    }

    public Task<HttpResponseMessage> ListPartsRawAsync(string uploadId, CancellationToken cancellationToken = default) =>
        http.GetAsync(new Uri($"/api/uploads/{uploadId}/parts", UriKind.Relative), cancellationToken);

    public async Task<PartsAnswer> ListPartsAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        using var response = await ListPartsRawAsync(uploadId, cancellationToken);
        return await ReadAsync<PartsAnswer>(response, HttpStatusCode.OK, cancellationToken);
    }

    public Task<HttpResponseMessage> CompleteRawAsync(string uploadId, CancellationToken cancellationToken = default) =>
        http.PostAsync(new Uri($"/api/uploads/{uploadId}/complete", UriKind.Relative), null, cancellationToken);

    public async Task<CompletedUpload> CompleteAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        using var response = await CompleteRawAsync(uploadId, cancellationToken);
        return await ReadAsync<CompletedUpload>(response, HttpStatusCode.OK, cancellationToken);
    }

    public Task<HttpResponseMessage> AbortRawAsync(string uploadId, CancellationToken cancellationToken = default) =>
        http.DeleteAsync(new Uri($"/api/uploads/{uploadId}", UriKind.Relative), cancellationToken);

    public async Task<IReadOnlyList<FileAnswer>> ListFilesAsync(string? prefix = null, CancellationToken cancellationToken = default)
    {
        var query = prefix is null ? "" : $"?prefix={Uri.EscapeDataString(prefix)}";
        using var response = await http.GetAsync(new Uri($"/api/files{query}", UriKind.Relative), cancellationToken);
        return (await ReadAsync<FilesAnswer>(response, HttpStatusCode.OK, cancellationToken)).Files;
    }

    /// <summary>DELETE /api/files/{key}, answered as it comes.</summary>
    public Task<HttpResponseMessage> DeleteFileAsync(string key, CancellationToken cancellationToken = default) =>
        http.DeleteAsync(new Uri("/api/files/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)), UriKind.Relative), cancellationToken);

    /// <summary>POST /api/files/{key}/links with <paramref name="body"/> (none when null), answered as it comes.</summary>
    public Task<HttpResponseMessage> CreateLinkRawAsync(string key, object? body, CancellationToken cancellationToken = default)
    {
        var uri = new Uri("/api/files/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)) + "/links", UriKind.Relative);
        return body is null ? http.PostAsync(uri, null, cancellationToken) : http.PostAsJsonAsync(uri, body, cancellationToken);
    }

    /// <summary>A share link for the file, for <paramref name="expiresIn"/> seconds (the server's default when null).</summary>
    public async Task<ShareLinkAnswer> CreateLinkAsync(string key, long? expiresIn = null, CancellationToken cancellationToken = default)
    {
        using var response = await CreateLinkRawAsync(key, expiresIn is null ? null : new { expiresIn }, cancellationToken);
        return await ReadAsync<ShareLinkAnswer>(response, HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>The file's response, headers read and body not yet (the caller streams and disposes it).</summary>
    public async Task<HttpResponseMessage> DownloadAsync(string key, string? range = null, HttpMethod? method = null, CancellationToken cancellationToken = default)
    {
        var path = "/api/files/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { IsAbsoluteUri: true } location)
        {
            // The server streams downloads itself (docs/api.md, "Downloads"); should it redirect to a presigned URL, follow it directly.
            response.Dispose();
            using var direct = new HttpRequestMessage(method ?? HttpMethod.Get, location);
            if (range is not null)
            {
                direct.Headers.TryAddWithoutValidation("Range", range);
            }
            return await Outside.SendAsync(direct, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        return response;
    }

    /// <summary>Downloads the whole file and answers its SHA-256 (hex) and length, hashed as it streams in.</summary>
    public async Task<(string Sha256, long Length)> DownloadSha256Async(string key, CancellationToken cancellationToken = default)
    {
        using var response = await DownloadAsync(key, cancellationToken: cancellationToken);
        await ExpectStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await TestData.Sha256HexAsync(body, cancellationToken);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default)
    {
        await ExpectStatusAsync(response, expected, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered a null body.");
    }

    public static async Task ExpectStatusAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} instead of {(int)expected}: {body}");
        }
    }
}
