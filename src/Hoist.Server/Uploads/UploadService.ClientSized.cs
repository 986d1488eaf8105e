using System.Security.Cryptography;
using Hoist.Server.Errors;
using Hoist.Server.Storage;
using Hoist.Server.Telemetry;

namespace Hoist.Server.Uploads;

// Uploads whose client chooses the part sizes and names the parts at complete, as S3's own multipart
// API does (the /s3/ face, docs/uppy.md). The token has no plan (its size is deferred): the store's
// rules stand in for it (parts 1..10,000, at most 5 GiB each, every part but the last at least 5 MiB),
// and the server's size limit is checked on every part and on the whole.
public sealed partial class UploadService
{
    /// <summary>Creates a client-sized upload: its key from the template, its size unknown (a deferred-size token), no part plan for the store.</summary>
    public Task<CreateUploadResponse> CreateClientSizedAsync(string owner, string fileName, string? contentType, CancellationToken cancellationToken) =>
        CreateCoreAsync(owner, new CreateUploadRequest(fileName, 0, contentType, null), deferSize: true, concat: null, cancellationToken, clientSized: true);

    /// <summary>Stores one part of a client-sized upload; <paramref name="md5"/>, when given, must be the MD5 of the bytes or nothing is stored.</summary>
    public Task<StoredPart> UploadClientSizedPartAsync(UploadToken token, int partNumber, Stream body, long length, byte[]? md5, CancellationToken cancellationToken)
    {
        CheckClientSizedPart(partNumber, length);
        return StorePartAsync(token, partNumber, md5 is null ? body : new Md5CheckedStream(body, md5), length, null, cancellationToken);
    }

    /// <summary>Refuses a part number or length no store would take, before a byte of the body is read.</summary>
    public void CheckClientSizedPart(int partNumber, long length)
    {
        if (partNumber is < 1 or > S3Limits.MaxPartNumber)
        {
            throw ApiErrors.InvalidPartNumber.With($"A part number is from 1 to {S3Limits.MaxPartNumber}.");
        }
        if (length > Math.Min(S3Limits.MaxPartSize, options.Value.MaxFileSize))
        {
            throw ApiErrors.PartTooLarge.With($"A part may have at most {Math.Min(S3Limits.MaxPartSize, options.Value.MaxFileSize)} bytes here.");
        }
    }

    /// <summary>Every stored part of a client-sized upload, ascending.</summary>
    public async Task<List<StoredPart>> ListClientSizedPartsAsync(UploadToken token, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ListPartsAsync(token.Key, token.StoreUploadId, cancellationToken).ToListAsync(cancellationToken);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.NoSuchUpload)
        {
            await RefuseIfCompletedAsync(token, cancellationToken);
            throw;
        }
    }

    /// <summary>
    /// Completes a client-sized upload with the parts the client names (number and ETag, as S3's complete
    /// takes them): each must be stored with that ETag, every stored part must be named, the whole must be
    /// within the size limit; the store then checks the 5 MiB rule and assembles them.
    /// </summary>
    public async Task<CompleteUploadResponse> CompleteClientSizedAsync(UploadToken token, IReadOnlyList<(int PartNumber, string ETag)> named, CancellationToken cancellationToken)
    {
        try
        {
            return await CompleteWithAsync(token, async () =>
            {
                // Straight from the store: an upload gone because it completed answers its object (CompleteWithAsync).
                var stored = await store.ListPartsAsync(token.Key, token.StoreUploadId, cancellationToken).ToDictionaryAsync(p => p.PartNumber, cancellationToken: cancellationToken);
                var chosen = CompleteRules.ChooseParts([.. named.Select(p => new StoredPart(p.PartNumber, 0, p.ETag, default))], stored);
                var size = chosen.Sum(p => p.Size);
                if (size > options.Value.MaxFileSize)
                {
                    throw ApiErrors.FileTooLarge.With($"The parts hold {size} bytes; the limit is {options.Value.MaxFileSize} bytes.",
                        new Dictionary<string, object?> { ["maxFileSize"] = options.Value.MaxFileSize });
                }
                return chosen;
            }, cancellationToken);
        }
        catch (Exception e)
        {
            metrics.UploadFailed(e);
            LogCompleteFailed(HoistMetrics.ReasonOf(e));
            throw;
        }
    }

    /// <summary>A body whose MD5 must be the given one: the last read throws otherwise, so the store keeps nothing of it.</summary>
    private sealed class Md5CheckedStream(Stream source, byte[] expected) : ForwardOnlyReadStream
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private bool _checked;


        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await source.ReadAsync(buffer, cancellationToken);
            if (n > 0)
            {
                _md5.AppendData(buffer.Span[..n]);
            }
            else if (!_checked)
            {
                if (!CryptographicOperations.FixedTimeEquals(_md5.GetHashAndReset(), expected))
                {
                    throw new StoreException(StoreErrorCode.BadDigest, "The part's bytes do not match its Content-MD5.");
                }
                _checked = true;
            }
            return n;
        }


        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _md5.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
