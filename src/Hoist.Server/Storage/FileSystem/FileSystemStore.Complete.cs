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
        var stored = (await ReadPartsAsync(directory, uploadId, cancellationToken)).ToDictionary(p => p.PartNumber);
        var chosen = CompleteRules.ChooseParts(parts, stored);

        var temp = TempPath("object");
        try
        {
            long size = 0;
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                output.SetLength(chosen.Sum(p => p.Size));
                foreach (var part in chosen)
                {
                    await using var input = new FileStream(PartPath(directory, part.PartNumber), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    input.Position = PartHeader.Size;
                    await input.CopyToAsync(output, 1024 * 1024, cancellationToken);
                    size += part.Size;
                }
                await output.FlushAsync(cancellationToken);
                output.Flush(flushToDisk: true);
            }
            var etag = MultipartChecksums.ETag(chosen);
            var checksum = MultipartChecksums.CompositeSha256(chosen);
            var meta = new ObjectMeta(etag, size, record.ContentType, record.Metadata, DateTimeOffset.UtcNow, checksum);
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
        var wait = 1;
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
            {
                throw StoreException.NoSuchUpload(uploadId);
            }
            catch (IOException)
            {
                await Task.Delay(wait, cancellationToken);
                wait = Math.Min(wait * 2, 20);
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
