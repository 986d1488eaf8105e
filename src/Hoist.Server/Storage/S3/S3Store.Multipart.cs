using System.Runtime.CompilerServices;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

public sealed partial class S3Store
{
    public async Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, long? partSize, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        var request = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = ToS3Key(key), ContentType = NullIfEmpty(contentType) };
        S3Metadata.CopyTo(metadata, request.Metadata);
        var response = await CallAsync(() => _s3.InitiateMultipartUploadAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
        return response.UploadId;
    }

    public async Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        S3Limits.RequirePartNumber(partNumber);
        if (length > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A part may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        var presign = new GetPreSignedUrlRequest { Key = ToS3Key(key), UploadId = uploadId, PartNumber = partNumber };
        var (etag, sha256) = await PutVerifiedAsync(presign, body, length, expectedSha256, S3Target.Upload, uploadId, cancellationToken);
        await _markers.RememberPartAsync(uploadId, partNumber, etag, sha256, cancellationToken);
        return new StoredPart(partNumber, length, etag, DateTimeOffset.UtcNow, Convert.ToBase64String(sha256));
    }

    /// <summary>
    /// Sends a part's or an object's bytes, checked on the way: by the store against the declared
    /// SHA-256 where it checks a signed payload, else here (SHA-256, and MD5 against the ETag). Answers
    /// the store's ETag and the bytes' SHA-256. <paramref name="createOnly"/>: the put stores nothing
    /// where the key holds an object (<c>If-None-Match: *</c>; <see cref="StoreErrorCode.ObjectExists"/>).
    /// </summary>
    private async Task<(string ETag, byte[] Sha256)> PutVerifiedAsync(GetPreSignedUrlRequest presign, Stream body, long length, byte[]? expectedSha256, S3Target target, string? uploadId, CancellationToken cancellationToken, bool createOnly = false)
    {
        var url = await PresignPutAsync(presign, target, uploadId, cancellationToken);
        if (expectedSha256 is not null && await SignPayloadAsync(url, expectedSha256, cancellationToken) is { } signed)
        {
            // The store refuses bytes other than the declared SHA-256 and keeps nothing of them: count, don't hash.
            await using var counted = PartBodyStream.Counted(body, length);
            return (await SendPutAsync(presign, signed, counted, length, expectedSha256, target, uploadId, cancellationToken, createOnly), expectedSha256);
        }
        await using var checkedBody = new PartBodyStream(body, length, expectedSha256, computeMd5: VerifyETags);
        var etag = await SendPutAsync(presign, new Uri(url), checkedBody, length, null, target, uploadId, cancellationToken, createOnly);
        CheckETag(etag, checkedBody);
        return (etag, checkedBody.Sha256);
    }

    public async Task<StoredPart> UploadPartCopyAsync(string key, string uploadId, int partNumber, string sourceKey, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        S3Limits.RequirePartNumber(partNumber);
        var source = await HeadObjectAsync(sourceKey, cancellationToken)
            ?? throw new StoreException(StoreErrorCode.NoSuchKey, $"No object has the key '{sourceKey}'.");
        if (source.Size > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A part may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        var request = new CopyPartRequest
        {
            SourceBucket = _bucket,
            SourceKey = ToS3Key(sourceKey),
            DestinationBucket = _bucket,
            DestinationKey = ToS3Key(key),
            UploadId = uploadId,
            PartNumber = partNumber,
        };
        var response = await CallAsync(() => _s3.CopyPartAsync(request, cancellationToken), S3Target.Upload, uploadId, cancellationToken);
        // No SHA-256 is known of bytes that never passed through here: the complete answers no composite checksum.
        return new StoredPart(partNumber, source.Size, Unquote(response.ETag).ToLowerInvariant(), ToOffset(response.LastModified));
    }

    public async IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        Dictionary<int, Dictionary<string, string>>? checksums = null;
        string? marker = null;
        while (true)
        {
            var request = new ListPartsRequest { BucketName = _bucket, Key = ToS3Key(key), UploadId = uploadId, MaxParts = ListPageSize, PartNumberMarker = marker };
            var page = await CallAsync(() => _s3.ListPartsAsync(request, cancellationToken), S3Target.Upload, uploadId, cancellationToken);
            // Read after the first page proved the upload exists; a marker of a part not listed yet is simply unused.
            checksums ??= await _markers.ReadPartsAsync(uploadId, cancellationToken);
            foreach (var part in page.Parts ?? [])
            {
                var number = part.PartNumber ?? 0;
                var etag = Unquote(part.ETag);
                var sha256 = checksums.TryGetValue(number, out var byETag) && byETag.TryGetValue(etag, out var known) ? known : part.ChecksumSHA256;
                yield return new StoredPart(number, part.Size ?? 0, etag, ToOffset(part.LastModified), sha256);
            }
            if (page.IsTruncated != true || page.NextPartNumberMarker is not { } next)
            {
                yield break;
            }
            marker = Invariant(next);
        }
    }

    public async Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        var request = new AbortMultipartUploadRequest { BucketName = _bucket, Key = ToS3Key(key), UploadId = uploadId };
        await CallAsync(() => _s3.AbortMultipartUploadAsync(request, cancellationToken), S3Target.Upload, uploadId, cancellationToken);
        await _markers.ForgetPartsAsync(uploadId, cancellationToken);
    }

    public async IAsyncEnumerable<IncompleteUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectKey.ValidatePrefix(prefix);
        string? keyMarker = null, uploadIdMarker = null;
        while (true)
        {
            var request = new ListMultipartUploadsRequest
            {
                BucketName = _bucket,
                Prefix = ToS3Key(prefix),
                MaxUploads = ListPageSize,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadIdMarker,
            };
            var page = await CallAsync(() => _s3.ListMultipartUploadsAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                yield return new IncompleteUpload(FromS3Key(upload.Key), upload.UploadId, ToOffset(upload.Initiated));
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextKeyMarker))
            {
                yield break;
            }
            (keyMarker, uploadIdMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }
    }
}
