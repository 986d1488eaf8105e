using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Hoist.Testing;

namespace Hoist.Bench.Clients;

/// <summary>
/// The "direct" configuration, the ceiling: a multipart upload straight to the store with the AWS SDK for .NET.
/// Modes: <c>sdk</c> — our own loop of UploadPart requests read by the SDK from the file
/// (FilePath + FilePosition, so no buffer), streaming SigV4 with chunk signatures (the SDK's
/// default); <c>sdk-unchunked</c> — the same with UseChunkEncoding = false (the SDK hashes each
/// part, then sends it: the file is read twice); <c>tu</c> — TransferUtility; <c>presigned</c> —
/// the SDK presigns each UploadPart and HttpClient streams the file slice (UNSIGNED-PAYLOAD,
/// no client-side hashing: how the Hoist server itself talks to S3).
/// </summary>
internal static class DirectUpload
{
    public static string Describe(string mode) => mode switch
    {
        "sdk" => "AWS SDK for .NET, UploadPartRequest from the file (chunk-signed streaming)",
        "sdk-unchunked" => "AWS SDK for .NET, UploadPartRequest from the file, UseChunkEncoding = false",
        "transfer-utility" => "AWS SDK for .NET TransferUtility",
        "presigned" => "AWS SDK for .NET presigned UploadPart + HttpClient from the file",
        _ => mode,
    };

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var file = args.Required("file");
        var key = args.Required("key");
        var mode = args.Optional("mode") ?? "presigned";
        var partSize = args.Size("part-size", 8 * Sizes.MiB);
        var parallel = args.Int("parallel", 4);
        var settings = S3TestSettings.FromEnvironment();
        using var s3 = settings.CreateS3Client();
        var size = new FileInfo(file).Length;
        return await ClientReport.MeasureAsync(size, async () =>
        {
            if (mode == "transfer-utility")
            {
                using var transfer = new TransferUtility(s3, new TransferUtilityConfig { ConcurrentServiceRequests = parallel });
                await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = settings.Bucket, Key = key, FilePath = file, PartSize = partSize });
                return new ClientReport(size, 0, 0) { Key = key, Detail = mode };
            }
            var created = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = settings.Bucket, Key = key });
            var count = (int)Math.Max(1, (size + partSize - 1) / partSize);
            var etags = new PartETag[count];
            using var http = mode == "presigned" ? new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan } : null;
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (number, token) =>
                {
                    var offset = (number - 1) * partSize;
                    var length = Math.Min(partSize, size - offset);
                    string etag;
                    if (http is not null)
                    {
                        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
                        {
                            BucketName = settings.Bucket, Key = key, Verb = HttpVerb.PUT, UploadId = created.UploadId, PartNumber = number,
                            Protocol = settings.ServiceUrl.StartsWith("http://", StringComparison.Ordinal) ? Protocol.HTTP : Protocol.HTTPS,
                            Expires = DateTime.UtcNow.AddHours(1),
                        });
                        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new FileSliceContent(handle, offset, length) };
                        using var response = await http.SendAsync(request, token);
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            throw new InvalidOperationException($"UploadPart {number} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(token)}");
                        }
                        etag = response.Headers.ETag?.Tag ?? "";
                    }
                    else
                    {
                        var response = await s3.UploadPartAsync(new UploadPartRequest
                        {
                            BucketName = settings.Bucket, Key = key, UploadId = created.UploadId, PartNumber = number,
                            FilePath = file, FilePosition = offset, PartSize = length,
                            UseChunkEncoding = mode != "sdk-unchunked",
                        }, token);
                        etag = response.ETag;
                    }
                    etags[number - 1] = new PartETag(number, etag);
                });
                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = settings.Bucket, Key = key, UploadId = created.UploadId, PartETags = [.. etags],
                });
            }
            catch
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = settings.Bucket, Key = key, UploadId = created.UploadId });
                throw;
            }
            return new ClientReport(size, 0, 0) { Key = key, Detail = mode };
        });
    }
}
