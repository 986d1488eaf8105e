using Hoist.Server.Errors;
using Hoist.Server.Storage;
using Hoist.Wire;

namespace Hoist.Server.Uploads;

// A one-part file is stored with ONE request to the store when its part arrives
// (IObjectStore.PutCompletedAsync), not as a multipart upload of one part (create, part, complete and
// their bookkeeping: about eight requests to S3). Small files cost the store, and the server, per
// request: this is what makes thousands of them cheap (docs/api.md, "One-part files"). The create
// touches no store; the token says so (SinglePut) and carries what the object is stored with.
public sealed partial class UploadService
{
    /// <summary>
    /// Names the upload a single-put object came from: a repeated request of that upload is told it is
    /// complete; a file of a group that finds another file there is told the key is taken.
    /// </summary>
    public const string UploadIdMetadata = "hoist-upload-id";

    /// <summary>
    /// Whether a create may leave its file to one put: a one-part plan whose part carries its SHA-256
    /// (the store checks it), and no metadata beyond the original name (the token carries it, readable by
    /// its holder: a pre-create hook's metadata stays on the server, with a multipart upload).
    /// </summary>
    private static bool IsSinglePut(PartPlan plan, string? algorithm, Dictionary<string, string> metadata) =>
        plan.PartCount == 1 && algorithm == HoistWire.Sha256 && metadata.Count == 1 && metadata[OriginalNameMetadata].Length <= 512;

    /// <summary>The file's only part: stored whole, then announced as a complete is.</summary>
    private async Task<PartResponse> PutSingleAsync(UploadToken token, Stream body, long length, byte[] sha256, CancellationToken cancellationToken)
    {
        await RefuseIfStoredAsync(token, cancellationToken);
        var metadata = new Dictionary<string, string> { [OriginalNameMetadata] = token.OriginalName ?? "", [UploadIdMetadata] = token.StoreUploadId };
        // Counted as a part, as in a multipart upload: a failed one may be sent again.
        CompletedObject stored;
        try
        {
            stored = await MeasurePartAsync(1, body,
                received => store.PutCompletedAsync(token.Key, received, length, sha256, token.ContentType, metadata, cancellationToken), put => put.Size);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.ObjectExists)
        {
            // Stored meanwhile, past the check above: by another request of this upload, or by another
            // file of its group at the same instant. The store kept that one; this one is told which.
            await RefuseIfStoredAsync(token, cancellationToken);
            throw KeyTaken(token.Key);
        }
        var completed = new CompleteUploadResponse(stored.Key, stored.Size, stored.ETag, stored.ChecksumSha256);
        await FinishedAsync(token, completed, cancellationToken);
        metrics.UploadCompleted();
        LogUploadCompleted(stored.Size, 1);
        return new PartResponse(1, stored.Size, stored.ETag, Convert.ToBase64String(sha256), completed);
    }

    /// <summary>
    /// A complete of a single-put upload: its part's PUT completed it, so this answers the stored file
    /// (a retry after a lost answer; the event is recorded again, under the same id), or says the part is missing.
    /// </summary>
    private async Task<CompleteUploadResponse> CompleteSingleAsync(UploadToken token, CancellationToken cancellationToken)
    {
        if (await IsStoredAsync(token, cancellationToken) && await FindCompletedAsync(token, cancellationToken) is { } done)
        {
            await FinishedAsync(token, done, cancellationToken);
            return done;
        }
        throw ApiErrors.IncompleteUpload.With("1 of 1 parts are missing or have the wrong size: 1.",
            new Dictionary<string, object?> { ["missingParts"] = new List<int> { 1 } });
    }

    /// <summary>Refuses to go on with a single-put upload whose file is stored (by it, or by another file of its group).</summary>
    private async Task RefuseIfStoredAsync(UploadToken token, CancellationToken cancellationToken)
    {
        if (await IsStoredAsync(token, cancellationToken))
        {
            throw FileStored();
        }
    }

    /// <summary>Whether this upload's file is stored; <c>409 key_taken</c> when another file has its key.</summary>
    private async Task<bool> IsStoredAsync(UploadToken token, CancellationToken cancellationToken)
    {
        if (await store.HeadObjectAsync(token.Key, cancellationToken) is not { } existing)
        {
            return false;
        }
        if (existing.Metadata.GetValueOrDefault(UploadIdMetadata) == token.StoreUploadId)
        {
            return true;
        }
        // Keys are fresh (the template has {id}) but within a group: only another file of this upload's
        // group can be there. The group's first file too: its token is not marked grouped, its id is shared.
        throw KeyTaken(token.Key);
    }
}
