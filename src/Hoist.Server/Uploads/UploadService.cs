using Hoist.Wire;
using Hoist.Server.Keys;
using System.Text.RegularExpressions;
using Hoist.Server.Errors;
using Hoist.Server.Hooks;
using Hoist.Server.Storage;
using Hoist.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace Hoist.Server.Uploads;

/// <summary>
/// The upload lifecycle over the store: create, parts, list, complete, abort. Every protocol face
/// (the native API, the page, later tus) goes through here; it knows tokens and part plans, not HTTP.
/// Each step is counted in <see cref="HoistMetrics"/>, once per upload or part, and logged with the
/// upload named by the request's <see cref="UploadScope"/> (the endpoints fill it in from the token;
/// a create, from the upload it has just begun).
/// </summary>
public sealed partial class UploadService(
    IObjectStore store,
    UploadTokenSigner signer,
    UploadGroupSigner groups,
    OwnerCreateGate createGate,
    HookClient hooks,
    UploadEvents events,
    IOptions<UploadOptions> options,
    IOptions<TokenOptions> tokenOptions,
    TimeProvider time,
    HoistMetrics metrics,
    ILogger<UploadService> logger)
{
    public const string OriginalNameMetadata = "original-name";
    private const string DefaultContentType = "application/octet-stream";

    /// <summary>A slot frees when one of the owner's uploads ends, which takes a while: ask again in a while, not at once.</summary>
    private const string TooManyUploadsRetryAfterSeconds = "10";

    /// <summary>S3 allows 2 KB of user metadata per object: the escaped original name gets half of it.</summary>
    private const int MaxOriginalNameMetadata = 1024;

    private readonly ObjectKeyTemplate _keys = new(options.Value.KeyTemplate, time);

    /// <summary>Where partial uploads (tus concatenation) live: outside every owner's prefix (no owner segment starts with "~p"), one folder per owner.</summary>
    public const string PartialsRoot = "~partials/";

    /// <summary>
    /// Creates an upload. <paramref name="singlePut"/>: a one-part file may be stored in one call when its
    /// part arrives (the native API, when its parts are not sent to the store directly).
    /// </summary>
    public Task<CreateUploadResponse> CreateAsync(string owner, CreateUploadRequest request, CancellationToken cancellationToken, bool singlePut = false) =>
        CreateCoreAsync(owner, request, deferSize: false, concat: null, cancellationToken, singlePut: singlePut);

    /// <summary>The folder of an owner's partial uploads.</summary>
    public static string PartialsPrefix(string owner) => PartialsRoot + Owner.Segment(owner) + "/";

    /// <summary>
    /// Creates a partial upload (tus concatenation): not a file of its own, so it is stored under
    /// <see cref="PartialsRoot"/>, never listed or served as the owner's file, and takes no file name or
    /// type checks (its final upload does); it counts against the open-upload limit and the size limit.
    /// </summary>
    public Task<CreateUploadResponse> CreatePartialAsync(string owner, long? size, CancellationToken cancellationToken) =>
        CreateCoreAsync(owner, new CreateUploadRequest("partial", size ?? 0, null, null), deferSize: size is null, concat: UploadToken.Partial, cancellationToken);

    /// <summary>Creates the upload a tus final upload assembles its partial uploads into: a file like any other.</summary>
    public Task<CreateUploadResponse> CreateFinalAsync(string owner, CreateUploadRequest request, CancellationToken cancellationToken) =>
        CreateCoreAsync(owner, request, deferSize: false, concat: UploadToken.Final, cancellationToken);

    /// <summary>
    /// Creates an upload whose size is not known yet (tus creation-defer-length): the token's size is
    /// <see cref="UploadToken.DeferredSize"/> and its part size the preferred one, so it can grow to
    /// 10,000 parts of that size. The size learnt later lives in the store (docs/tus.md).
    /// </summary>
    public Task<CreateUploadResponse> CreateWithDeferredSizeAsync(string owner, string fileName, string? contentType, CancellationToken cancellationToken) =>
        CreateCoreAsync(owner, new CreateUploadRequest(fileName, 0, contentType, null), deferSize: true, concat: null, cancellationToken);

    /// <summary>The largest size an upload created with a deferred size can reach: 10,000 parts of its part size, within the server's limit.</summary>
    public long MaxDeferredSize(long partSize) => Math.Min(options.Value.MaxFileSize, Math.Min(S3Limits.MaxObjectSize, S3Limits.MaxPartNumber * partSize));

    private async Task<CreateUploadResponse> CreateCoreAsync(string owner, CreateUploadRequest request, bool deferSize, string? concat, CancellationToken cancellationToken, bool clientSized = false, bool singlePut = false)
    {
        var limits = options.Value;
        if (string.IsNullOrWhiteSpace(request.FileName))
        {
            throw ApiErrors.InvalidFileName.With("fileName is required.");
        }
        if (request.FileName.Length > 4096)
        {
            throw ApiErrors.InvalidFileName.With("fileName is too long: a file name may have at most 4096 characters.");
        }
        if (_keys.UsesPath && System.Text.Encoding.UTF8.GetByteCount(FileNameSanitizer.Folder(request.FileName)) > FileNameSanitizer.MaxFolderBytes)
        {
            throw ApiErrors.InvalidFileName.With($"Its folder is too long: at most {FileNameSanitizer.MaxFolderBytes} bytes of UTF-8 once cleaned.");
        }
        if (request.Size is not { } size || size < 0)
        {
            throw ApiErrors.InvalidSize.With();
        }
        if (size > limits.MaxFileSize)
        {
            throw ApiErrors.FileTooLarge.With($"The limit is {limits.MaxFileSize} bytes.",
                new Dictionary<string, object?> { ["maxFileSize"] = limits.MaxFileSize });
        }
        var contentType = string.IsNullOrWhiteSpace(request.ContentType) ? DefaultContentType : request.ContentType.Trim();
        if (contentType.Length > 255 || !MediaType().IsMatch(contentType))
        {
            throw ApiErrors.InvalidContentType.With("Expected a value like 'video/mp4'.");
        }
        var algorithm = request.ChecksumAlgorithm?.ToLowerInvariant();
        if (algorithm is not (null or HoistWire.Sha256))
        {
            throw ApiErrors.UnsupportedChecksumAlgorithm.With();
        }

        var partial = concat == UploadToken.Partial;
        if (!partial)
        {
            RequireAllowed(limits, request.FileName, contentType);
        }

        var plan = PartPlan.For(size, limits.PreferredPartSize);
        // A group (a folder upload) shares its first file's id and date; anything else gets fresh ones.
        var group = partial || request.GroupId is null ? _keys.NewGroup() : groups.Read(request.GroupId, owner);
        var key = partial ? PartialsPrefix(owner) + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)) : _keys.KeyFor(owner, request.FileName, group);
        if (request.GroupId is not null && !partial)
        {
            await RequireKeyFreeAsync(key, cancellationToken);
        }
        var metadata = new Dictionary<string, string> { [OriginalNameMetadata] = OriginalName(request.FileName) };
        if (hooks.HasPreCreate)
        {
            // After Hoist's own checks, before anything is created: only the hook's 2xx creates the upload.
            foreach (var (name, value) in await hooks.PreCreateAsync(owner, request.FileName, size, contentType, cancellationToken))
            {
                metadata[name] = value;
            }
        }
        string storeUploadId;
        singlePut = singlePut && IsSinglePut(plan, algorithm, metadata);
        if (singlePut)
        {
            // Nothing is begun in the store: the part's PUT stores the file (UploadService.SinglePut.cs).
            storeUploadId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        }
        else
        {
            // Count and create as one step (within this instance), or creates sent together all pass the limit.
            using (limits.MaxConcurrentUploadsPerOwner > 0 ? await createGate.EnterAsync(owner, cancellationToken) : null)
            {
                await RequireUploadSlotAsync(limits, owner, cancellationToken);
                // Parts the client sizes (the /s3/ face) follow no plan: no layout hint for the store.
                storeUploadId = await store.CreateMultipartUploadAsync(key, contentType, metadata, clientSized ? null : plan.PartSize, cancellationToken);
            }
        }
        metrics.UploadStarted();
        UploadScope.Name(owner, storeUploadId, key);
        LogUploadStarted(size, plan.PartCount, plan.PartSize);
        var expires = time.GetUtcNow().Add(tokenOptions.Value.Lifetime);
        var token = new UploadToken(UploadToken.CurrentVersion, storeUploadId, key, owner, deferSize ? UploadToken.DeferredSize : size, plan.PartSize, contentType, algorithm, expires.ToUnixTimeSeconds(), concat,
            Grouped: request.GroupId is not null && !partial, SinglePut: singlePut, OriginalName: singlePut ? metadata[OriginalNameMetadata] : null);
        // A group's later files get the group id back as sent: its expiry stays the first file's.
        var groupId = partial ? null : request.GroupId ?? groups.Sign(owner, group, expires);
        return new CreateUploadResponse(signer.Sign(token), key, plan.PartSize, deferSize ? 0 : plan.PartCount, token.ExpiresAt, GroupId: groupId);
    }

    /// <summary>
    /// Refuses a part that can never be stored as declared (number, length, missing checksum), before
    /// anything waits for it or reads its body.
    /// </summary>
    public static void CheckPart(UploadToken token, int partNumber, long length, byte[]? sha256)
    {
        var plan = PlanOf(token);
        RequirePart(plan, partNumber);
        var expected = plan.SizeOf(partNumber);
        if (length != expected)
        {
            throw ApiErrors.PartSizeMismatch.With(
                $"Part {partNumber} must have exactly {expected} bytes; the request declares {length}.",
                new Dictionary<string, object?> { ["expectedSize"] = expected });
        }
        if (sha256 is null && token.ChecksumAlgorithm == HoistWire.Sha256)
        {
            throw ApiErrors.ChecksumRequired.With($"This upload was created with checksumAlgorithm \"sha256\": every part needs an {HoistWire.ChecksumHeader} header.");
        }
    }

    public async Task<PartResponse> UploadPartAsync(UploadToken token, int partNumber, Stream body, long length, byte[]? sha256, CancellationToken cancellationToken)
    {
        var plan = PlanOf(token);
        CheckPart(token, partNumber, length, sha256);
        if (token.SinglePut)
        {
            return await PutSingleAsync(token, body, length, sha256!, cancellationToken);
        }
        var stored = await StorePartAsync(token, partNumber, body, length, sha256, cancellationToken);
        var answer = ToPartResponse(stored, sha256);
        if (plan.PartCount == 1)
        {
            // A file of one part needs nothing more: complete it now and save the client a round trip
            // (and the store a listing: the part just stored is the only one).
            return answer with { Completed = await CompleteAsync(token, cancellationToken, [stored]) };
        }
        return answer;
    }

    /// <summary>Streams a part, already checked, to the store: counted, logged, and an upload gone because it completed said so.</summary>
    private async Task<StoredPart> StorePartAsync(UploadToken token, int partNumber, Stream body, long length, byte[]? sha256, CancellationToken cancellationToken)
    {
        try
        {
            return await MeasurePartAsync(partNumber, body,
                received => store.UploadPartAsync(token.Key, token.StoreUploadId, partNumber, received, length, sha256, cancellationToken), stored => stored.Size);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
        {
            await RefuseIfCompletedAsync(token, cancellationToken);
            throw;
        }
    }

    /// <summary>
    /// A part's bytes on their way to the store through <paramref name="send"/> (a part of a multipart
    /// upload, or a one-part file stored whole): counted and logged once, whether stored or not.
    /// </summary>
    private async Task<T> MeasurePartAsync<T>(int partNumber, Stream body, Func<Stream, Task<T>> send, Func<T, long> sizeOf)
    {
        var received = new CountingStream(body);
        var started = metrics.PartStarted();
        T stored;
        try
        {
            stored = await send(received);
        }
        catch (Exception e)
        {
            metrics.PartEnded(started, received.BytesRead, 0, e);
            LogPartFailed(partNumber, received.BytesRead, HoistMetrics.ReasonOf(e));
            throw;
        }
        metrics.PartEnded(started, received.BytesRead, sizeOf(stored), null);
        LogPartStored(partNumber, sizeOf(stored));
        return stored;
    }

    public async Task<PartsResponse> ListPartsAsync(UploadToken token, CancellationToken cancellationToken)
    {
        var plan = PlanOf(token);
        if (token.SinglePut)
        {
            await RefuseIfStoredAsync(token, cancellationToken);
            return new PartsResponse([], plan.PartSize, plan.PartCount, plan.FileSize);
        }
        try
        {
            var parts = new List<PartResponse>();
            await foreach (var part in store.ListPartsAsync(token.Key, token.StoreUploadId, cancellationToken))
            {
                parts.Add(ToPartResponse(part, null));
            }
            return new PartsResponse(parts, plan.PartSize, plan.PartCount, plan.FileSize);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
        {
            await RefuseIfCompletedAsync(token, cancellationToken);
            throw;
        }
    }

    /// <summary>
    /// Lists the stored parts once, checks them against the plan, and hands them on to the store's
    /// complete. <paramref name="known"/>: the parts already known (a one-part file's only part, just
    /// stored), which spares the listing.
    /// </summary>
    public async Task<CompleteUploadResponse> CompleteAsync(UploadToken token, CancellationToken cancellationToken, IReadOnlyList<StoredPart>? known = null)
    {
        try
        {
            return token.SinglePut ? await CompleteSingleAsync(token, cancellationToken) : await CompleteOnceAsync(token, known, cancellationToken);
        }
        catch (Exception e)
        {
            metrics.UploadFailed(e);
            LogCompleteFailed(HoistMetrics.ReasonOf(e));
            throw;
        }
    }

    private Task<CompleteUploadResponse> CompleteOnceAsync(UploadToken token, IReadOnlyList<StoredPart>? known, CancellationToken cancellationToken)
    {
        var plan = PlanOf(token);
        return CompleteWithAsync(token, async () =>
        {
            var stored = new Dictionary<int, StoredPart>();
            await foreach (var part in known?.ToAsyncEnumerable() ?? store.ListPartsAsync(token.Key, token.StoreUploadId, cancellationToken))
            {
                stored[part.PartNumber] = part;
            }
            var missing = Enumerable.Range(1, plan.PartCount).Where(n => !stored.TryGetValue(n, out var p) || p.Size != plan.SizeOf(n)).ToList();
            if (missing.Count > 0)
            {
                throw ApiErrors.IncompleteUpload.With(
                    $"{missing.Count} of {plan.PartCount} parts are missing or have the wrong size: {string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", ..." : "")}.",
                    new Dictionary<string, object?> { ["missingParts"] = missing });
            }
            if (token.Grouped && await store.HeadCompletedAsync(token.Key, cancellationToken) is not null)
            {
                // The upload is still open (its parts were just listed or stored), yet its key holds an
                // object: a file of the group created at the same moment with the same path completed first.
                throw KeyTaken(token.Key);
            }
            return Enumerable.Range(1, plan.PartCount).Select(n => stored[n]).ToList();
        }, cancellationToken);
    }

    /// <summary>
    /// Completes the upload with the parts <paramref name="choose"/> picks (after its own checks), records
    /// the post-finish event, and answers the object; a complete repeated after the first one succeeded
    /// answers the same object.
    /// </summary>
    private async Task<CompleteUploadResponse> CompleteWithAsync(UploadToken token, Func<Task<List<StoredPart>>> choose, CancellationToken cancellationToken)
    {
        try
        {
            var chosen = await choose();
            var completed = await store.CompleteMultipartUploadAsync(token.Key, token.StoreUploadId, chosen, cancellationToken);
            var answer = new CompleteUploadResponse(completed.Key, completed.Size, completed.ETag, completed.ChecksumSha256);
            await FinishedAsync(token, answer, cancellationToken);
            metrics.UploadCompleted();
            LogUploadCompleted(completed.Size, chosen.Count);
            return answer;
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
        {
            // Completing twice (a retry after a lost answer, or two racing requests) answers the same object.
            if (await FindCompletedAsync(token, cancellationToken) is { } done)
            {
                // The first complete may have died before it recorded its event: record it (same id) again.
                await FinishedAsync(token, done, cancellationToken);
                return done;
            }
            throw;
        }
    }

    /// <summary>The post-finish event, recorded before the complete answers (see <see cref="UploadEvents"/>).</summary>
    private Task FinishedAsync(UploadToken token, CompleteUploadResponse done, CancellationToken cancellationToken) =>
        events.FinishedAsync(token.Owner, done.Key, done.Size, done.ETag, done.ChecksumSha256, cancellationToken);

    public async Task AbortAsync(UploadToken token, CancellationToken cancellationToken)
    {
        if (token.SinglePut)
        {
            // Nothing was begun in the store: only a file already stored stops the abort.
            await RefuseIfStoredAsync(token, cancellationToken);
            metrics.UploadAborted();
            LogUploadAborted();
            return;
        }
        try
        {
            await store.AbortMultipartUploadAsync(token.Key, token.StoreUploadId, cancellationToken);
            metrics.UploadAborted();
            LogUploadAborted();
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
        {
            // Like a part or a listing: an abort that comes after the complete says the file is kept.
            await RefuseIfCompletedAsync(token, cancellationToken);
            throw;
        }
    }

    /// <summary>The token's plan; an upload whose size is still unknown (tus) has none, so the native API cannot send its parts or complete it.</summary>
    internal static PartPlan PlanOf(UploadToken token) =>
        token.IsSizeDeferred
            ? throw ApiErrors.UploadSizeDeferred.With("It was created through tus with Upload-Defer-Length; continue it there, where its length is sent with a PATCH.")
            : token.Plan;

    private static void RequireAllowed(UploadOptions limits, string fileName, string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (limits.AllowedContentTypes.Count > 0 && !limits.AllowedContentTypes.Any(allowed => MediaTypeMatches(allowed, mediaType)))
        {
            throw ApiErrors.ContentTypeNotAllowed.With(
                $"Accepted: {string.Join(", ", limits.AllowedContentTypes)}.");
        }
        var extension = Path.GetExtension(FileNameSanitizer.FileName(fileName));
        if (limits.AllowedExtensions.Count > 0 && !limits.AllowedExtensions.Any(allowed => string.Equals("." + allowed.TrimStart('.'), extension, StringComparison.OrdinalIgnoreCase)))
        {
            throw ApiErrors.ExtensionNotAllowed.With(
                $"Accepted: {string.Join(", ", limits.AllowedExtensions)}.");
        }
    }

    private static bool MediaTypeMatches(string allowed, string mediaType) =>
        allowed.EndsWith("/*", StringComparison.Ordinal)
            ? mediaType.StartsWith(allowed[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(allowed, mediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A file joining a group gets a key that is not fresh: refuse it when an object or an open upload
    /// already has it (the same path twice in one folder upload), rather than let one overwrite the other.
    /// </summary>
    private async Task RequireKeyFreeAsync(string key, CancellationToken cancellationToken)
    {
        if (await store.HeadCompletedAsync(key, cancellationToken) is not null)
        {
            throw KeyTaken(key);
        }
        await foreach (var open in store.ListMultipartUploadsAsync(key, cancellationToken))
        {
            if (open.Key == key)
            {
                throw KeyTaken(key);
            }
        }
    }

    private static ApiException KeyTaken(string key) =>
        ApiErrors.KeyTaken.With($"{key} is already a file, or an upload in progress, of this group: two files of one folder upload have the same path once cleaned.",
            new Dictionary<string, object?> { ["key"] = key });

    /// <summary>The store's own list of incomplete uploads is the count: no counter to keep in step.</summary>
    private async Task RequireUploadSlotAsync(UploadOptions limits, string owner, CancellationToken cancellationToken)
    {
        if (limits.MaxConcurrentUploadsPerOwner <= 0)
        {
            return;
        }
        var open = 0;
        await foreach (var _ in store.ListMultipartUploadsAsync(Owner.Prefix(owner), cancellationToken).Concat(store.ListMultipartUploadsAsync(PartialsPrefix(owner), cancellationToken)))
        {
            if (++open >= limits.MaxConcurrentUploadsPerOwner)
            {
                throw ApiErrors.TooManyUploads.With(
                    $"Finish or abort some of your {open} incomplete uploads first (the limit is {limits.MaxConcurrentUploadsPerOwner}).",
                    new Dictionary<string, object?> { ["maxConcurrentUploads"] = limits.MaxConcurrentUploadsPerOwner },
                    new Dictionary<string, string> { ["Retry-After"] = TooManyUploadsRetryAfterSeconds });
            }
        }
    }

    /// <summary>
    /// The original name as metadata, escaped to ASCII. A name too long for S3's metadata limit keeps
    /// its sanitized form instead (at most 200 bytes of UTF-8, extension kept): what the key already shows.
    /// </summary>
    private static string OriginalName(string fileName)
    {
        var escaped = Uri.EscapeDataString(fileName);
        return escaped.Length <= MaxOriginalNameMetadata ? escaped : Uri.EscapeDataString(FileNameSanitizer.FileName(fileName));
    }

    private static void RequirePart(PartPlan plan, int partNumber)
    {
        if (!plan.Contains(partNumber))
        {
            throw ApiErrors.InvalidPartNumber.With($"This upload has parts 1 to {plan.PartCount}.",
                new Dictionary<string, object?> { ["partCount"] = plan.PartCount });
        }
    }

    /// <summary>A part or a listing for an upload that is gone: say so plainly when it is gone because it completed.</summary>
    private async Task RefuseIfCompletedAsync(UploadToken token, CancellationToken cancellationToken)
    {
        if (await FindCompletedAsync(token, cancellationToken) is not null)
        {
            throw FileStored();
        }
    }

    /// <summary>The answer to anything sent to an upload whose file is stored (multipart or one-part).</summary>
    private static ApiException FileStored() => ApiErrors.UploadCompleted.With("Its file is stored; nothing more can be sent to it.");

    /// <summary>The object of an upload that was already completed: its key is unique to the upload.</summary>
    private async Task<CompleteUploadResponse?> FindCompletedAsync(UploadToken token, CancellationToken cancellationToken)
    {
        var done = await store.HeadCompletedAsync(token.Key, cancellationToken);
        return done is not null && (done.Size == token.Size || token.IsSizeDeferred) ? new CompleteUploadResponse(done.Key, done.Size, done.ETag, done.ChecksumSha256) : null;
    }

    private static PartResponse ToPartResponse(StoredPart part, byte[]? sha256) =>
        new(part.PartNumber, part.Size, part.ETag, part.ChecksumSha256 ?? (sha256 is null ? null : Convert.ToBase64String(sha256)));

    // The upload (UploadId, Owner, Key) is on each line through the request's scope (UploadScope).
    [LoggerMessage(LogLevel.Information, "Upload started: {Size} bytes in {PartCount} parts of {PartSize} bytes")]
    private partial void LogUploadStarted(long size, int partCount, long partSize);

    [LoggerMessage(LogLevel.Debug, "Part {PartNumber} stored: {Size} bytes")]
    private partial void LogPartStored(int partNumber, long size);

    [LoggerMessage(LogLevel.Debug, "Part {PartNumber} not stored ({Reason}) after {Received} bytes received")]
    private partial void LogPartFailed(int partNumber, long received, string reason);

    [LoggerMessage(LogLevel.Information, "Upload completed: {Size} bytes in {PartCount} parts")]
    private partial void LogUploadCompleted(long size, int partCount);

    [LoggerMessage(LogLevel.Debug, "Complete refused ({Reason})")]
    private partial void LogCompleteFailed(string reason);

    [LoggerMessage(LogLevel.Information, "Upload aborted by its client")]
    private partial void LogUploadAborted();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(""[^""\r\n]*""|[A-Za-z0-9!#$&^_.+-]+))*$")]
    private static partial Regex MediaType();
}
