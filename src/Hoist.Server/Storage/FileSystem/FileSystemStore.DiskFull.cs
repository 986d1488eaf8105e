namespace Hoist.Server.Storage.FileSystem;

public sealed partial class FileSystemStore
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;
    private const int ERROR_HANDLE_DISK_FULL = 0x27;
    private const int ERROR_DISK_FULL = 0x70;

    /// <summary>
    /// Runs a write and turns a full disk into <see cref="StoreErrorCode.InsufficientStorage"/>. The
    /// write's temporary files are deleted by the write itself (in its finally), so the space it took
    /// is freed and nothing partial stays visible.
    /// </summary>
    private static async Task<T> WritingAsync<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw new StoreException(StoreErrorCode.InsufficientStorage,
                "The disk of the server's file system store is full; nothing of this request was kept. Free space on the server, then send again.", e);
        }
    }

    /// <summary>ENOSPC/EDQUOT on Unix (.NET's HResult is the errno there), ERROR_DISK_FULL on Windows.</summary>
    private static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) is ENOSPC or EDQUOT or ERROR_HANDLE_DISK_FULL or ERROR_DISK_FULL;
}
