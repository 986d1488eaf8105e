using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

public sealed partial class S3Store
{
    public async Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        ValidateUploadId(uploadId);
        // Listed again although the caller just listed them: Ceph's complete answers an unknown or
        // aborted upload with a 500 that the SDK retries, and — measured in the contract's race test —
        // a complete sent without this listing races an abort of the same upload so closely that both
        // succeed; the listing answers NoSuchUpload for an upload aborted meanwhile. It also holds
        // the rules below (every stored part named) on every S3.
        var stored = new Dictionary<int, StoredPart>();
        await foreach (var part in ListPartsAsync(key, uploadId, cancellationToken))
        {
            stored[part.PartNumber] = part;
        }
        var chosen = CompleteRules.ChooseParts(parts, stored);

        // The checksum is kept BEFORE the object appears, under the multipart ETag S3 will give it
        // (MD5 of the part MD5s): a server that dies between S3's complete and its answer leaves an
        // object whose checksum a retried complete still finds. A complete that fails leaves only
        // an empty marker nobody reads.
        var checksum = MultipartChecksums.CompositeSha256(chosen);
        var expectedETag = MultipartChecksums.ETag(chosen);
        if (checksum is not null)
        {
            await _markers.RememberObjectAsync(key, expectedETag, checksum, cancellationToken);
        }

        var request = new CompleteMultipartUploadRequest
        {
            BucketName = _bucket,
            Key = ToS3Key(key),
            UploadId = uploadId,
            // The stored ETags, not the caller's: Ceph compares them case-sensitively.
            PartETags = [.. chosen.Select(p => new PartETag { PartNumber = p.PartNumber, ETag = $"\"{p.ETag}\"" })],
        };
        CompleteMultipartUploadResponse response;
        try
        {
            response = await CallAsync(() => _s3.CompleteMultipartUploadAsync(request, cancellationToken), S3Target.Upload, uploadId, cancellationToken);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.Unavailable)
        {
            // Ceph answers a complete that raced another complete or an abort with a 500 ("This
            // multipart completion is already in progress", or its InternalError for an aborted
            // upload): say who won, as S3 does, instead of a retryable failure.
            if (await HeadCompletedAsync(key, cancellationToken) is { } done && done.Size == chosen.Sum(p => p.Size) && !await UploadExistsAsync(key, uploadId, cancellationToken))
            {
                return done;
            }
            if (!await UploadExistsAsync(key, uploadId, cancellationToken))
            {
                throw StoreException.NoSuchUpload(uploadId, e);
            }
            throw;
        }

        var etag = Unquote(response.ETag);
        if (etag.Length == 0)
        {
            // Ceph answers an empty ETag.
            var info = await HeadObjectAsync(key, cancellationToken)
                ?? throw S3ErrorTranslator.Unavailable($"The object '{key}' is missing right after its upload completed.", null);
            etag = info.ETag;
        }
        if (checksum is not null && !string.Equals(etag, expectedETag, StringComparison.OrdinalIgnoreCase))
        {
            // A store whose multipart ETags are not MD5-based (SSE-KMS and the like): keep it under the real one too.
            await _markers.RememberObjectAsync(key, etag, checksum, cancellationToken);
        }
        await _markers.ForgetPartsAsync(uploadId, cancellationToken);
        return new CompletedObject(key, etag, chosen.Sum(p => p.Size), checksum);
    }

    private async Task<bool> UploadExistsAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ListPartsRequest { BucketName = _bucket, Key = ToS3Key(key), UploadId = uploadId, MaxParts = 1 };
            await CallAsync(() => _s3.ListPartsAsync(request, cancellationToken), S3Target.Upload, uploadId, cancellationToken);
            return true;
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
        {
            return false;
        }
    }

    /// <summary>
    /// One PutObject: the one-part composite checksum travels as the object's metadata
    /// (<see cref="CompletedChecksumMetadata"/>), fixed with the object in the same call, so no marker
    /// is needed and nothing is left to clean up.
    /// </summary>
    public async Task<CompletedObject> PutCompletedAsync(string key, Stream body, long length, byte[] expectedSha256, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        if (length > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A single put may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        var checksum = MultipartChecksums.CompositeSha256(expectedSha256);
        var presign = new GetPreSignedUrlRequest { Key = ToS3Key(key), ContentType = NullIfEmpty(contentType) };
        S3Metadata.CopyTo(new Dictionary<string, string>(metadata) { [CompletedChecksumMetadata] = checksum }, presign.Metadata);
        var (etag, _) = await PutVerifiedAsync(presign, body, length, expectedSha256, S3Target.Object, null, cancellationToken, createOnly: true);
        return new CompletedObject(key, etag, length, checksum);
    }

    /// <summary>The metadata that holds the composite checksum of an object stored by <see cref="PutCompletedAsync"/>.</summary>
    private const string CompletedChecksumMetadata = "hoist-checksum-sha256";

    public async Task<CompletedObject?> HeadCompletedAsync(string key, CancellationToken cancellationToken)
    {
        var head = HeadObjectAsync(key, cancellationToken);
        var checksums = _markers.ReadObjectAsync(key, cancellationToken);
        if (await head is not { } info)
        {
            return null;
        }
        var checksum = (await checksums).GetValueOrDefault(info.ETag) ?? info.Metadata.GetValueOrDefault(CompletedChecksumMetadata);
        return new CompletedObject(key, info.ETag, info.Size, checksum);
    }
}
