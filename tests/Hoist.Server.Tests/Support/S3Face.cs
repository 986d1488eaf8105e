using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hoist.Server.Tests.Support;

// The /s3/ face's answers as @uppy/aws-s3 reads them (Companion's names).
public sealed record S3Created([property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("uploadId")] string UploadId, [property: JsonPropertyName("bucket")] string? Bucket);

public sealed record S3ListedPart(int PartNumber, string ETag, long Size);

public sealed record S3Signed([property: JsonPropertyName("url")] string Url, [property: JsonPropertyName("expires")] long Expires);

public sealed record S3Batch([property: JsonPropertyName("presignedUrls")] Dictionary<string, string> PresignedUrls);

public sealed record S3Completed([property: JsonPropertyName("location")] string Location, [property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("bucket")] string? Bucket);

public sealed record S3Params([property: JsonPropertyName("method")] string Method, [property: JsonPropertyName("url")] string Url, [property: JsonPropertyName("fields")] Dictionary<string, string> Fields, [property: JsonPropertyName("expires")] long Expires);

/// <summary>
/// A client of Hoist's /s3/ routes doing what @uppy/aws-s3 does with a Companion endpoint: the routes through
/// <paramref name="api"/>, the part bytes to the URLs they answer (Hoist's own through <paramref name="api"/>,
/// the store's presigned ones over the network, without credentials).
/// </summary>
public sealed class S3Face(HoistApi api) : IDisposable
{
    private readonly HttpClient _direct = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromMinutes(1) };

    public HoistApi Api => api;

    public void Dispose() => _direct.Dispose();

    public Task<HttpResponseMessage> CreateRawAsync(string fileName, string type = "application/octet-stream", CancellationToken cancellationToken = default) =>
        api.Http.PostAsJsonAsync("/s3/multipart", new { filename = fileName, type, metadata = new { name = fileName, type } }, cancellationToken);

    public async Task<S3Created> CreateAsync(string fileName, string type = "application/octet-stream", CancellationToken cancellationToken = default)
    {
        using var response = await CreateRawAsync(fileName, type, cancellationToken);
        return await HoistApi.ReadAsync<S3Created>(response, HttpStatusCode.OK, cancellationToken);
    }

    public static string Path(string uploadId, string? tail, string key, string? more = null) =>
        $"/s3/multipart/{Uri.EscapeDataString(uploadId)}{(tail is null ? "" : "/" + tail)}?key={Uri.EscapeDataString(key)}{more}";

    public Task<HttpResponseMessage> SignRawAsync(string uploadId, string partNumber, string key, string? contentMd5 = null, CancellationToken cancellationToken = default) =>
        api.Http.GetAsync(new Uri(Path(uploadId, partNumber, key, contentMd5 is null ? null : "&contentMd5=" + Uri.EscapeDataString(contentMd5)), UriKind.Relative), cancellationToken);

    public async Task<S3Signed> SignAsync(S3Created upload, int partNumber, byte[]? md5Of = null, CancellationToken cancellationToken = default)
    {
        using var response = await SignRawAsync(upload.UploadId, partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), upload.Key,
            md5Of is null ? null : Convert.ToBase64String(MD5.HashData(md5Of)), cancellationToken);
        return await HoistApi.ReadAsync<S3Signed>(response, HttpStatusCode.OK, cancellationToken);
    }

    public async Task<S3Batch> SignBatchAsync(S3Created upload, string partNumbers, CancellationToken cancellationToken = default)
    {
        using var response = await api.Http.GetAsync(new Uri(Path(upload.UploadId, "batch", upload.Key, "&partNumbers=" + partNumbers), UriKind.Relative), cancellationToken);
        return await HoistApi.ReadAsync<S3Batch>(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>PUTs bytes to a part URL as a browser would (no credentials); the caller disposes the answer.</summary>
    public Task<HttpResponseMessage> PutToAsync(string url, ReadOnlyMemory<byte> bytes, string? contentMd5 = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ReadOnlyMemoryContent(bytes) };
        if (contentMd5 is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-MD5", contentMd5);
        }
        return ClientFor(url).SendAsync(request, cancellationToken);
    }

    /// <summary>Signs and PUTs one part; answers its ETag (unquoted, as Uppy keeps it).</summary>
    public async Task<string> PutPartAsync(S3Created upload, int partNumber, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        var signed = await SignAsync(upload, partNumber, cancellationToken: cancellationToken);
        using var response = await PutToAsync(signed.Url, bytes, cancellationToken: cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"PUT part {partNumber}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return response.Headers.ETag?.Tag.Trim('"') ?? throw new InvalidOperationException("No ETag.");
    }

    public async Task<List<S3ListedPart>> ListPartsAsync(S3Created upload, CancellationToken cancellationToken = default)
    {
        using var response = await api.Http.GetAsync(new Uri(Path(upload.UploadId, null, upload.Key), UriKind.Relative), cancellationToken);
        return await HoistApi.ReadAsync<List<S3ListedPart>>(response, HttpStatusCode.OK, cancellationToken);
    }

    public Task<HttpResponseMessage> CompleteRawAsync(string uploadId, string key, IEnumerable<(int PartNumber, string ETag)> parts, CancellationToken cancellationToken = default) =>
        api.Http.PostAsJsonAsync(Path(uploadId, "complete", key), new { parts = parts.Select(p => new { PartNumber = p.PartNumber, ETag = p.ETag }) }, cancellationToken);

    public async Task<S3Completed> CompleteAsync(S3Created upload, IEnumerable<(int PartNumber, string ETag)> parts, CancellationToken cancellationToken = default)
    {
        using var response = await CompleteRawAsync(upload.UploadId, upload.Key, parts, cancellationToken);
        return await HoistApi.ReadAsync<S3Completed>(response, HttpStatusCode.OK, cancellationToken);
    }

    public Task<HttpResponseMessage> AbortRawAsync(string uploadId, string key, CancellationToken cancellationToken = default) =>
        api.Http.DeleteAsync(new Uri(Path(uploadId, null, key), UriKind.Relative), cancellationToken);

    public async Task<S3Params> ParamsAsync(string fileName, string type, CancellationToken cancellationToken = default)
    {
        using var response = await api.Http.GetAsync(new Uri($"/s3/params?filename={Uri.EscapeDataString(fileName)}&type={Uri.EscapeDataString(type)}", UriKind.Relative), cancellationToken);
        return await HoistApi.ReadAsync<S3Params>(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>POSTs a small file as @uppy/aws-s3 does with /s3/params' answer: the fields, then the file, as multipart/form-data.</summary>
    public Task<HttpResponseMessage> PostFormAsync(S3Params parameters, byte[] file, CancellationToken cancellationToken = default)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in parameters.Fields)
        {
            form.Add(new StringContent(value), name);
        }
        form.Add(new ByteArrayContent(file), "file", "blob");
        return ClientFor(parameters.Url).PostAsync(parameters.Url, form, cancellationToken);
    }

    /// <summary>Hoist's own URLs go through the test's client (the in-memory server answers any host); others over the network.</summary>
    private HttpClient ClientFor(string url) =>
        api.Http.BaseAddress is { } hoist && new Uri(url).Authority == hoist.Authority ? api.Http : _direct;

    public static string Md5Base64(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(MD5.HashData(bytes));

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
}
