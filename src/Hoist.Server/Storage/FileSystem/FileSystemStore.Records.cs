namespace Hoist.Server.Storage.FileSystem;

/// <summary>Records (<see cref="IRecordStore"/>): files at <c>root/.hoist/records/&lt;folder&gt;/&lt;name&gt;</c>, written to tmp and renamed into place.</summary>
public sealed partial class FileSystemStore : IRecordStore
{
    private string RecordPath(string folder, string name) => Path.Combine(_root, RecordNames.KeyOf(folder, name));

    public Task PutRecordAsync(string folder, string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WritingAsync(async () =>
        {
            RecordNames.Validate(folder, name, content.Length);
            var path = RecordPath(folder, name);
            var temp = TempPath("record");
            try
            {
                await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                {
                    await file.WriteAsync(content, cancellationToken);
                    await file.FlushAsync(cancellationToken);
                    file.Flush(flushToDisk: true);
                }
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(temp, path, overwrite: true);
                return true;
            }
            finally
            {
                File.Delete(temp);
            }
        });

    public async Task<byte[]?> GetRecordAsync(string folder, string name, CancellationToken cancellationToken)
    {
        RecordNames.Validate(folder, name);
        try
        {
            return await File.ReadAllBytesAsync(RecordPath(folder, name), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<string>> ListRecordsAsync(string folder, int max, CancellationToken cancellationToken)
    {
        RecordNames.Validate(folder);
        var directory = Path.Combine(_root, RecordNames.Folder, folder);
        IReadOnlyList<string> names = Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).Take(Math.Max(0, max))]
            : [];
        return Task.FromResult(names);
    }

    public Task DeleteRecordAsync(string folder, string name, CancellationToken cancellationToken)
    {
        RecordNames.Validate(folder, name);
        DeleteIfFile(RecordPath(folder, name));
        return Task.CompletedTask;
    }
}
