using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hoist.Server.Errors;
using Hoist.Server.Storage;
using Hoist.Server.Uploads;

namespace Hoist.Server.Tus;

/// <summary>
/// A tus upload's offset, read from the store, and PATCH bodies of any size mapped onto the token's
/// part plan (docs/tus.md). Nothing is kept here between requests:
/// <list type="bullet">
/// <item>offset = (the contiguous run of stored parts from part 1, each of its planned size) × part size
/// + the length of the upload's current tail;</item>
/// <item>the tail is a scratch object holding the bytes after that run, fewer than one part, named
/// <c>tail.&lt;start&gt;.&lt;length&gt;.&lt;previous part's ETag hash&gt;.&lt;nonce&gt;</c>. Only a tail that starts
/// where the run ends and follows the very part stored before it counts; of several, the longest,
/// then the lowest nonce (nonces grow with time, so the first written).</item>
/// </list>
/// A PATCH joins the current tail and its body: every full part streams to the store's UploadPart, the
/// rest becomes a new tail. Afterwards it reads the state again: it has won only if the offset is what it
/// wrote and its tail is the one that counts; otherwise it answers 409 and removes its own tail.
/// </summary>
public sealed partial class TusUploads(IObjectStore store, UploadService uploads, ILogger<TusUploads> logger)
{
    private const string TailMark = "tail";
    private const string IncomingMark = "incoming";
    private const string LengthMark = "length";
    private const string NoPrevious = "-";

