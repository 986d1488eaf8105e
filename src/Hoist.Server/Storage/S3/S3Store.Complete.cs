using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

public sealed partial class S3Store
{
    public async Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<PartReference> parts, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        // Listing first answers NoSuchUpload for an unknown upload, which Ceph's complete answers
        // with a 500 that the SDK retries, and lets the rules below hold on every S3.
        var stored = new Dictionary<int, StoredPart>();
        await foreach (var part in ListPartsAsync(key, uploadId, cancellationToken))
        {
            stored[part.PartNumber] = part;
        }
        var chosen = CompleteRules.ChooseParts(parts, stored);

        var request = new CompleteMultipartUploadRequest
        {
            BucketName = _bucket,
            Key = ToS3Key(key),
            UploadId = uploadId,
            // The stored ETags, not the caller's: Ceph compares them case-sensitively.
            PartETags = [.. chosen.Select(p => new PartETag { PartNumber = p.PartNumber, ETag = $"\"{p.ETag}\"" })],
        };
        var response = await CallAsync(() => _s3.CompleteMultipartUploadAsync(request, cancellationToken), Target.Upload, uploadId, cancellationToken);

        await ForgetChecksumsAsync(uploadId, cancellationToken);
        var etag = Unquote(response.ETag);
        if (etag.Length == 0)
        {
            // Ceph answers an empty ETag.
            var info = await HeadObjectAsync(key, cancellationToken)
                ?? throw Unavailable($"The object '{key}' is missing right after its upload completed.", null);
            etag = info.ETag;
        }
        return new CompletedObject(key, etag, chosen.Sum(p => p.Size));
    }
}
