using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Hoist.Server.Storage.FileSystem;

/// <summary>
/// The embedded store: S3 multipart semantics on a local folder.
/// <para>
/// Objects are plain files at <c>root/&lt;key&gt;</c> (a person can find them), with a JSON sidecar
/// at <c>root/.hoist/meta/&lt;key&gt;</c>. An upload is a folder <c>root/.hoist/uploads/&lt;id&gt;</c>
/// holding <c>upload.json</c> and one file per part; a part file starts with a fixed header
/// carrying its ETag and SHA-256, so a part is always written and replaced with one atomic rename.
/// Everything is written to <c>root/.hoist/tmp</c> first and renamed into place: readers never see
/// a partial part or object, and the rename of the object's data is the commit point of a complete.
/// </para>
/// </summary>
public sealed partial class FileSystemStore : IObjectStore
{
    private const string UploadFile = "upload.json";
    private const string LockFile = ".lock";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _root;
    private readonly string _uploads;
    private readonly string _meta;
    private readonly string _tmp;
    private readonly string _locks;

    public FileSystemStore(string root)
    {
        _root = Path.GetFullPath(root);
        _uploads = Path.Combine(_root, ObjectKey.ReservedSegment, "uploads");
        _meta = Path.Combine(_root, ObjectKey.ReservedSegment, "meta");
        _tmp = Path.Combine(_root, ObjectKey.ReservedSegment, "tmp");
        _locks = Path.Combine(_root, ObjectKey.ReservedSegment, "locks");
        try
        {
            Directory.CreateDirectory(_uploads);
            Directory.CreateDirectory(_meta);
            Directory.CreateDirectory(_tmp);
            Directory.CreateDirectory(_locks);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new StoreException(StoreErrorCode.Misconfigured,
                $"The folder {_root} cannot be used ({e.Message}). Give this server's user write access to it, or set Hoist:Storage:FileSystem:Root to a folder it may write.", e);
        }
    }

    public string Root => _root;

