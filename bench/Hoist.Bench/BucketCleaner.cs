using Amazon.S3;
using Amazon.S3.Model;
using Hoist.Bench.Measure;
using Hoist.Testing;

namespace Hoist.Bench;

/// <summary>Deletes what a run left under a key prefix (objects and incomplete multipart uploads), then lets Ceph's GC settle.</summary>
internal static class BucketCleaner
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var settings = S3TestSettings.FromEnvironment();
        using var s3 = settings.CreateS3Client();
        var (objects, uploads) = await CleanAsync(s3, settings.Bucket, args.Required("prefix"));
        await CollectGarbageAsync(args.Optional("ceph-conf"));
        Console.WriteLine($"deleted {objects} objects, aborted {uploads} uploads");
        return 0;
    }

    public static async Task<(int Objects, int Uploads)> CleanAsync(IAmazonS3 s3, string bucket, string prefix)
    {
        if (prefix.Length < 6)
        {
            throw new ArgumentException($"Refusing to clean the short prefix '{prefix}'.", nameof(prefix));
        }
        var uploads = 0;
        var listing = new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            var page = await s3.ListMultipartUploadsAsync(listing);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = upload.Key, UploadId = upload.UploadId });
                uploads++;
            }
            if (page.IsTruncated != true)
            {
                break;
            }
            (listing.KeyMarker, listing.UploadIdMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }
        var objects = 0;
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(request);
            var keys = (page.S3Objects ?? []).Select(o => new KeyVersion { Key = o.Key }).ToList();
            if (keys.Count > 0)
            {
                await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = keys });
                objects += keys.Count;
            }
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
        return (objects, uploads);
    }

    /// <summary>
    /// radosgw-admin gc process --include-all: deleted objects' data is otherwise reclaimed later,
    /// in the middle of the next run, which then looks slower than it is.
    /// </summary>
    public static async Task CollectGarbageAsync(string? cephConf)
    {
        if (string.IsNullOrEmpty(cephConf))
        {
            return;
        }
        await CephTools.RunAsync("radosgw-admin", cephConf, "gc", "process", "--include-all");
    }
}
