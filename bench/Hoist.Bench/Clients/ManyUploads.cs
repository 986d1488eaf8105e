using Amazon.S3.Model;
using Hoist.Client;
using Hoist.Testing;

namespace Hoist.Bench.Clients;

/// <summary>
/// Many uploads from one client process, <c>--concurrency</c> at a time: the small-files run (every
/// file of <c>--dir</c>) and the sweep (<c>--copies</c> uploads of one <c>--file</c>). Targets:
/// <c>hoist</c> (HoistClient to <c>--server</c>, each upload with <c>--parallel</c> parts in flight:
/// a file of one part is a create and one PUT that completes) and <c>direct</c> (one PutObject per
/// file with the AWS SDK for .NET, under <c>--key-prefix</c>). Any failed upload fails the process.
/// </summary>
internal static class ManyUploads
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var target = args.Required("target");
        var concurrency = args.Int("concurrency", 16);
        var files = args.Optional("dir") is { } dir
            ? Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList()
            : Enumerable.Repeat(args.Required("file"), args.Int("copies", 1)).ToList();
        var bytes = files.Sum(f => new FileInfo(f).Length);
        var numbered = files.Select((path, i) => (Path: path, Name: $"{i + 1:D5}-{Path.GetFileName(path)}")).ToList();
        var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency };
        return await ClientReport.MeasureAsync(bytes, async () =>
        {
            switch (target)
            {
                case "hoist":
                    var counter = new RequestCounter();
                    using (var http = HoistUpload.CreateHttpClient(new Uri(args.Required("server")), counter))
                    {
                        var client = new HoistClient(http, new HoistClientOptions { Parallelism = args.Int("parallel", 4) });
                        var retries = 0;
                        await Parallel.ForEachAsync(numbered, options, async (file, token) =>
                        {
                            var result = await client.UploadFileAsync(file.Path, new UploadOptions { FileName = file.Name }, token);
                            Interlocked.Add(ref retries, result.Retries);
                        });
                        return new ClientReport(bytes, 0, 0) { Files = files.Count, Detail = $"requests={counter.Count} retries={retries}" };
                    }
                case "direct":
                    var settings = S3TestSettings.FromEnvironment();
                    using (var s3 = settings.CreateS3Client())
                    {
                        var prefix = args.Required("key-prefix");
                        await Parallel.ForEachAsync(numbered, options, async (file, token) =>
                            await s3.PutObjectAsync(new PutObjectRequest { BucketName = settings.Bucket, Key = prefix + file.Name, FilePath = file.Path }, token));
                        return new ClientReport(bytes, 0, 0) { Files = files.Count, Detail = "PutObject" };
                    }
                default:
                    throw new BenchArgsException($"Unknown --target '{target}' (hoist, direct).");
            }
        });
    }
}