    public async Task<TusState> ReadStateAsync(UploadToken token, CancellationToken cancellationToken)
    {
        var parts = new Dictionary<int, StoredPart>();
        var listed = true;
        try
        {
            await foreach (var part in store.ListPartsAsync(token.Key, token.StoreUploadId, cancellationToken))
            {
                parts[part.PartNumber] = part;
            }
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
        {
            listed = false;
        }
        var scratch = await store.ListScratchAsync(UploadScratch.Prefix(token), cancellationToken).ToListAsync(cancellationToken);
        long? length = token.IsSizeDeferred ? LengthOf(scratch) : token.Size;
        if (!listed)
        {
            // Gone: completed (its object is there, of its size; a deferred one's length object went with it) or not found.
            if (await store.HeadCompletedAsync(token.Key, cancellationToken) is { } done && (done.Size == length || (token.IsSizeDeferred && length is null)))
            {
                var size = done.Size;
                return new TusState(size, size, token.WithSize(size), PartPlan.For(size, token.PartSize), 0, NoPrevious, null, [], Completed: true, AllPartsStored: true);
            }
            throw new StoreException(StoreErrorCode.NoSuchUpload, $"The upload '{token.StoreUploadId}' does not exist.");
        }
        var resolved = length is { } known ? token.WithSize(known) : token;
        var plan = length is not null ? resolved.Plan : DeferredPlan(token.PartSize);
        var run = 0;
        while (run < plan.PartCount && parts.TryGetValue(run + 1, out var part) && part.Size == plan.SizeOf(run + 1))
        {
            run++;
        }
        var previous = run == 0 ? NoPrevious : ETagMark(parts[run].ETag);
        if (run == plan.PartCount)
        {
            return new TusState(plan.FileSize, length, resolved, plan, run, previous, null, scratch, Completed: false, AllPartsStored: length is not null);
        }
        var start = run * plan.PartSize;
        // A tail as long as the next part exists only where that part is the last and the length was
        // learnt after the tail was written (creation-defer-length): the finish turns it into the part.
        var tail = scratch.Select(s => TusTail.Parse(s.Name)).OfType<TusTail>()
            .Where(t => t.Start == start && t.Previous == previous && t.Length > 0 && t.Length <= plan.SizeOf(run + 1))
            .OrderByDescending(t => t.Length).ThenBy(t => t.Nonce, StringComparer.Ordinal)
            .FirstOrDefault();
        return new TusState(start + (tail?.Length ?? 0), length, resolved, plan, run, previous, tail, scratch, Completed: false, AllPartsStored: false);
    }

    /// <summary>
    /// Writes <paramref name="length"/> bytes of <paramref name="body"/> at <paramref name="offset"/>
    /// and answers the state afterwards; completes the upload when it reaches its length.
    /// <paramref name="declaredLength"/> is a PATCH's Upload-Length: the length of an upload created
    /// without one, stored before anything else happens.
    /// </summary>
    public async Task<TusState> WriteAsync(UploadToken token, long offset, Stream body, long length, TusChecksum? checksum, long? declaredLength, CancellationToken cancellationToken)
    {
        var state = await ReadStateAsync(token, cancellationToken);
        if (declaredLength is { } declared)
        {
            state = await SetLengthAsync(token, state, declared, offset + length, cancellationToken);
        }
        if (offset != state.Offset)
        {
            throw OffsetMismatch(offset, state.Offset);
        }
        var limit = state.Length ?? state.Plan.FileSize;
        if (length > limit - offset)
        {
            throw ApiErrors.TusUploadLengthExceeded.With(state.Length is { } size
                ? $"The upload has {size} bytes; {size - offset} are left after offset {offset}, the body has {length}."
                : $"An upload whose length is deferred may hold at most {limit} bytes here; {limit - offset} are left after offset {offset}, the body has {length}.");
        }
        if (state.Completed)
        {
            return state;
        }
        if (length == 0)
        {
            return await FinishIfStoredAsync(state, cancellationToken);
        }
        string? staged = null;
        string? written;
        try
        {
            var source = body;
            ObjectContent? stagedContent = null;
            if (checksum is not null)
            {
                // The whole body is checked before a part of it counts: staged, verified, then used.
                staged = UploadScratch.Prefix(token) + IncomingMark + "." + Nonce();
                try
                {
                    await using var checkedBody = new DigestCheckingStream(body, length, checksum.Algorithm, checksum.Digest);
                    await store.PutScratchAsync(staged, checkedBody, length, cancellationToken);
                }
                catch (StoreException e) when (e.Code == StoreErrorCode.BadDigest)
                {
                    staged = null;
                    throw ApiErrors.TusChecksumMismatch.With($"Nothing was stored; the offset is still {offset}. Send the bytes again.");
                }
                stagedContent = await store.GetScratchAsync(staged, cancellationToken);
                source = stagedContent.Body;
            }
            await using (stagedContent)
            {
                written = await WriteCoreAsync(state, source, length, cancellationToken);
            }
        }
        catch (Exception e) when (e is StoreException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // A request that failed while another moved the upload on lost a race (the tail it read was
            // replaced, say): that is a conflict, not a failure of the store.
            if (await TryReadStateAsync(token, cancellationToken) is { } now && now.Offset != state.Offset)
            {
                throw Conflict(offset, now.Offset, e);
            }
            throw;
        }
        finally
        {
            if (staged is not null)
            {
                await TryDeleteAsync(staged);
            }
        }

        var after = await ReadStateAsync(token, cancellationToken);
        var expected = offset + length;
        if (after.Length is { } total && expected == total && after.Offset == total)
        {
            // Every byte is stored: the complete (which checks every part once more) makes the object appear at once.
            return await FinishIfStoredAsync(after, cancellationToken);
        }
        if (after.Offset != expected || (written is not null && after.Tail?.Name != written))
        {
            if (written is not null && after.Tail?.Name != written)
            {
                await TryDeleteAsync(written);
            }
            throw Conflict(offset, after.Offset, null);
        }
        // Won: tails that no longer count (the one this request joined, a loser's) go.
        foreach (var stale in after.Scratch.Where(s => s.Name != after.Tail?.Name && TusTail.Parse(s.Name) is not null))
        {
            await TryDeleteAsync(stale.Name);
        }
        return after;
    }

    /// <summary>
    /// Completes an upload that holds all its bytes: after the last part (or a crash between it and the
    /// complete), or when a deferred length turned out to end within the tail, which becomes the last part.
    /// </summary>
    public async Task<TusState> FinishIfStoredAsync(TusState state, CancellationToken cancellationToken)
    {
        if (state.Completed || state.Length is not { } length || state.Offset != length)
        {
            return state;
        }
        if (!state.AllPartsStored)
        {
            var last = state.FullParts + 1;
            var tailLength = state.Tail?.Length ?? 0;
            await using var tailContent = state.Tail is null ? null : await store.GetScratchAsync(state.Tail.Name, cancellationToken);
            var tailBody = tailContent is null ? Stream.Null : new SliceStream(tailContent.Body, tailLength);
            await store.UploadPartAsync(state.Token.Key, state.Token.StoreUploadId, last, tailBody, tailLength, null, cancellationToken);
        }
        await uploads.CompleteAsync(state.Token, cancellationToken);
        await ForgetScratchAsync(state.Token, cancellationToken);
        return state with { Completed = true, AllPartsStored = true, Tail = null, Scratch = [] };
    }

    /// <summary>Deletes the upload's scratch objects (best effort: the sweeper removes what stays).</summary>
    public async Task ForgetScratchAsync(UploadToken token, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var scratch in store.ListScratchAsync(UploadScratch.Prefix(token), cancellationToken))
            {
                await TryDeleteAsync(scratch.Name);
            }
        }
        catch (StoreException e)
        {
            LogForgetFailed(token.Key, e.Message);
        }
    }

    /// <summary>
    /// Stores the length of an upload created without one (a scratch object <c>length.&lt;n&gt;</c>,
    /// written once); a length already known may only be repeated.
    /// </summary>
    private async Task<TusState> SetLengthAsync(UploadToken token, TusState state, long declared, long end, CancellationToken cancellationToken)
    {
        if (state.Length is { } known)
        {
            return known == declared
                ? state
                : throw ApiErrors.TusInvalidUploadLength.With($"Upload-Length cannot change: this upload has {known} bytes.");
        }
        if (declared < end)
        {
            throw ApiErrors.TusInvalidUploadLength.With($"Upload-Length {declared} is shorter than the bytes the upload would then hold ({end}).");
        }
        var max = uploads.MaxDeferredSize(token.PartSize);
        if (declared > max)
        {
            throw ApiErrors.FileTooLarge.With($"An upload created without a length may hold at most {max} bytes here.",
                new Dictionary<string, object?> { ["maxFileSize"] = max });
        }
        var name = UploadScratch.Prefix(token) + string.Create(CultureInfo.InvariantCulture, $"{LengthMark}.{declared:D15}");
        await store.PutScratchAsync(name, Stream.Null, 0, cancellationToken);
        var after = await ReadStateAsync(token, cancellationToken);
        if (after.Length != declared)
        {
            await TryDeleteAsync(name);
            throw Conflict(state.Offset, after.Offset, null);
        }
        return after;
    }

    /// <summary>While the length is unknown: full parts up to the most a deferred upload may hold.</summary>
    private PartPlan DeferredPlan(long partSize)
    {
        var max = uploads.MaxDeferredSize(partSize);
        return new PartPlan(max, partSize, (int)Math.Max(1, (max + partSize - 1) / partSize));
    }

    /// <summary>The length stored for a deferred upload: the smallest of the length objects (another is a racer's, which removes itself).</summary>
    private static long? LengthOf(IEnumerable<ScratchObject> scratch)
    {
        long? length = null;
        foreach (var item in scratch)
        {
            var fields = item.Name[(item.Name.LastIndexOf('/') + 1)..].Split('.');
            if (fields.Length == 2 && fields[0] == LengthMark && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && (length is null || value < length))
            {
                length = value;
            }
        }
        return length;
    }

    private async Task<string?> WriteCoreAsync(TusState state, Stream source, long length, CancellationToken cancellationToken)
    {
        var token = state.Token;
        var plan = state.Plan;
        var remaining = length;
        var partNumber = state.FullParts + 1;
        var tail = state.Tail;
        var previous = state.Previous;
        while (remaining > 0)
        {
            var partSize = plan.SizeOf(partNumber);
            var tailLength = tail?.Length ?? 0;
            var need = partSize - tailLength;
            await using var tailContent = tail is null ? null : await store.GetScratchAsync(tail.Name, cancellationToken);
            var tailBody = tailContent is null ? null : new SliceStream(tailContent.Body, tailLength);
            // With a known length a tail never fills its part; while a length is deferred the last
            // bytes wait in a tail even when they fill a part (they may be the last part, or not).
            if (remaining > need || (remaining == need && state.Length is not null))
            {
                var joined = new ConcatStream(tailBody, new SliceStream(source, need));
                var stored = await store.UploadPartAsync(token.Key, token.StoreUploadId, partNumber, joined, partSize, null, cancellationToken);
                previous = ETagMark(stored.ETag);
                remaining -= need;
                tail = null;
                partNumber++;
            }
            else
            {
                var name = TusTail.NameFor(UploadScratch.Prefix(token), (partNumber - 1) * plan.PartSize, tailLength + remaining, previous, Nonce());
                await store.PutScratchAsync(name, new ConcatStream(tailBody, new SliceStream(source, remaining)), tailLength + remaining, cancellationToken);
                return name;
            }
        }
        return null;
    }

    private async Task<TusState?> TryReadStateAsync(UploadToken token, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadStateAsync(token, cancellationToken);
        }
        catch (StoreException)
        {
            return null;
        }
    }

    private async Task TryDeleteAsync(string name)
    {
        try
        {
            // Not the request's token: a client that hung up must not leave its tail behind.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await store.DeleteScratchAsync(name, timeout.Token);
        }
        catch (Exception e) when (e is StoreException or OperationCanceledException or IOException)
        {
            LogForgetFailed(name, e.Message);
        }
    }

    /// <summary>16 hex digits of the time (so nonces sort by when they were made) and 8 random ones.</summary>
    private static string Nonce() =>
        DateTime.UtcNow.Ticks.ToString("x16", CultureInfo.InvariantCulture) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>A part's ETag as a name field: 16 hex digits of its SHA-256 (ETags may hold characters names should not).</summary>
    private static string ETagMark(string etag) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(etag.ToLowerInvariant())))[..16];

    internal static ApiException OffsetMismatch(long sent, long actual) =>
        ApiErrors.TusOffsetMismatch.With($"The request says {sent}; the server holds {actual} bytes of this upload. Ask with HEAD and send from there.",
            new Dictionary<string, object?> { ["offset"] = actual });

    private static ApiException Conflict(long sent, long actual, Exception? cause) =>
        ApiErrors.TusConflict.With($"This request, sent at offset {sent}, lost the race{(cause is null ? "" : $" ({cause.Message})")}; the upload now holds {actual} bytes. Ask with HEAD and send from there.",
            new Dictionary<string, object?> { ["offset"] = actual });

    [LoggerMessage(LogLevel.Warning, "Could not remove the tus scratch object(s) {What}: {Reason}; the sweeper removes them later")]
    private partial void LogForgetFailed(string what, string reason);
}

