namespace Hoist.Server.Storage.FileSystem;

public sealed partial class FileSystemStore : ILeftoverStore
{
    /// <summary>
    /// Everything in <c>.hoist/tmp</c> not written since <paramref name="olderThan"/>. A write in
    /// progress touches its file all the time (and Kestrel ends a stalled body within seconds), so
    /// an old entry belongs to a process that died, whichever instance sharing the folder it was.
    /// </summary>
    public Task<int> RemoveLeftoversAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var entry in new DirectoryInfo(_tmp).EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.LastWriteTimeUtc >= olderThan.UtcDateTime)
            {
                continue;
            }
            try
            {
                if (entry is DirectoryInfo directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or still in use: the next sweep looks again.
            }
        }
        return Task.FromResult(removed);
    }
}
