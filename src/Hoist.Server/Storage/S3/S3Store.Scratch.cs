using System.Runtime.CompilerServices;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

/// <summary>Scratch objects: plain S3 objects at <c>&lt;prefix&gt;.hoist/scratch/&lt;name&gt;</c>; a put goes through a presigned PUT like a part.</summary>
public sealed partial class S3Store
{
    private string ScratchKey(string name) => ToS3Key(ObjectKey.ScratchFolder + name);

    public async Task<ScratchObject> PutScratchAsync(string name, Stream body, long length, CancellationToken cancellationToken)
    {
        ObjectKey.ValidateScratchName(name);
        if (length > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A scratch object may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        await using var checkedBody = new PartBodyStream(body, length, null, computeMd5: VerifyETags);
        await PutPresignedAsync(new GetPreSignedUrlRequest { Key = ScratchKey(name) }, checkedBody, length, S3Target.Object, null, cancellationToken);
        return new ScratchObject(name, length, DateTimeOffset.UtcNow);
    }

    public async Task<ObjectContent> GetScratchAsync(string name, CancellationToken cancellationToken)
    {
        ObjectKey.ValidateScratchName(name);
        var request = new GetObjectRequest { BucketName = _bucket, Key = ScratchKey(name) };
        var response = await CallAsync(() => _s3.GetObjectAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
        var info = new ObjectInfo(name, response.ContentLength, Unquote(response.ETag), ToOffset(response.LastModified), null, new Dictionary<string, string>());
        return new ObjectContent(info, response.ResponseStream, 0, response.ContentLength);
    }

    public async Task DeleteScratchAsync(string name, CancellationToken cancellationToken)
    {
        ObjectKey.ValidateScratchName(name);
        var request = new DeleteObjectRequest { BucketName = _bucket, Key = ScratchKey(name) };
        await CallAsync(() => _s3.DeleteObjectAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
    }

    public async IAsyncEnumerable<ScratchObject> ListScratchAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectKey.ValidateScratchPrefix(prefix);
        var root = ToS3Key(ObjectKey.ScratchFolder);
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = root + prefix, MaxKeys = ListPageSize };
        do
        {
            var page = await CallAsync(() => _s3.ListObjectsV2Async(request, cancellationToken), S3Target.Object, null, cancellationToken);
            foreach (var o in page.S3Objects ?? [])
            {
                yield return new ScratchObject(o.Key[root.Length..], o.Size ?? 0, ToOffset(o.LastModified));
            }
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }
}
