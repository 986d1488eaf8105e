using Hoist.Cli.Transfers;
using Hoist.Client;

namespace Hoist.Cli.Output;

/// <summary>How a run of transfers is shown: live bars on a terminal, plain lines in a pipe, or JSON.</summary>
internal interface ITransferView
{
    /// <summary>Runs the transfers inside the view (the live display lasts exactly that long).</summary>
    Task RunAsync(IReadOnlyList<TransferJob> jobs, Func<Task> work);

    /// <summary>A file starts.</summary>
    IFileView Add(TransferJob job);

    /// <summary>After <see cref="RunAsync"/>: the totals and whatever needs saying about failures.</summary>
    void Summarize(RunSummary summary);
}

/// <summary>One file's part of the view; progress arrives on sending threads.</summary>
internal interface IFileView : IProgress<UploadProgress>
{
    void Created(UploadCreated created);

    void Completed(UploadResult result);

    /// <summary>
    /// The file failed. <paramref name="uploadId"/> and <paramref name="resume"/> (the command that finishes
    /// it) when its upload stays recorded; <paramref name="stored"/> when the file is stored but unverified.
    /// </summary>
    void Failed(string reason, string? uploadId, string? resume = null, UploadResult? stored = null);

    void Interrupted(string? uploadId, string? resume = null);

    void Skipped(string reason);
}

internal sealed record RunSummary(int Uploaded, int Failed, int Interrupted, int Skipped, long Bytes, TimeSpan Elapsed, double BytesPerSecond);

/// <summary>
/// Turns a file's progress reports into meter updates for the file and for the whole run: the
/// bytes reported again when a part is retried are never counted twice (the client guarantees it).
/// </summary>
internal sealed class FileProgress(TransferMeter file, TransferMeter overall)
{
    private long _done;
    private long _transferred;

    public void Report(UploadProgress progress)
    {
        var transferred = progress.BytesUploaded - progress.BytesResumed;
        var done = progress.BytesUploaded - _done;
        var sent = transferred - _transferred;
        if (done == 0 && sent == 0)
        {
            return;
        }
        _done = progress.BytesUploaded;
        _transferred = transferred;
        file.Add(done, sent);
        overall.Add(done, sent);
    }

    /// <summary>The file is stored: whatever was not reported yet counts as done (never as speed).</summary>
    public void Finish(long size)
    {
        var rest = size - _done;
        if (rest > 0)
        {
            _done = size;
            file.Add(rest, 0);
            overall.Add(rest, 0);
        }
    }
}
