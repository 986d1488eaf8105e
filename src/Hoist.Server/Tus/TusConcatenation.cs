using Hoist.Server.Errors;
using Hoist.Server.Storage;
using Hoist.Server.Uploads;

namespace Hoist.Server.Tus;

/// <summary>
/// The concatenation extension (docs/tus.md): partial uploads are uploads of their own, stored under
/// <see cref="UploadService.PartialsRoot"/>; a final upload names them and is assembled from them at its
/// creation: inside the store (one part copied from each partial, S3's UploadPartCopy) when every partial
/// but the last has at least 5 MiB, else through the server (the partials' bytes read back and cut by the
/// final's own part plan). The partials' objects are deleted once the final exists.
/// </summary>
public sealed partial class TusConcatenation(IObjectStore store, UploadService uploads, TusUploads tus, UploadTokenSigner signer, ILogger<TusConcatenation> logger)
{
    private const string FinalPrefix = "final;";

    /// <summary>Reads and checks the partial uploads an Upload-Concat: final header names, in order, with their sizes. Nothing is stored.</summary>
    public async Task<IReadOnlyList<(UploadToken Token, long Size)>> ReadPartialsAsync(string header, string owner, string tusPath, CancellationToken cancellationToken)
    {
        if (!header.StartsWith(FinalPrefix, StringComparison.Ordinal))
        {
            throw ApiErrors.TusInvalidConcat.With("Expected 'partial', or 'final;' and the partial uploads' URLs separated by spaces.");
        }
        var urls = header[FinalPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (urls.Length is 0 or > S3Limits.MaxPartNumber)
        {
            throw ApiErrors.TusInvalidConcat.With($"A final upload names 1 to {S3Limits.MaxPartNumber} partial uploads; this one names {urls.Length}.");
        }
        var partials = new List<(UploadToken, long)>(urls.Length);
        foreach (var url in urls)
        {
            var path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : url.Split('?')[0];
            var slash = path.LastIndexOf('/');
            if (slash < 0 || !path[..slash].EndsWith(tusPath, StringComparison.Ordinal) || slash == path.Length - 1)
            {
                throw ApiErrors.TusInvalidConcat.With($"'{(url.Length > 80 ? url[..80] + "..." : url)}' is not an upload URL of {tusPath}/.");
            }
            // The owner check: another owner's partial is an upload that does not exist (404), as everywhere.
            var token = signer.Read(Uri.UnescapeDataString(path[(slash + 1)..]), owner);
            if (token.Concat != UploadToken.Partial)
            {
                throw ApiErrors.TusInvalidConcat.With("A final upload may only name partial uploads (created with Upload-Concat: partial).");
            }
            var state = await tus.ReadStateAsync(token, cancellationToken);
            if (!state.Completed)
            {
                throw ApiErrors.TusPartialUnfinished.With($"A partial upload holds {state.Offset} of its {(state.Length is { } l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : "(unknown)")} bytes; send the rest first.");
            }
            partials.Add((token, state.Offset));
        }
        return partials;
    }

    /// <summary>Stores the final upload's object from its partials, then deletes the partials' objects.</summary>
    public async Task AssembleAsync(UploadToken final, IReadOnlyList<(UploadToken Token, long Size)> partials, CancellationToken cancellationToken)
    {
        try
        {
            await AssembleCoreAsync(final, partials, cancellationToken);
        }
        catch
        {
            await TryAbortAsync(final);
            throw;
        }
        foreach (var partial in partials.Select(p => p.Token.Key).Distinct(StringComparer.Ordinal))
        {
            try
            {
                await store.DeleteObjectAsync(partial, CancellationToken.None);
            }
            catch (StoreException e)
            {
                LogPartialNotDeleted(partial, e.Message);
            }
        }
    }

    private async Task AssembleCoreAsync(UploadToken final, IReadOnlyList<(UploadToken Token, long Size)> partials, CancellationToken cancellationToken)
    {
        if (final.Size == 0)
        {
            await uploads.UploadPartAsync(final, 1, Stream.Null, 0, null, cancellationToken);
            return;
        }
        var sources = partials.Where(p => p.Size > 0).ToList();
        if (sources.SkipLast(1).All(p => p.Size >= S3Limits.MinPartSize) && sources.All(p => p.Size <= S3Limits.MaxPartSize))
        {
            // Inside the store: each partial becomes one part as it is.
            var parts = new List<StoredPart>(sources.Count);
            for (var i = 0; i < sources.Count; i++)
            {
                parts.Add(await store.UploadPartCopyAsync(final.Key, final.StoreUploadId, i + 1, sources[i].Token.Key, cancellationToken));
            }
            await store.CompleteMultipartUploadAsync(final.Key, final.StoreUploadId, parts, cancellationToken);
            return;
        }
        // Through the server: the partials one after the other, cut by the final's own plan.
        var plan = final.Plan;
        await using var joined = new ObjectsStream(store, [.. sources.Select(s => s.Token.Key)]);
        for (var n = 1; n <= plan.PartCount; n++)
        {
            await store.UploadPartAsync(final.Key, final.StoreUploadId, n, new SliceStream(joined, plan.SizeOf(n)), plan.SizeOf(n), null, cancellationToken);
        }
        await uploads.CompleteAsync(final, cancellationToken);
    }

    private async Task TryAbortAsync(UploadToken final)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await store.AbortMultipartUploadAsync(final.Key, final.StoreUploadId, timeout.Token);
        }
        catch (Exception e) when (e is StoreException or OperationCanceledException)
        {
            LogPartialNotDeleted(final.Key, e.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not clean up {Key} after a tus concatenation: {Reason}; the sweeper removes it later")]
    private partial void LogPartialNotDeleted(string key, string reason);

    /// <summary>Stored objects read one after the other, each opened when the one before it ends.</summary>
    private sealed class ObjectsStream(IObjectStore store, IReadOnlyList<string> keys) : ForwardOnlyReadStream
    {
        private int _next;
        private ObjectContent? _current;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (buffer.Length > 0)
            {
                if (_current is null)
                {
                    if (_next == keys.Count)
                    {
                        return 0;
                    }
                    _current = await store.GetObjectAsync(keys[_next++], null, cancellationToken);
                }
                var n = await _current.Body.ReadAsync(buffer, cancellationToken);
                if (n > 0)
                {
                    return n;
                }
                await _current.DisposeAsync();
                _current = null;
            }
            return 0;
        }

        public override async ValueTask DisposeAsync()
        {
            if (_current is not null)
            {
                await _current.DisposeAsync();
            }
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _current?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
