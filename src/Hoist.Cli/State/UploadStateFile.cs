using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hoist.Cli.State;

/// <summary>
/// The uploads in progress (~/.hoist/uploads.json): written before the first part goes out and removed
/// once the file is complete, so that `hoist resume` can finish whatever a crash, a kill or Ctrl-C
/// interrupted. Several hoist processes may share it: every change is a read-modify-write under an
/// exclusive lock on a side file, and every write a temporary file renamed over the old one, so a
/// reader never sees half a file and a SIGKILL never leaves one.
/// </summary>
internal sealed class UploadStateFile(string path)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    private string Folder => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Where the per-upload locks live (see <see cref="UploadLease"/>).</summary>
    public string LockFolder => System.IO.Path.Combine(Folder, "locks");

    public async Task<IReadOnlyList<UploadRecord>> ReadAsync(CancellationToken cancellationToken)
    {
        using var gate = await LockAsync(cancellationToken);
        return Load().Uploads;
    }

    public Task AddAsync(UploadRecord record, CancellationToken cancellationToken) =>
        ChangeAsync(uploads =>
        {
            uploads.RemoveAll(u => u.UploadId == record.UploadId);
            uploads.Add(record);
        }, cancellationToken);

    public Task RemoveAsync(string uploadId, CancellationToken cancellationToken) =>
        ChangeAsync(uploads => uploads.RemoveAll(u => u.UploadId == uploadId), cancellationToken);

    private async Task ChangeAsync(Action<List<UploadRecord>> change, CancellationToken cancellationToken)
    {
        using var gate = await LockAsync(cancellationToken);
        var document = Load();
        change(document.Uploads);
        Save(document);
    }

    private UploadStateDocument Load()
    {
        if (!File.Exists(Path))
        {
            return new UploadStateDocument(UploadStateDocument.CurrentVersion, []);
        }
        try
        {
            using var stream = File.OpenRead(Path);
            var document = JsonSerializer.Deserialize(stream, StateJson.Default.UploadStateDocument);
            if (document is null || document.Version != UploadStateDocument.CurrentVersion)
            {
                throw new UsageException($"The state file {Path} is not one this hoist can read (version {document?.Version}).");
            }
            return document with { Uploads = document.Uploads ?? [] };
        }
        catch (JsonException e)
        {
            // Never overwrite a file we cannot read: it may hold the only record of an upload.
            throw new UsageException($"The state file {Path} is not valid JSON ({e.Message}). Move it away or use --state.");
        }
    }

    private void Save(UploadStateDocument document)
    {
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, document, StateJson.Default.UploadStateDocument);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>An exclusive lock on uploads.json.lock (an OS lock: released even when the process is killed).</summary>
    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        CreateFolder(Folder);
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(10, 50), cancellationToken);
            }
        }
    }

    /// <summary>The folder, private to the user where the system allows: upload ids are capabilities.</summary>
    public static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(UploadStateDocument))]
internal sealed partial class StateJson : JsonSerializerContext;
