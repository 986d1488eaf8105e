using System.Runtime.CompilerServices;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

public sealed partial class S3Store
{
    public async Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        var request = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = ToS3Key(key), ContentType = NullIfEmpty(contentType) };
        S3Metadata.CopyTo(metadata, request.Metadata);
        var response = await CallAsync(() => _s3.InitiateMultipartUploadAsync(request, cancellationToken), Target.Object, null, cancellationToken);
        return response.UploadId;
    }

    public async Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        ValidatePartNumber(partNumber);
        if (length > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A part may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        await using var checkedBody = new PartBodyStream(body, length, expectedSha256, computeMd5: VerifyETags);
        var presign = new GetPreSignedUrlRequest { Key = ToS3Key(key), UploadId = uploadId, PartNumber = partNumber };
        var etag = await PutPresignedAsync(presign, checkedBody, length, Target.Upload, uploadId, cancellationToken);
        // Ceph 16 keeps no checksums: the part's SHA-256 is not known to the store.
        return new StoredPart(partNumber, length, etag, DateTimeOffset.UtcNow);
    }

    public async IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        string? marker = null;
        while (true)
        {
            var request = new ListPartsRequest { BucketName = _bucket, Key = ToS3Key(key), UploadId = uploadId, MaxParts = ListPageSize, PartNumberMarker = marker };
            var page = await CallAsync(() => _s3.ListPartsAsync(request, cancellationToken), Target.Upload, uploadId, cancellationToken);
            foreach (var part in page.Parts ?? [])
            {
                yield return new StoredPart(part.PartNumber ?? 0, part.Size ?? 0, Unquote(part.ETag), ToOffset(part.LastModified));
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
        await CallAsync(() => _s3.AbortMultipartUploadAsync(request, cancellationToken), Target.Upload, uploadId, cancellationToken);
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
            var page = await CallAsync(() => _s3.ListMultipartUploadsAsync(request, cancellationToken), Target.Object, null, cancellationToken);
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
