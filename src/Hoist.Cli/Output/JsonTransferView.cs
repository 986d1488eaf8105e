using System.Text.Json;
using System.Text.Json.Serialization;
using Hoist.Cli.Transfers;
using Hoist.Client;

namespace Hoist.Cli.Output;

/// <summary>--json: one JSON document per line for every file that ends (uploaded, failed, interrupted, skipped); nothing else on standard output.</summary>
internal sealed class JsonTransferView : ITransferView
{
    private readonly Lock _output = new();

    public Task RunAsync(IReadOnlyList<TransferJob> jobs, Func<Task> work) => work();

    public IFileView Add(TransferJob job) => new FileView(this, job, new TransferMeter(job.Size));

    public void Summarize(RunSummary summary)
    {
    }

    private void Write(FileReport report)
    {
        var line = CliJson.Serialize(report, ReportJson.Default.FileReport);
        lock (_output)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    private sealed class FileView(JsonTransferView view, TransferJob job, TransferMeter meter) : IFileView
    {
        private readonly FileProgress _progress = new(meter, new TransferMeter(0));
        private string? _uploadId = job.Resume?.UploadId;

        public void Report(UploadProgress value) => _progress.Report(value);

        public void Created(UploadCreated created) => _uploadId = created.UploadId;

        public void Completed(UploadResult result) => view.Write(new FileReport("uploaded", job.Path, job.Name, job.Size)
        {
            Key = result.Key,
            UploadId = result.UploadId,
            ETag = result.ETag,
            ChecksumSha256 = result.ChecksumSha256,
            LocalChecksumSha256 = result.LocalChecksumSha256,
            ChecksumVerified = result.ChecksumVerified,
            Sha256 = result.Sha256,
            PartCount = result.PartCount,
            PartsSent = result.PartsSent,
            PartsSentDirect = result.PartsSentDirect,
            DirectFallback = result.DirectFallback,
            Retries = result.Retries,
            Seconds = Math.Round(meter.Elapsed.TotalSeconds, 3),
            BytesPerSecond = Math.Round(meter.AverageBytesPerSecond),
        });

        public void Failed(string reason, string? uploadId, string? resume = null, UploadResult? stored = null) =>
            view.Write(new FileReport("failed", job.Path, job.Name, job.Size)
            {
                UploadId = uploadId ?? _uploadId,
                Error = reason,
                Resumable = uploadId is not null,
                Resume = resume,
                Key = stored?.Key,
                ETag = stored?.ETag,
                ChecksumSha256 = stored?.ChecksumSha256,
                LocalChecksumSha256 = stored?.LocalChecksumSha256,
                ChecksumVerified = stored?.ChecksumVerified,
                Sha256 = stored?.Sha256,
            });

        public void Interrupted(string? uploadId, string? resume = null) =>
            view.Write(new FileReport("interrupted", job.Path, job.Name, job.Size) { UploadId = uploadId ?? _uploadId, Resumable = uploadId is not null, Resume = resume });

        public void Skipped(string reason) =>
            view.Write(new FileReport("skipped", job.Path, job.Name, job.Size) { UploadId = _uploadId, Error = reason });
    }
}

/// <summary>The document --json prints per file.</summary>
internal sealed record FileReport(string Status, string Path, string Name, long Size)
{
    public string? Key { get; init; }
    public string? UploadId { get; init; }
    [JsonPropertyName("etag")]
    public string? ETag { get; init; }
    public string? ChecksumSha256 { get; init; }
    public string? LocalChecksumSha256 { get; init; }
    public bool? ChecksumVerified { get; init; }

    /// <summary>The whole file's SHA-256 in hex, as sha256sum prints it.</summary>
    public string? Sha256 { get; init; }
    public int? PartCount { get; init; }
    public int? PartsSent { get; init; }

    /// <summary>Of the parts sent, those that went straight to the store (direct mode).</summary>
    public int? PartsSentDirect { get; init; }

    /// <summary>Why the upload left the direct route and sent its remaining parts through Hoist.</summary>
    public string? DirectFallback { get; init; }
    public int? Retries { get; init; }
    public double? Seconds { get; init; }
    public double? BytesPerSecond { get; init; }
    public string? Error { get; init; }
    public bool? Resumable { get; init; }

    /// <summary>For a failed file whose upload stays recorded: the command that finishes it.</summary>
    public string? Resume { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FileReport))]
internal sealed partial class ReportJson : JsonSerializerContext;
