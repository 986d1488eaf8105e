using System.Security.Cryptography;
using System.Text;

namespace Hoist.Cli.State;

/// <summary>
/// The right to work on one upload: an exclusive OS lock on locks/&lt;hash of the id&gt;.lock, held for the
/// whole transfer. `hoist resume` skips an upload whose lease another live process holds; the OS
/// drops the lock when its holder dies, even by SIGKILL.
/// </summary>
internal sealed class UploadLease : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _path;

    private UploadLease(FileStream @lock, string path)
    {
        _lock = @lock;
        _path = path;
    }

    public static UploadLease? TryTake(UploadStateFile state, string uploadId)
    {
        UploadStateFile.CreateFolder(state.LockFolder);
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uploadId)))[..32];
        var path = Path.Combine(state.LockFolder, name + ".lock");
        try
        {
            return new UploadLease(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), path);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Releases the lock; <paramref name="finished"/> also deletes the lock file (the upload is no longer recorded).</summary>
    public void Release(bool finished)
    {
        if (finished)
        {
            File.Delete(_path);
        }
        _lock.Dispose();
    }

    public void Dispose() => _lock.Dispose();
}
