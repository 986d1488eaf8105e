using System.Net;
using System.Runtime.ExceptionServices;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

public sealed partial class S3Store
{
    /// <summary>Long enough to start the PUT; S3 checks the expiry when the request arrives, not when it ends.</summary>
    private static readonly TimeSpan PresignedLifetime = TimeSpan.FromMinutes(15);

    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>A presigned GET that makes the store answer with these headers (S3's response-content-* overrides, signed with the URL).</summary>
    public async Task<Uri> PresignGetAsync(string key, DateTimeOffset expiresAt, string contentDisposition, string contentType, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        var presign = new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = ToS3Key(key),
            Verb = HttpVerb.GET,
            Protocol = _clientFacingProtocol,
            Expires = PresignedUntil(expiresAt),
        };
        presign.ResponseHeaderOverrides.ContentDisposition = contentDisposition;
        presign.ResponseHeaderOverrides.ContentType = contentType;
        return new Uri(await CallAsync(() => _clientFacing.GetPreSignedURLAsync(presign), S3Target.Object, null, cancellationToken));
    }

    /// <summary>A presigned UploadPart, for a client that PUTs the part to the store itself (docs/uppy.md).</summary>
    public async Task<Uri> PresignUploadPartAsync(string key, string uploadId, int partNumber, DateTimeOffset expiresAt, byte[]? contentMd5, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        S3Limits.RequirePartNumber(partNumber);
        var presign = new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = ToS3Key(key),
            Verb = HttpVerb.PUT,
            Protocol = _clientFacingProtocol,
            UploadId = uploadId,
            PartNumber = partNumber,
            Expires = PresignedUntil(expiresAt),
        };
        if (contentMd5 is not null)
        {
            // A signed header: S3 refuses a PUT without it (SignatureDoesNotMatch) and bytes that do not match it (BadDigest).
            presign.Headers.ContentMD5 = Convert.ToBase64String(contentMd5);
        }
        return new Uri(await CallAsync(() => _clientFacing.GetPreSignedURLAsync(presign), S3Target.Upload, uploadId, cancellationToken));
    }

    /// <summary>The SDK refuses more than 7 days by its own clock: a time a few ms past that (rounded up by the caller) is cut to it.</summary>
    private static DateTime PresignedUntil(DateTimeOffset expiresAt)
    {
        var latest = DateTimeOffset.UtcNow + IPresigningStore.MaxLifetime - TimeSpan.FromSeconds(1);
        return (expiresAt < latest ? expiresAt : latest).UtcDateTime;
    }

    /// <summary>
    /// PUTs a checked body to a presigned URL and answers the ETag the store gave it, after
    /// comparing it with the MD5 of the bytes sent (when <see cref="VerifyETags"/>).
    /// </summary>
    private async Task<string> PutPresignedAsync(GetPreSignedUrlRequest presign, PartBodyStream body, long length, S3Target target, string? uploadId, CancellationToken cancellationToken)
    {
        var url = await PresignPutAsync(presign, target, uploadId, cancellationToken);
        var etag = await SendPutAsync(presign, new Uri(url), body, length, null, target, uploadId, cancellationToken);
        CheckETag(etag, body);
        return etag;
    }

    /// <summary>A presigned PUT (UploadPart or PutObject) valid long enough to start sending.</summary>
    private Task<string> PresignPutAsync(GetPreSignedUrlRequest presign, S3Target target, string? uploadId, CancellationToken cancellationToken)
    {
        presign.BucketName = _bucket;
        presign.Verb = HttpVerb.PUT;
        presign.Protocol = _presignProtocol;
        presign.Expires = DateTime.UtcNow.Add(PresignedLifetime);
        return CallAsync(() => _s3.GetPreSignedURLAsync(presign), target, uploadId, cancellationToken);
    }

    /// <summary>
    /// Streams a body to a presigned URL and answers the store's ETag (lower case). With
    /// <paramref name="signedSha256"/> the URL was signed with it (<see cref="S3PayloadSigner"/>) and
    /// it is sent as <c>x-amz-content-sha256</c>: the store refuses other bytes.
    /// </summary>
    private async Task<string> SendPutAsync(GetPreSignedUrlRequest presign, Uri url, Stream body, long length, byte[]? signedSha256, S3Target target, string? uploadId, CancellationToken cancellationToken, bool createOnly = false)
    {
        var observed = new ObservedReadStream(body);
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StreamContent(observed, 128 * 1024) };
        request.Content.Headers.ContentLength = length;
        request.Headers.ExpectContinue = length > 0;
        if (createOnly)
        {
            // Not among the URL's signed headers; a store that knows it refuses the put where the key holds an object (412).
            request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        }
        // Every header the URL was signed with must be sent as signed.
        if (presign.ContentType is { Length: > 0 } contentType)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        foreach (var name in presign.Metadata.Keys)
        {
            request.Headers.TryAddWithoutValidation(name, presign.Metadata[name]);
        }
        if (signedSha256 is not null)
        {
            request.Headers.TryAddWithoutValidation(S3PayloadSigner.ContentSha256Header, Convert.ToHexStringLower(signedSha256));
        }

        using var response = await SendAsync(request, observed, target, uploadId, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadErrorAsync(response, target, uploadId, cancellationToken);
        }
        var etag = response.Headers.TryGetValues("ETag", out var values) ? Unquote(values.FirstOrDefault()) : "";
        return etag.ToLowerInvariant();
    }

    /// <summary>With <see cref="VerifyETags"/>: the store's ETag must be the MD5 of the bytes sent, or they were altered on the way.</summary>
    private void CheckETag(string etag, PartBodyStream body)
    {
        if (VerifyETags && !string.Equals(etag, Convert.ToHexStringLower(body.Md5), StringComparison.OrdinalIgnoreCase))
        {
            throw new StoreException(StoreErrorCode.BadDigest,
                $"The store's ETag '{etag}' is not the MD5 of the bytes sent ({Convert.ToHexStringLower(body.Md5)}): they were altered on the way.");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, ObservedReadStream body, S3Target target, string? uploadId, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception) when (body.Failure is { } failure)
        {
            // The body failed (a bad checksum, a short or long body, the client gone): HttpClient
            // has dropped the connection mid-body, so the store never completed the PUT.
            ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        catch (Exception e) when (_errors.Translate(e, target, uploadId, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>The S3 error XML of a failed presigned call, as the exception the SDK path would throw.</summary>
    private async Task<Exception> ReadErrorAsync(HttpResponseMessage response, S3Target target, string? uploadId, CancellationToken cancellationToken)
    {
        string? code = null, message = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxErrorBodyBytes];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            if (read > 0)
            {
                var error = XDocument.Parse(System.Text.Encoding.UTF8.GetString(buffer, 0, read)).Root;
                code = error?.Element("Code")?.Value;
                message = error?.Element("Message")?.Value;
            }
        }
        catch (Exception e) when (e is System.Xml.XmlException or HttpRequestException or IOException)
        {
            // No readable body: the status code alone decides.
        }
        var status = response.StatusCode;
        code ??= response.ReasonPhrase;
        // Unmapped codes (access, credentials, bucket) surface as the SDK path would throw them.
        return (Exception?)_errors.FromS3Error(code, status, message, target, uploadId, null)
            ?? new AmazonS3Exception(S3ErrorTranslator.Said(status, code, message), ErrorType.Sender, code, null, status);
    }
}
