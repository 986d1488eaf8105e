namespace Hoist.Server.Storage.FileSystem;

public sealed partial class FileSystemStore
{
    public async Task<CompletedObject> CompleteMultipartUploadAsync(string key, string uploadId, IReadOnlyList<PartReference> parts, CancellationToken cancellationToken)
    {
        var directory = await RequireUploadAsync(key, uploadId, cancellationToken);
        await using var gate = await LockAsync(directory, uploadId, cancellationToken);
        var record = await TryReadUploadAsync(directory, cancellationToken) ?? throw NoSuchUpload(uploadId);
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
            var meta = new ObjectMeta(etag, size, record.ContentType, record.Metadata, DateTimeOffset.UtcNow, MultipartChecksums.CompositeSha256(chosen));
            await CommitObjectAsync(key, temp, meta, cancellationToken);
            RemoveDirectory(directory, uploadId);
            return new CompletedObject(key, etag, size);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// One complete at a time per upload, across processes too (FileShare.None is an flock on Unix):
    /// a second complete waits, then finds the upload gone and answers NoSuchUpload like S3.
    /// The lock file stays in the upload's folder and goes with it, so every waiter locks the same file.
    /// </summary>
    private static async Task<FileStream> LockAsync(string directory, string uploadId, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
            {
                throw NoSuchUpload(uploadId);
            }
            catch (IOException)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }
}
