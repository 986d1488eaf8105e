namespace Hoist.Server.Storage;

/// <summary>
/// A store whose writes, when the process dies in the middle of them, leave temporary files behind
/// (the FileSystemStore: a part file cut off mid-body is never renamed into place, nor deleted).
/// S3 needs nothing of the kind: it discards an unfinished PUT itself.
/// </summary>
public interface ILeftoverStore
{
    /// <summary>Removes temporary files last written before <paramref name="olderThan"/>; answers how many it removed.</summary>
    Task<int> RemoveLeftoversAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}
