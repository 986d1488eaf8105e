using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

/// <summary>Records (<see cref="IRecordStore"/>): small objects at <c>&lt;prefix&gt;.hoist/records/&lt;folder&gt;/&lt;name&gt;</c> (an S3 PUT is atomic).</summary>
public sealed partial class S3Store : IRecordStore
{
    public async Task PutRecordAsync(string folder, string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        RecordNames.Validate(folder, name, content.Length);
        using var body = new MemoryStream(content.ToArray(), writable: false);
        var request = new PutObjectRequest { BucketName = _bucket, Key = ToS3Key(RecordNames.KeyOf(folder, name)), InputStream = body, ContentType = "application/json", AutoCloseStream = false };
        await CallAsync(() => _s3.PutObjectAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
    }

    public async Task<byte[]?> GetRecordAsync(string folder, string name, CancellationToken cancellationToken)
    {
        RecordNames.Validate(folder, name);
        var request = new GetObjectRequest { BucketName = _bucket, Key = ToS3Key(RecordNames.KeyOf(folder, name)) };
        try
        {
            using var response = await CallAsync(() => _s3.GetObjectAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchKey)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListRecordsAsync(string folder, int max, CancellationToken cancellationToken)
    {
        RecordNames.Validate(folder);
        var prefix = ToS3Key(RecordNames.Folder + folder + "/");
        var names = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, MaxKeys = Math.Clamp(max, 1, 1000) };
        while (names.Count < max)
        {
            var page = await CallAsync(() => _s3.ListObjectsV2Async(request, cancellationToken), S3Target.Object, null, cancellationToken);
            names.AddRange((page.S3Objects ?? []).Select(o => o.Key[prefix.Length..]).Where(n => !n.Contains('/')));
            if (page.IsTruncated != true)
            {
                break;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
        return [.. names.Take(max)];
    }

    public async Task DeleteRecordAsync(string folder, string name, CancellationToken cancellationToken)
    {
        RecordNames.Validate(folder, name);
        var request = new DeleteObjectRequest { BucketName = _bucket, Key = ToS3Key(RecordNames.KeyOf(folder, name)) };
        await CallAsync(() => _s3.DeleteObjectAsync(request, cancellationToken), S3Target.Object, null, cancellationToken);
    }
}