/// <summary>What the store holds of a tus upload.</summary>
/// <param name="Length">The upload's length, or null while it is deferred and not sent yet.</param>
/// <param name="Token">The upload's token, with its size once known (for a deferred upload).</param>
/// <param name="Plan">The part plan: the token's, or while the length is unknown one of 10,000 full parts.</param>
/// <param name="Previous">The ETag mark of the last part of the run (what a new tail must follow), or "-" before part 1.</param>
public sealed record TusState(long Offset, long? Length, UploadToken Token, PartPlan Plan, int FullParts, string Previous, TusTail? Tail, IReadOnlyList<ScratchObject> Scratch, bool Completed, bool AllPartsStored);

/// <summary>A tail: the bytes after the run of full parts, fewer than one part, as a scratch object.</summary>
public sealed record TusTail(string Name, long Start, long Length, string Previous, string Nonce)
{
    public static string NameFor(string prefix, long start, long length, string previous, string nonce) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}tail.{start:D15}.{length:D11}.{previous}.{nonce}");

    public static TusTail? Parse(string name)
    {
        var file = name[(name.LastIndexOf('/') + 1)..];
        var fields = file.Split('.');
        return fields.Length == 5 && fields[0] == "tail"
            && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? new TusTail(name, start, length, fields[3], fields[4])
            : null;
    }
}
