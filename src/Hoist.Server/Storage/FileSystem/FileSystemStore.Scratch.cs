using System.Runtime.CompilerServices;

namespace Hoist.Server.Storage.FileSystem;

/// <summary>
/// Scratch objects: plain files under <c>root/.hoist/scratch/&lt;name&gt;</c>, written to
/// <c>.hoist/tmp</c> first and renamed into place (whole or not at all, like every other write).
/// </summary>
public sealed partial class FileSystemStore
{
    private string ScratchRoot => Path.Combine(_root, ObjectKey.ReservedSegment, "scratch");

    private string ScratchPath(string name) => Path.Combine(ScratchRoot, name);

    public Task<ScratchObject> PutScratchAsync(string name, Stream body, long length, CancellationToken cancellationToken) =>
        WritingAsync(() => PutScratchCoreAsync(name, body, length, cancellationToken));

    private async Task<ScratchObject> PutScratchCoreAsync(string name, Stream body, long length, CancellationToken cancellationToken)
    {
        ObjectKey.ValidateScratchName(name);
        if (length > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A scratch object may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        var temp = TempPath("scratch");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            await using (var checkedBody = new PartBodyStream(body, length, null, computeMd5: false))
            {
                await checkedBody.CopyToAsync(file, 1024 * 1024, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            var path = ScratchPath(name);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.Move(temp, path, overwrite: true);
                    break;
                }
                catch (DirectoryNotFoundException) when (attempt < 5)
                {
                    // A delete removed the (empty) folder between the two steps: make it again.
                }
                catch (IOException e) when (Directory.Exists(path))
                {
                    throw new StoreException(StoreErrorCode.InvalidKey, $"The scratch name '{name}' clashes with another scratch object's path.", e);
                }
            }
            return new ScratchObject(name, length, File.GetLastWriteTimeUtc(path));
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task<ObjectContent> GetScratchAsync(string name, CancellationToken cancellationToken)
    {
        ObjectKey.ValidateScratchName(name);
        FileStream stream;
        try
        {
            stream = new FileStream(ScratchPath(name), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new StoreException(StoreErrorCode.NoSuchKey, $"No scratch object is named '{name}'.", e);
        }
        var info = new ObjectInfo(name, stream.Length, "", File.GetLastWriteTimeUtc(stream.SafeFileHandle), null, new Dictionary<string, string>());
        return Task.FromResult(new ObjectContent(info, stream, 0, info.Size));
    }

    public Task DeleteScratchAsync(string name, CancellationToken cancellationToken)
    {
        ObjectKey.ValidateScratchName(name);
        var path = ScratchPath(name);
        DeleteIfFile(path);
        // Empty folders are no objects: remove them up to the scratch root (best effort; a put makes them again).
        for (var folder = Path.GetDirectoryName(path); folder is not null && folder.Length > ScratchRoot.Length; folder = Path.GetDirectoryName(folder))
        {
            try
            {
                Directory.Delete(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                break;
            }
        }
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ScratchObject> ListScratchAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectKey.ValidateScratchPrefix(prefix);
        var folder = Path.Combine(ScratchRoot, prefix[..(prefix.LastIndexOf('/') + 1)]);
        if (!Directory.Exists(folder))
        {
            yield break;
        }
        var found = new List<ScratchObject>();
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 }))
        {
            var name = Path.GetRelativePath(ScratchRoot, file.FullName).Replace('\\', '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                try
                {
                    found.Add(new ScratchObject(name, file.Length, file.LastWriteTimeUtc));
                }
                catch (FileNotFoundException)
                {
                    // Deleted meanwhile.
                }
            }
        }
        foreach (var scratch in found.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return scratch;
        }
        await Task.CompletedTask;
    }
}