    public string Location => $"FileSystem at {_root}";

    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        var probe = TempPath("probe");
        try
        {
            await File.WriteAllBytesAsync(probe, [], cancellationToken);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new StoreException(StoreErrorCode.Misconfigured,
                $"The folder {_root} is not writable ({e.Message}). Give this server's user write access to it, or set Hoist:Storage:FileSystem:Root to a folder it may write.", e);
        }
        finally
        {
            File.Delete(probe);
        }
    }

    public Task<string> CreateMultipartUploadAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, long? partSize, CancellationToken cancellationToken) =>
        WritingAsync(() => CreateUploadCoreAsync(key, contentType, metadata, partSize, cancellationToken));

    private async Task<string> CreateUploadCoreAsync(string key, string? contentType, IReadOnlyDictionary<string, string> metadata, long? partSize, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        var uploadId = FolderTag(key) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var staging = Path.Combine(_tmp, "new-" + uploadId);
        Directory.CreateDirectory(staging);
        var record = new UploadRecord(key, contentType, ObjectMetadata.Normalize(metadata), DateTimeOffset.UtcNow, partSize is > 0 ? partSize : null);
        await File.WriteAllTextAsync(Path.Combine(staging, UploadFile), JsonSerializer.Serialize(record, Json), cancellationToken);
        Directory.Move(staging, UploadDirectory(uploadId));
        return uploadId;
    }

    public Task<StoredPart> UploadPartAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken) =>
        WritingAsync(() => UploadPartCoreAsync(key, uploadId, partNumber, body, length, expectedSha256, cancellationToken));

    private async Task<StoredPart> UploadPartCoreAsync(string key, string uploadId, int partNumber, Stream body, long length, byte[]? expectedSha256, CancellationToken cancellationToken)
    {
        S3Limits.RequirePartNumber(partNumber);
        if (length > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A part may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        var (directory, record) = await RequireUploadRecordAsync(key, uploadId, cancellationToken);
        if (await TryPlacePartAsync(directory, uploadId, record, partNumber, body, length, expectedSha256, cancellationToken) is { } placed)
        {
            return placed;
        }
        var temp = TempPath("part");
        try
        {
            PartHeader header;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            await using (var checkedBody = new PartBodyStream(body, length, expectedSha256, computeMd5: false))
            {
                file.SetLength(PartHeader.Size + length);
                file.Position = PartHeader.Size;
                await checkedBody.CopyToAsync(file, 1024 * 1024, cancellationToken);
                header = PartHeader.For(length, checkedBody.Sha256);
                file.Position = 0;
                await file.WriteAsync(header.ToBytes(), cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            await CommitPartAsync(directory, uploadId, partNumber, temp, placed: false, cancellationToken);
            return header.ToStoredPart(partNumber, DateTimeOffset.UtcNow);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Commits a written part: its file (a part file, or the header of a placed part) renamed into place
    /// under the upload's lock, and the other kind of that number removed in the same step. So a complete
    /// copies the very parts it described, and an upload completed or aborted meanwhile takes no part.
    /// </summary>
    private static async Task CommitPartAsync(string directory, string uploadId, int partNumber, string written, bool placed, CancellationToken cancellationToken)
    {
        await using (await LockAsync(directory, uploadId, cancellationToken))
        {
            RequireOpen(directory, uploadId);
            File.Move(written, placed ? PlacedPath(directory, partNumber) : PartPath(directory, partNumber), overwrite: true);
            File.Delete(placed ? PartPath(directory, partNumber) : PlacedPath(directory, partNumber));
        }
    }

    /// <summary>The file system has no copy inside the store: the source's bytes are read and written as a part by this process.</summary>
    public async Task<StoredPart> UploadPartCopyAsync(string key, string uploadId, int partNumber, string sourceKey, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(sourceKey);
        await using var source = TryOpenData(sourceKey) ?? throw new StoreException(StoreErrorCode.NoSuchKey, $"No object has the key '{sourceKey}'.");
        return await WritingAsync(() => UploadPartCoreAsync(key, uploadId, partNumber, source, source.Length, null, cancellationToken));
    }

    public async IAsyncEnumerable<StoredPart> ListPartsAsync(string key, string uploadId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var directory = await RequireUploadAsync(key, uploadId, cancellationToken);
        foreach (var part in await ReadPartsAsync(directory, uploadId, cancellationToken))
        {
            yield return part;
        }
    }

    public async Task AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var directory = await RequireUploadAsync(key, uploadId, cancellationToken);
        await using (await LockAsync(directory, uploadId, cancellationToken))
        {
            RequireOpen(directory, uploadId);
            RemoveDirectory(directory, uploadId);
        }
    }

    public async IAsyncEnumerable<IncompleteUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectKey.ValidatePrefix(prefix);
        var found = new List<IncompleteUpload>();
        // A prefix that names its first folder (an owner's "alice/") reads only the uploads whose id
        // carries that folder's tag, and those made before ids had tags.
        var tag = prefix.Contains('/') ? FolderTag(prefix) : null;
        foreach (var directory in Directory.EnumerateDirectories(_uploads))
        {
            if (tag is not null && Path.GetFileName(directory) is { Length: TaggedIdLength } name && !name.StartsWith(tag, StringComparison.Ordinal))
            {
                continue;
            }
            var uploadId = Path.GetFileName(directory);
            var record = await TryReadUploadAsync(directory, cancellationToken);
            if (record is not null && record.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                found.Add(new IncompleteUpload(record.Key, uploadId, record.Initiated));
            }
        }
        foreach (var upload in found.OrderBy(u => u.Key, StringComparer.Ordinal).ThenBy(u => u.Initiated))
        {
            yield return upload;
        }
    }

    public Task<ObjectInfo> PutObjectAsync(string key, Stream body, long length, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        WritingAsync(async () =>
        {
            var meta = await PutCoreAsync(key, body, length, null, contentType, metadata, cancellationToken);
            return meta.ToObjectInfo(key);
        });

    /// <summary>The object's ETag and checksum are those its one part would have had (docs/store-contract.md): no MD5 is computed.</summary>
    public Task<CompletedObject> PutCompletedAsync(string key, Stream body, long length, byte[] expectedSha256, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        WritingAsync(async () =>
        {
            var meta = await PutCoreAsync(key, body, length, expectedSha256, contentType, metadata, cancellationToken, createOnly: true);
            return new CompletedObject(key, meta.ETag, meta.Size, meta.ChecksumSha256);
        });

    /// <summary>
    /// Writes a whole object through a temporary file and commits it. Without <paramref name="expectedSha256"/>
    /// a put: the ETag is the MD5, as S3's. With it, the bytes are checked against it (nothing is committed
    /// otherwise) and the object is described as a one-part upload's. <paramref name="createOnly"/>: nothing
    /// is committed where the key holds an object (<see cref="CommitObjectAsync"/>).
    /// </summary>
    private async Task<ObjectMeta> PutCoreAsync(string key, Stream body, long length, byte[]? expectedSha256, string? contentType, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken, bool createOnly = false)
    {
        ObjectKey.Validate(key);
        if (length > S3Limits.MaxPartSize)
        {
            throw new StoreException(StoreErrorCode.EntityTooLarge, $"A single put may hold at most {S3Limits.MaxPartSize} bytes.");
        }
        var normalized = ObjectMetadata.Normalize(metadata);
        var temp = TempPath("put");
        try
        {
            ObjectMeta meta;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            await using (var checkedBody = new PartBodyStream(body, length, expectedSha256, computeMd5: expectedSha256 is null))
            {
                await checkedBody.CopyToAsync(file, 1024 * 1024, cancellationToken);
                meta = expectedSha256 is null
                    ? new ObjectMeta(Convert.ToHexStringLower(checkedBody.Md5), length, contentType, normalized, DateTimeOffset.UtcNow)
                    : new ObjectMeta(PartHeader.For(length, checkedBody.Sha256).ETagHex, length, contentType, normalized, DateTimeOffset.UtcNow,
                        MultipartChecksums.CompositeSha256(checkedBody.Sha256));
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            await CommitObjectAsync(key, temp, meta, cancellationToken, createOnly);
            return meta;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task<ObjectInfo?> HeadObjectAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        await using var data = TryOpenData(key);
        return data is null ? null : await ReadObjectInfoAsync(key, data, cancellationToken);
    }

    public async Task<CompletedObject?> HeadCompletedAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        await using var data = TryOpenData(key);
        if (data is null)
        {
            return null;
        }
        var meta = await MetaOfAsync(key, data, cancellationToken);
        return new CompletedObject(key, meta.ETag, meta.Size, meta.ChecksumSha256);
    }

    public async Task<ObjectContent> GetObjectAsync(string key, ByteRange? range, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        var stream = TryOpenData(key) ?? throw new StoreException(StoreErrorCode.NoSuchKey, $"No object has the key '{key}'.");
        try
        {
            var info = await ReadObjectInfoAsync(key, stream, cancellationToken);
            long first = 0, length = info.Size;
            if (range is not null)
            {
                var resolved = range.Resolve(info.Size)
                    ?? throw new StoreException(StoreErrorCode.InvalidRange, $"The range is not satisfiable for an object of {info.Size} bytes.");
                first = resolved.First;
                length = resolved.Last - resolved.First + 1;
                stream.Position = first;
            }
            return new ObjectContent(info, new BoundedReadStream(stream, length), first, length);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public Task DeleteObjectAsync(string key, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        DeleteIfFile(ObjectPath(key));
        DeleteIfFile(MetaPath(key));
        return Task.CompletedTask;
    }

    // S3 has no folders: a key whose folder is missing, or that names a folder of other keys, holds no object.
    private static void DeleteIfFile(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    public Task<ObjectPage> ListObjectsAsync(string prefix, string? continuationToken, int maxKeys, CancellationToken cancellationToken) =>
        ListObjectsCoreAsync(prefix, continuationToken, maxKeys, cancellationToken);

    private string ObjectPath(string key) => Path.Combine(_root, key);

    private string MetaPath(string key) => Path.Combine(_meta, key);

    private string TempPath(string kind) => Path.Combine(_tmp, $"{kind}-{Guid.NewGuid():N}");

    private string UploadDirectory(string uploadId) => Path.Combine(_uploads, uploadId);

    private const int FolderTagLength = 16;
    private const int UntaggedIdLength = 32;
    private const int TaggedIdLength = FolderTagLength + UntaggedIdLength;

    /// <summary>
    /// 16 hex digits of the SHA-256 of a key's first folder (its owner's), which start the upload ids
    /// of that folder's uploads: counting one owner's open uploads reads only theirs, not every upload's record.
    /// </summary>
    private static string FolderTag(string keyOrPrefix)
    {
        var slash = keyOrPrefix.IndexOf('/');
        var folder = slash < 0 ? keyOrPrefix : keyOrPrefix[..slash];
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(folder)))[..FolderTagLength];
    }

    private static string PartPath(string directory, int partNumber) => Path.Combine(directory, $"{partNumber:D5}.part");

    /// <summary>The upload's folder, after checking that it exists and belongs to this key.</summary>
    private async Task<string> RequireUploadAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        (await RequireUploadRecordAsync(key, uploadId, cancellationToken)).Directory;

    /// <summary>The upload's folder and its record (never changed after create), after checking that it exists and belongs to this key.</summary>
    private async Task<(string Directory, UploadRecord Record)> RequireUploadRecordAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        ObjectKey.Validate(key);
        // Upload ids are ours (hex digits: a folder tag and 32 random, or 32 random from before tags); anything else cannot name a folder.
        if (uploadId.Length is not (TaggedIdLength or UntaggedIdLength) || !uploadId.All(char.IsAsciiHexDigitLower))
        {
            throw StoreException.NoSuchUpload(uploadId);
        }
        var directory = UploadDirectory(uploadId);
        var record = await TryReadUploadAsync(directory, cancellationToken);
        if (record is null || record.Key != key)
        {
            throw StoreException.NoSuchUpload(uploadId);
        }
        return (directory, record);
    }

    private static async Task<UploadRecord?> TryReadUploadAsync(string directory, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(Path.Combine(directory, UploadFile));
            return await JsonSerializer.DeserializeAsync<UploadRecord>(file, Json, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static async Task<List<StoredPart>> ReadPartsAsync(string directory, string uploadId, CancellationToken cancellationToken) =>
        [.. (await ReadLocatedPartsAsync(directory, uploadId, cancellationToken)).Select(p => p.Part)];

    /// <summary>
    /// Every stored part with where its bytes are: a part file (<c>NNNNN.part</c>, header then bytes) or
    /// the upload's data file at the part's planned offset (<c>NNNNN.placed</c>, the header alone).
    /// Where both exist for a moment (a commit replaces one with the other under the lock), the newer counts.
    /// </summary>
    private static async Task<List<LocatedPart>> ReadLocatedPartsAsync(string directory, string uploadId, CancellationToken cancellationToken)
    {
        var parts = new Dictionary<int, LocatedPart>();
        List<string> files;
        try
        {
            files = Directory.EnumerateFiles(directory, "*.p*").ToList();
        }
        catch (DirectoryNotFoundException)
        {
            throw StoreException.NoSuchUpload(uploadId);
        }
        foreach (var path in files)
        {
            var placed = path.EndsWith(PlacedSuffix, StringComparison.Ordinal);
            if ((!placed && !path.EndsWith(".part", StringComparison.Ordinal)) || !int.TryParse(Path.GetFileNameWithoutExtension(path), out var number))
            {
                continue;
            }
            var header = await PartHeader.TryReadAsync(path, cancellationToken);
            if (header is null)
            {
                continue;
            }
            var found = new LocatedPart(header.ToStoredPart(number, File.GetLastWriteTimeUtc(path)), path, placed);
            if (!parts.TryGetValue(number, out var other) || other.Part.LastModified < found.Part.LastModified)
            {
                parts[number] = found;
            }
        }
        return [.. parts.Values.OrderBy(p => p.Part.PartNumber)];
    }

    /// <summary>Moves the folder aside in one rename (so no part can land in it afterwards), then deletes it.</summary>
    private void RemoveDirectory(string directory, string uploadId)
    {
        var graveyard = TempPath("gone");
        try
        {
            Directory.Move(directory, graveyard);
        }
        catch (DirectoryNotFoundException)
        {
            throw StoreException.NoSuchUpload(uploadId);
        }
        Directory.Delete(graveyard, recursive: true);
    }

    /// <summary>
    /// Puts the sidecar, then the data, into place; the data's rename is the commit. The sidecar keeps
    /// the previous version's description too, and each description names its data file by size and
    /// modification time (set here), so a reader holding either file finds the right one. Commits of
    /// one key take turns (<see cref="LockKeyAsync"/>), so a <paramref name="createOnly"/> commit that
    /// finds no object there is the one that creates it.
    /// </summary>
    private async Task CommitObjectAsync(string key, string dataTemp, ObjectMeta meta, CancellationToken cancellationToken, bool createOnly = false)
    {
        await using var turn = await LockKeyAsync(key, cancellationToken);
        if (createOnly && File.Exists(ObjectPath(key)))
        {
            throw new StoreException(StoreErrorCode.ObjectExists, $"The key '{key}' holds an object; nothing was stored.");
        }
        File.SetLastWriteTimeUtc(dataTemp, meta.LastModified.UtcDateTime);
        meta = meta with { DataStamp = File.GetLastWriteTimeUtc(dataTemp).Ticks };
        var dataPath = ObjectPath(key);
        var metaPath = MetaPath(key);
        var previous = await TryReadMetaAsync(metaPath, cancellationToken);
        var metaTemp = TempPath("meta");
        await File.WriteAllTextAsync(metaTemp, JsonSerializer.Serialize(new MetaFile(meta, previous?.Current), Json), cancellationToken);
        try
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(dataPath)!);
                Directory.CreateDirectory(Path.GetDirectoryName(metaPath)!);
                File.Move(metaTemp, metaPath, overwrite: true);
                File.Move(dataTemp, dataPath, overwrite: true);
            }
            catch (IOException e) when (Directory.Exists(dataPath) || e is DirectoryNotFoundException)
            {
                // S3 keys are flat names; on a disk "a" cannot be both a file and a folder.
                throw new StoreException(StoreErrorCode.InvalidKey, $"The key '{key}' clashes with another object's path on the file system.", e);
            }
        }
        finally
        {
            File.Delete(metaTemp);
        }
    }

    /// <summary>
    /// An flock (across processes sharing the folder, as the uploads' locks) on one of
    /// <see cref="KeyLockStripes"/> files chosen by the key's hash: commits of one key take turns, and
    /// the lock files stay few however many keys there are (two keys may share one and wait briefly).
    /// </summary>
    private async Task<FileStream> LockKeyAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))[0] % KeyLockStripes;
        var path = Path.Combine(_locks, $"key-{stripe:D2}.lock");
        return (await WaitForFlockAsync(() => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1), null, cancellationToken))!;
    }

    private const int KeyLockStripes = 64;

    /// <summary>The object's data file, opened so that a complete or delete can still replace it; null when there is none.</summary>
    private FileStream? TryOpenData(string key)
    {
        try
        {
            return new FileStream(ObjectPath(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The description of the very data file the caller holds open.</summary>
    private async Task<ObjectInfo> ReadObjectInfoAsync(string key, FileStream data, CancellationToken cancellationToken) =>
        (await MetaOfAsync(key, data, cancellationToken)).ToObjectInfo(key);

    /// <summary>The sidecar's description of the very data file the caller holds open.</summary>
    private async Task<ObjectMeta> MetaOfAsync(string key, FileStream data, CancellationToken cancellationToken)
    {
        var size = data.Length;
        var stamp = File.GetLastWriteTimeUtc(data.SafeFileHandle).Ticks;
        var sidecar = await TryReadMetaAsync(MetaPath(key), cancellationToken);
        var meta = new[] { sidecar?.Current, sidecar?.Previous }.FirstOrDefault(m => m is not null && m.Size == size && m.DataStamp == stamp);
        if (meta is null)
        {
            // A file put there by hand, or a sidecar from an interrupted write: describe the bytes themselves.
            var position = data.Position;
            var md5 = await MD5.HashDataAsync(data, cancellationToken);
            data.Position = position;
            meta = new ObjectMeta(Convert.ToHexStringLower(md5), size, null, [], new DateTimeOffset(stamp, TimeSpan.Zero));
        }
        return meta;
    }

    private static async Task<MetaFile?> TryReadMetaAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<MetaFile>(file, Json, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    /// <summary>An upload's <c>upload.json</c>, written once at create. <see cref="PartSize"/> is the create's layout hint.</summary>
    private sealed record UploadRecord(string Key, string? ContentType, Dictionary<string, string> Metadata, DateTimeOffset Initiated, long? PartSize = null);

    private sealed record MetaFile(ObjectMeta Current, ObjectMeta? Previous);

    private sealed record ObjectMeta(string ETag, long Size, string? ContentType, Dictionary<string, string> Metadata, DateTimeOffset LastModified, string? ChecksumSha256 = null, long DataStamp = 0)
    {
        public ObjectInfo ToObjectInfo(string key) => new(key, Size, ETag, LastModified, ContentType, Metadata);
    }
}
