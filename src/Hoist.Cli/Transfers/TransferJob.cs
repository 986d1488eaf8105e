using Hoist.Cli.State;

namespace Hoist.Cli.Transfers;

/// <summary>One file to upload, or one recorded upload to finish; <see cref="Folder"/>: the group of a folder argument's files.</summary>
internal sealed record TransferJob(string Path, string Name, long Size, DateTime LastWriteTimeUtc, Uri Server, UploadRecord? Resume = null, FolderGroup? Folder = null);

/// <summary>How one file ended.</summary>
internal enum TransferOutcome
{
    Uploaded,
    Failed,

    /// <summary>Failed, its upload still recorded: `hoist resume` can finish it.</summary>
    FailedResumable,
    Interrupted,
    Skipped,
}
