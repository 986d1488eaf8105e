namespace Hoist.Server.Storage.FileSystem;

public sealed partial class FileSystemStore
{
    public Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken) =>
        WritingAsync(() => CompleteCoreAsync(key, uploadId, parts, cancellationToken));

    private async Task<CompletedObject> CompleteCoreAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken)
    {
        var (directory, record) = await RequireUploadRecordAsync(key, uploadId, cancellationToken);
        await using var gate = await LockAsync(directory, uploadId, cancellationToken);
        RequireOpen(directory, uploadId);
        // Under the lock, the part headers are the truth: a part replaced since the caller listed it no longer matches.
        var located = (await ReadLocatedPartsAsync(directory, uploadId, cancellationToken)).ToDictionary(p => p.Part.PartNumber);
        var chosen = CompleteRules.ChooseParts(parts, located.ToDictionary(p => p.Key, p => p.Value.Part));
        var size = chosen.Sum(p => p.Size);
        var etag = MultipartChecksums.ETag(chosen);
        var checksum = MultipartChecksums.CompositeSha256(chosen);
        var meta = new ObjectMeta(etag, size, record.ContentType, record.Metadata, DateTimeOffset.UtcNow, checksum);
        var partSize = record.PartSize ?? 0;

        if (FitsLayout(record, chosen) && await TryTakeDataLockAsync(directory, cancellationToken) is { } dataLock)
        {
            // The data file already holds the placed parts where they belong: copy in only the parts
            // stored as files, cut it to the object's size and rename it into place. (A complete names every
            // stored part, so no placed part lies past the cut.)
            await using (dataLock)
            {
                await using (var data = new FileStream(DataPath(directory), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.Asynchronous))
                {
                    if (chosen.FirstOrDefault(p => located[p.PartNumber].Placed && data.Length < PlacedOffset(partSize, p.PartNumber) + p.Size) is { } cut)
                    {
                        throw new StoreException(StoreErrorCode.InvalidPart, $"Part {cut.PartNumber} is no longer stored; upload it again.");
                    }
                    foreach (var part in chosen.Where(p => !located[p.PartNumber].Placed))
                    {
                        data.Position = PlacedOffset(partSize, part.PartNumber);
                        await CopyPartAsync(directory, located[part.PartNumber], partSize, data, cancellationToken);
                    }
                    data.SetLength(size);
                    await data.FlushAsync(cancellationToken);
                    data.Flush(flushToDisk: true);
                }
                await CommitObjectAsync(key, DataPath(directory), meta, cancellationToken);
            }
            RemoveDirectory(directory, uploadId);
            return new CompletedObject(key, etag, size, checksum);
        }

        var temp = TempPath("object");
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                output.SetLength(size);
                foreach (var part in chosen)
                {
                    await CopyPartAsync(directory, located[part.PartNumber], partSize, output, cancellationToken);
                }
                await output.FlushAsync(cancellationToken);
                output.Flush(flushToDisk: true);
            }
            await CommitObjectAsync(key, temp, meta, cancellationToken);
            RemoveDirectory(directory, uploadId);
            return new CompletedObject(key, etag, size, checksum);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Orders the commits of one upload — a part's rename, the complete, the abort — across processes
    /// too (FileShare.None is an flock on Unix): a complete copies exactly the parts it described, and
    /// of a racing complete and abort one wins while the other waits, then finds the upload gone and
    /// answers NoSuchUpload like S3. The lock file stays in the upload's folder and goes with it, so
    /// every waiter locks the same file; a waiter that gets it after the folder moved sees that in
    /// <see cref="RequireOpen"/>. Only commits take it, never the writing of a part's bytes.
    /// </summary>
    private static async Task<FileStream> LockAsync(string directory, string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            return (await WaitForFlockAsync(() => new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1), null, cancellationToken))!;
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            throw StoreException.NoSuchUpload(uploadId);
        }
    }

    /// <summary>
    /// Opens a lock file, trying again with backoff while another holder's flock refuses it (an
    /// IOException that is not a missing file or folder); null once <paramref name="limit"/> has passed.
    /// </summary>
    private static async Task<FileStream?> WaitForFlockAsync(Func<FileStream> open, TimeSpan? limit, CancellationToken cancellationToken)
    {
        var deadline = limit is { } wait ? DateTime.UtcNow + wait : DateTime.MaxValue;
        var delay = 1;
        while (true)
        {
            try
            {
                return open();
            }
            catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException))
            {
                if (DateTime.UtcNow >= deadline)
                {
                    return null;
                }
                await Task.Delay(delay, cancellationToken);
                delay = Math.Min(delay * 2, 20);
            }
        }
    }

    /// <summary>Under the lock: the upload is still where it was (not completed or aborted while we waited).</summary>
    private static void RequireOpen(string directory, string uploadId)
    {
        if (!File.Exists(Path.Combine(directory, UploadFile)))
        {
            throw StoreException.NoSuchUpload(uploadId);
        }
    }
}
