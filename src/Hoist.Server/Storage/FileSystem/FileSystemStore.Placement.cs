using System.Runtime.InteropServices;

namespace Hoist.Server.Storage.FileSystem;

// Each byte written once (docs/store-contract.md, "Parts placed where they end up"). When the create
// gave the part size, a part's bytes go straight into the upload's data file at (number - 1) × part
// size, and a complete whose parts are 1..N of that layout renames the data file into the object
// instead of copying every part. Whatever does not fit — a part re-sent over a placed one, a part
// larger than the plan, two senders of one part, gaps in the numbers — takes the part-file path, and
// the complete copies just those bytes.
public sealed partial class FileSystemStore
{
    private const string DataFile = "data";
    private const string DataLockFile = "data.lock";
    private const string PlacedSuffix = ".placed";

    /// <summary>How long a complete waits for placed writes still running before it copies instead of renaming.</summary>
    private static readonly TimeSpan PlacedWritersWait = TimeSpan.FromSeconds(10);

    /// <summary>A stored part and where its bytes are (see <see cref="ReadLocatedPartsAsync"/>).</summary>
    private sealed record LocatedPart(StoredPart Part, string HeaderPath, bool Placed);

    private static string DataPath(string directory) => Path.Combine(directory, DataFile);

    /// <summary>
    /// Placed writes hold a shared flock on <c>data.lock</c>, a complete that renames <c>data</c> an
    /// exclusive one. Not on <c>data</c> itself: once renamed it is the object, which readers open at once.
    /// </summary>
    private static FileStream OpenDataLock(string directory, bool exclusive) =>
        new(Path.Combine(directory, DataLockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, exclusive ? FileShare.None : FileShare.ReadWrite, 1);

    private static string PlacedPath(string directory, int partNumber) => Path.Combine(directory, $"{partNumber:D5}{PlacedSuffix}");

    private static long PlacedOffset(long partSize, int partNumber) => (partNumber - 1) * partSize;

    /// <summary>
    /// Writes the part into the data file where it belongs and commits its header, or answers null
    /// without reading the body when it cannot be placed (the caller writes a part file instead).
    /// A part is placed only where no placed part of that number is stored (its bytes must survive a
    /// re-send that fails) and by one sender at a time (an flock on its claim file, which the kernel
    /// releases if the process dies; claim files are never deleted, or two senders could each lock a
    /// different file of one name): so a placed write only ever overwrites bytes nothing refers to. A
    /// placed write holds a shared flock on the data lock (<see cref="OpenDataLock"/>), which a
    /// complete's exclusive one waits for.
    /// </summary>
    private async Task<StoredPart?> TryPlacePartAsync(string directory, string uploadId, UploadRecord record, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken)
    {
        if (record.PartSize is not { } partSize || length > partSize || PlacedOffset(partSize, partNumber) + length > S3Limits.MaxObjectSize)
        {
            return null;
        }
        FileStream claim;
        await using (await LockAsync(directory, uploadId, cancellationToken))
        {
            RequireOpen(directory, uploadId);
            if (File.Exists(PlacedPath(directory, partNumber)))
            {
                return null;
            }
            try
            {
                claim = new FileStream(Path.Combine(directory, $"{partNumber:D5}.claim"), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1);
            }
            catch (IOException)
            {
                return null; // another sender places this part right now
            }
        }
        var headerTemp = TempPath("placed");
        await using var claimed = claim;
        try
        {
            FileStream dataLock, data;
            try
            {
                dataLock = OpenDataLock(directory, exclusive: false);
            }
            catch (IOException)
            {
                return null; // a complete holds the data file, or the upload is gone: the part-file path answers
            }
            PartHeader header;
            await using (dataLock)
            await using (data = new FileStream(DataPath(directory), FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous))
            await using (var checkedBody = new PartBodyStream(body, length, expectedSha256, computeMd5: false))
            {
                var offset = PlacedOffset(partSize, partNumber);
                data.Position = offset;
                try
                {
                    await checkedBody.CopyToAsync(data, 1024 * 1024, cancellationToken);
                    header = PartHeader.For(length, checkedBody.Sha256);
                    await data.FlushAsync(cancellationToken);
                    data.Flush(flushToDisk: true);
                }
                catch
                {
                    // Nothing refers to these bytes: give their space back (a full disk most of all).
                    FreeRegion(data, offset, length);
                    throw;
                }
            }
            await using (var file = new FileStream(headerTemp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await file.WriteAsync(header.ToBytes(), cancellationToken);
                file.Flush(flushToDisk: true);
            }
            await CommitPartAsync(directory, uploadId, partNumber, headerTemp, placed: true, cancellationToken);
            return header.ToStoredPart(partNumber, DateTimeOffset.UtcNow);
        }
        finally
        {
            File.Delete(headerTemp);
        }
    }

    /// <summary>Deallocates a region of a file, keeping its size (Linux's fallocate punch hole); elsewhere, or where the file system cannot, the bytes stay until the upload ends.</summary>
    private static void FreeRegion(FileStream file, long offset, long length)
    {
        const int PunchHoleKeepSize = 0x02 | 0x01;
        if (!OperatingSystem.IsLinux() || length <= 0)
        {
            return;
        }
        try
        {
            _ = Fallocate((int)file.SafeFileHandle.DangerousGetHandle(), PunchHoleKeepSize, offset, length);
        }
        catch (Exception e) when (e is IOException or EntryPointNotFoundException or DllNotFoundException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static extern int Fallocate(int fd, int mode, long offset, long length);

    /// <summary>The parts are 1..N of the create's layout: each in its place, only the last one shorter.</summary>
    private static bool FitsLayout(UploadRecord record, IReadOnlyList<StoredPart> chosen) =>
        record.PartSize is { } partSize
        && chosen.Select((part, index) => part.PartNumber == index + 1 && (index == chosen.Count - 1 ? part.Size <= partSize : part.Size == partSize)).All(fits => fits);

    /// <summary>
    /// The data lock held exclusively (no placed write running, none can start), or null when writes
    /// are still running after <see cref="PlacedWritersWait"/>.
    /// </summary>
    private static Task<FileStream?> TryTakeDataLockAsync(string directory, CancellationToken cancellationToken) =>
        WaitForFlockAsync(() => OpenDataLock(directory, exclusive: true), PlacedWritersWait, cancellationToken);

    /// <summary>Opens the bytes of a stored part for reading, wherever they are.</summary>
    private static FileStream OpenPartBytes(string directory, LocatedPart located, long partSize)
    {
        var stream = new FileStream(located.Placed ? DataPath(directory) : located.HeaderPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        stream.Position = located.Placed ? PlacedOffset(partSize, located.Part.PartNumber) : PartHeader.Size;
        return stream;
    }

    /// <summary>Copies exactly a part's bytes; a data file cut short (an interrupted complete) is a part no longer stored.</summary>
    private static async Task CopyPartAsync(string directory, LocatedPart located, long partSize, Stream output, CancellationToken cancellationToken)
    {
        await using var input = OpenPartBytes(directory, located, partSize);
        if (input.Length - input.Position < located.Part.Size)
        {
            throw new StoreException(StoreErrorCode.InvalidPart, $"Part {located.Part.PartNumber} is no longer stored; upload it again.");
        }
        var buffer = new byte[1024 * 1024];
        var left = located.Part.Size;
        while (left > 0)
        {
            var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                throw new StoreException(StoreErrorCode.InvalidPart, $"Part {located.Part.PartNumber} is no longer stored; upload it again.");
            }
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            left -= read;
        }
    }
}
