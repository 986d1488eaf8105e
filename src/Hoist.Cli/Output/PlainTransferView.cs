using System.Diagnostics;
using Hoist.Cli.Transfers;
using Hoist.Client;

namespace Hoist.Cli.Output;

/// <summary>For pipes and logs: one plain line per event, progress every few seconds, no ANSI.</summary>
internal sealed class PlainTransferView : ITransferView
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly Lock _output = new();
    private TransferMeter _overall = new(0);

    public async Task RunAsync(IReadOnlyList<TransferJob> jobs, Func<Task> work)
    {
        _overall = new TransferMeter(jobs.Sum(j => j.Size));
        await work();
    }

    public IFileView Add(TransferJob job) => new FileView(this, job, new TransferMeter(job.Size));

    public void Summarize(RunSummary summary) =>
        Write(Console.Out, $"{summary.Uploaded} uploaded, {summary.Failed} failed, {summary.Interrupted} interrupted" +
            (summary.Skipped > 0 ? $", {summary.Skipped} skipped" : "") +
            (summary.Bytes > 0 ? $"; {Sizes.Bytes(summary.Bytes)} in {Sizes.Duration(summary.Elapsed)} ({Sizes.Speed(summary.BytesPerSecond)})" : ""));

    private void Write(TextWriter writer, string line)
    {
        lock (_output)
        {
            writer.WriteLine(line);
        }
    }

    private sealed class FileView(PlainTransferView view, TransferJob job, TransferMeter meter) : IFileView
    {
        private readonly FileProgress _progress = new(meter, view._overall);
        private long _lastLine = Stopwatch.GetTimestamp();
        private bool _resumedSaid;
        private bool _completingSaid;

        public void Report(UploadProgress value)
        {
            _progress.Report(value);
            if (!_resumedSaid && value.BytesResumed > 0)
            {
                _resumedSaid = true;
                view.Write(Console.Out, $"resuming {job.Name}: {Percent(value.BytesResumed, value.TotalBytes)} already stored ({value.PartsCompleted} of {value.PartCount} parts)");
            }
            if (!_completingSaid && value.PartCount > 1 && value.PartsCompleted == value.PartCount)
            {
                _completingSaid = true;
                view.Write(Console.Out, $"completing {job.Name}: all {value.PartCount} parts stored");
            }
            if (Stopwatch.GetElapsedTime(_lastLine) >= Interval && value.BytesUploaded < value.TotalBytes)
            {
                _lastLine = Stopwatch.GetTimestamp();
                view.Write(Console.Out, $"{job.Name}: {Percent(value.BytesUploaded, value.TotalBytes)}, {Sizes.Bytes(value.BytesUploaded)} of {Sizes.Bytes(value.TotalBytes)}, {Sizes.Speed(meter.BytesPerSecond)}, {Sizes.Duration(meter.Remaining)} left");
            }
        }

        public void Created(UploadCreated created) =>
            view.Write(Console.Out, $"uploading {job.Name} ({Sizes.Bytes(created.Size)}, {created.PartCount} part{(created.PartCount == 1 ? "" : "s")} of {Sizes.Bytes(created.PartSize)}) to {created.Key}");

        public void Completed(UploadResult result)
        {
            _progress.Finish(result.Size);
            var check = result.ChecksumVerified ? "sha256 verified" : "size verified";
            view.Write(Console.Out, $"uploaded {job.Name} -> {result.Key} ({Sizes.Bytes(result.Size)} in {Sizes.Duration(meter.Elapsed)}, {Sizes.Speed(meter.AverageBytesPerSecond)}; {result.PartsSent} of {result.PartCount} parts sent; {check})" +
                (result.Sha256 is null ? "" : $", sha256 {result.Sha256}") + (DirectNote.Of(result) is { } direct ? $"; {direct}" : ""));
        }

        public void Failed(string reason, string? uploadId, string? resume = null, UploadResult? stored = null) =>
            view.Write(Console.Error, $"failed {job.Name}: {reason}" + (resume is null ? "" : $"{Sentence.End(reason)} Continue with: {resume}"));

        public void Interrupted(string? uploadId, string? resume = null) => view.Write(Console.Out, $"interrupted {job.Name}" + (uploadId is null ? " (not started)" : " (resumable)"));

        public void Skipped(string reason) => view.Write(Console.Out, $"skipped {job.Name}: {reason}");

        private static string Percent(long part, long whole) => whole == 0 ? "100%" : $"{part * 100 / whole}%";
    }
}
