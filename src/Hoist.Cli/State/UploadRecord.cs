namespace Hoist.Cli.State;

/// <summary>
/// One upload in progress, as the state file keeps it: enough to find the file again, to tell whether
/// it changed since, and to resume the upload on its server.
/// </summary>
internal sealed record UploadRecord(
    string UploadId,
    string Server,
    string Path,
    string Name,
    long Size,
    DateTime LastWriteTimeUtc,
    string Key,
    long PartSize,
    int PartCount,
    DateTimeOffset StartedAt,
    DateTimeOffset ExpiresAt);

internal sealed record UploadStateDocument(int Version, List<UploadRecord> Uploads)
{
    public const int CurrentVersion = 1;
}
