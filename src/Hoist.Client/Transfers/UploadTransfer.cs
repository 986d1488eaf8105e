using Hoist.Client.Http;
using Hoist.Client.Transfers.Direct;

namespace Hoist.Client.Transfers;

/// <summary>
/// One upload being sent: checks what is stored, sends the rest in parallel with a SHA-256 per part,
/// completes, and compares the server's whole-object checksum with its own. In direct mode (docs/api.md)
/// parts go straight to the store, with an MD5 each, and the object's multipart ETag is compared too.
/// </summary>
internal sealed class UploadTransfer
{
    private readonly HoistClient _client;
    private readonly PartSource _source;
    private readonly UploadPlan _plan;
    private readonly int _parallelism;
    private readonly int _bufferSize;
    private readonly UploadProgressTracker _progress;
    private readonly byte[]?[] _sha256s;
    private readonly byte[]?[] _md5s;
    private readonly bool _direct;
    private readonly bool _wholeSha256;
    private DirectRoute? _route;
    private int _partsSentDirect;
    private CompleteUploadResponse? _completedByPart;
    private WholeFileHash? _whole;
    private int _retries;
    private int _partsSent;

    // direct: the server offers direct mode and the client accepts it: parts are MD5-hashed and sent to the store.
    public UploadTransfer(HoistClient client, PartSource source, UploadPlan plan, UploadOptions options, int retriesSoFar, bool direct)
    {
        _direct = direct;
        _client = client;
        _source = source;
        _plan = plan;
        _parallelism = Math.Max(1, options.Parallelism ?? client.Options.Parallelism);
        // Parts up to the limit are read once into a worker's buffer; larger ones stream from the source.
        var largest = Math.Min(plan.PartSize, plan.Size);
        _bufferSize = largest <= client.Options.MaxBufferedPartSize && largest <= Array.MaxLength ? (int)largest : 0;
        _progress = new UploadProgressTracker(plan, options.Progress);
        _sha256s = new byte[plan.PartCount][];
        _md5s = new byte[plan.PartCount][];
        _retries = retriesSoFar;
        _wholeSha256 = options.ComputeSha256;
    }

    private void Retried() => Interlocked.Increment(ref _retries);

    /// <summary>
    /// Compares the stored parts with the local ones by SHA-256 and answers the parts that must be
    /// sent: missing, wrong size, different, or stored without a SHA-256 (the server lost it, e.g. a
    /// request cut between the store and the checksum's record): sent again, such a part gets one, so
    /// that the whole object's checksum can be answered and verified at the end. In direct mode a part
    /// without a SHA-256 (sent straight to the store) is compared by its ETag, the MD5 of its bytes:
    /// the object's ETag is verified at the end.
    /// </summary>
    public async Task<IReadOnlyList<int>> CheckStoredAsync(IReadOnlyList<UploadedPart> stored, CancellationToken cancellationToken)
    {
        var byNumber = stored.Where(p => p.PartNumber >= 1 && p.PartNumber <= _plan.PartCount && p.Size == _plan.SizeOf(p.PartNumber) && (p.ChecksumSha256 is not null || _direct))
            .ToDictionary(p => p.PartNumber);
        var matching = new System.Collections.Concurrent.ConcurrentBag<int>();
        await PartWorkers.RunAsync(byNumber.Keys, _parallelism, _bufferSize, async (number, buffer, token) =>
        {
            var digest = await DigestAsync(number, buffer, md5: _direct, token);
            var part = byNumber[number];
            var same = part.ChecksumSha256 is { } sha
                ? sha == Convert.ToBase64String(digest.Sha256)
                : string.Equals(part.ETag.Trim('"'), Convert.ToHexStringLower(digest.Md5!), StringComparison.OrdinalIgnoreCase);
            if (same)
            {
                _sha256s[number - 1] = digest.Sha256;
                _md5s[number - 1] = digest.Md5;
                matching.Add(number);
            }
        }, cancellationToken);
        foreach (var number in matching)
        {
            _progress.AlreadyStored(number);
        }
        _progress.Report();
        return Enumerable.Range(1, _plan.PartCount).Except(matching).Order().ToList();
    }

    /// <summary>
    /// Sends the given parts, completes the upload and verifies it. An upload found complete meanwhile
    /// (a part answered <c>upload_completed</c>: the answer that completed a one-part file was lost, or
    /// another process finished it) is a success when the stored object is this file: its size and
    /// checksum are compared all the same.
    /// </summary>
    public async Task<UploadResult> SendAndCompleteAsync(IReadOnlyList<int> parts, CancellationToken cancellationToken)
    {
        // Every part sent by this call, in order: the whole file's SHA-256 (when asked for) is computed as the parts are read.
        using var whole = _wholeSha256 && parts.SequenceEqual(Enumerable.Range(1, _plan.PartCount)) ? new WholeFileHash() : null;
        _whole = whole;
        _route = _direct ? new DirectRoute(_client, new PartUrls(_client, _plan.UploadId, Retried, cancellationToken), Retried) : null;
        try
        {
            await PartWorkers.RunAsync(parts, _parallelism, _bufferSize, SendPartAsync, cancellationToken);
        }
        catch (HoistApiException e) when (e.IsUploadCompleted)
        {
            // Ask for the object below: complete answers it for an upload that is already complete.
        }
        var completed = _completedByPart ?? await _client.Sender.SendJsonAsync(
            () => new HttpRequestMessage(HttpMethod.Post, _client.UploadUri(_plan.UploadId, "complete")),
            ApiJson.Default.CompleteUploadResponse, Retried, cancellationToken, CompleteTimeout());
        return await VerifyAsync(completed, cancellationToken);
    }

    /// <summary>Verifies an upload that was already complete when resuming began: every part is hashed here, nothing is sent.</summary>
    public Task<UploadResult> VerifyCompletedAsync(CompleteUploadResponse completed, CancellationToken cancellationToken) =>
        VerifyAsync(completed, cancellationToken);

    /// <summary>
    /// Completing takes time with the size: a store may assemble the object by copying it (the
    /// embedded store does; S3 takes a while for many parts). A minute per GiB on top of a request's
    /// timeout is generous for both, and still cuts a connection that hangs.
    /// </summary>
    private TimeSpan CompleteTimeout()
    {
        var perRequest = _client.Options.RequestTimeout;
        return perRequest <= TimeSpan.Zero || perRequest == Timeout.InfiniteTimeSpan
            ? Timeout.InfiniteTimeSpan
            : perRequest + TimeSpan.FromMinutes(Math.Ceiling(_plan.Size / (1024.0 * 1024 * 1024)));
    }

    private async Task SendPartAsync(int number, byte[]? buffer, CancellationToken cancellationToken)
    {
        var offset = _plan.OffsetOf(number);
        var length = _plan.SizeOf(number);
        ReadOnlyMemory<byte>? bytes = null;
        PartDigest digest;
        if (buffer is not null)
        {
            var memory = buffer.AsMemory(0, (int)length);
            await _source.ReadExactlyAsync(offset, memory, cancellationToken);
            digest = PartDigest.Of(memory.Span, md5: _direct);
            bytes = memory;
            if (_whole is { } whole)
            {
                await whole.WaitTurnAsync(number, cancellationToken);
                whole.Sha.AppendData(memory.Span);
                whole.Done(number);
            }
        }
        else if (_whole is { } whole)
        {
            // A part too large to hold: read (and hashed) on its turn, chunk by chunk.
            await whole.WaitTurnAsync(number, cancellationToken);
            digest = await PartDigest.ReadAsync(_source, offset, length, md5: _direct, cancellationToken, whole.Sha);
            whole.Done(number);
        }
        else
        {
            digest = await PartDigest.ReadAsync(_source, offset, length, md5: _direct, cancellationToken);
        }
        _md5s[number - 1] = digest.Md5;
        if (_route is { IsOpen: true } route && await route.TrySendAsync(number, digest.Md5!,
            () => new PartContent(_source, offset, length, bytes, _client.Limiter, sent => _progress.Sent(number, sent)), cancellationToken))
        {
            _sha256s[number - 1] = digest.Sha256;
            Interlocked.Increment(ref _partsSent);
            Interlocked.Increment(ref _partsSentDirect);
            _progress.Completed(number);
            return;
        }
        var checksum = Convert.ToBase64String(digest.Sha256);
        PartResponse answer;
        try
        {
            answer = await _client.Sender.SendJsonAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, _client.UploadUri(_plan.UploadId, $"parts/{number}"))
                {
                    Content = new PartContent(_source, offset, length, bytes, _client.Limiter, sent => _progress.Sent(number, sent)),
                };
                request.Headers.Add(HoistClient.ChecksumHeader, checksum);
                return request;
            }, ApiJson.Default.PartResponse, Retried, cancellationToken);
        }
        catch (HoistApiException e) when (e.IsUploadCompleted)
        {
            // Stored and completed, its answer lost (or completed by another process): the hash still counts for the verification.
            _sha256s[number - 1] = digest.Sha256;
            throw;
        }

        if (answer.Size != length || answer.PartNumber != number)
        {
            throw new HoistIntegrityException($"The server stored part {answer.PartNumber} with {answer.Size} bytes; part {number} has {length}.");
        }
        if (answer.ChecksumSha256 is { } stored && stored != checksum)
        {
            throw new HoistIntegrityException($"The server's SHA-256 of part {number} ({stored}) differs from the one sent ({checksum}).");
        }
        _sha256s[number - 1] = digest.Sha256;
        if (answer.Completed is { } completed)
        {
            _completedByPart = completed;
        }
        Interlocked.Increment(ref _partsSent);
        _progress.Completed(number);
    }

    private async Task<PartDigest> DigestAsync(int number, byte[]? buffer, bool md5, CancellationToken cancellationToken)
    {
        var offset = _plan.OffsetOf(number);
        var length = _plan.SizeOf(number);
        if (buffer is null)
        {
            return await PartDigest.ReadAsync(_source, offset, length, md5, cancellationToken);
        }
        var memory = buffer.AsMemory(0, (int)length);
        await _source.ReadExactlyAsync(offset, memory, cancellationToken);
        return PartDigest.Of(memory.Span, md5);
    }

    /// <summary>
    /// Compares the stored object with the file: its size, then its whole-object checksum with the one
    /// computed from the parts' SHA-256s (parts not hashed yet, when the upload was found complete, are
    /// hashed now). No checksum from the server is an error too: the upload asked for one. In direct
    /// mode the object's ETag is compared with the one computed from the parts' MD5s, and it stands in
    /// for the checksum the server cannot answer when parts went straight to the store.
    /// </summary>
    private async Task<UploadResult> VerifyAsync(CompleteUploadResponse completed, CancellationToken cancellationToken)
    {
        if (completed.Size != _plan.Size)
        {
            throw new HoistIntegrityException($"The stored object {completed.Key} has {completed.Size} bytes; the file has {_plan.Size}.");
        }
        var unhashed = Enumerable.Range(1, _plan.PartCount).Where(n => _sha256s[n - 1] is null || (_direct && _md5s[n - 1] is null)).ToList();
        await PartWorkers.RunAsync(unhashed, _parallelism, _bufferSize, async (number, buffer, token) =>
        {
            var digest = await DigestAsync(number, buffer, md5: _direct, token);
            (_sha256s[number - 1], _md5s[number - 1]) = (digest.Sha256, digest.Md5);
        }, cancellationToken);
        var local = PartDigest.Composite(_sha256s.Select((sha, i) => sha ?? throw new InvalidOperationException($"Part {i + 1} was never hashed.")).ToList());
        var localETag = _direct ? PartDigest.MultipartETag(_md5s.Select((md5, i) => md5 ?? throw new InvalidOperationException($"Part {i + 1} was never hashed.")).ToList()) : null;
        if (localETag is not null && !string.Equals(completed.ETag.Trim('"'), localETag, StringComparison.OrdinalIgnoreCase))
        {
            throw new HoistIntegrityException($"The stored object {completed.Key} has the ETag {completed.ETag}; the file's is {localETag}.");
        }
        var sha256 = !_wholeSha256 ? null
            : _whole is { } whole && whole.IsComplete(_plan.PartCount) ? whole.Hex()
            : await WholeFileHash.ReadAsync(_source, cancellationToken);
        var verified = completed.ChecksumSha256 is { } answered ? answered == local : localETag is not null;
        var result = new UploadResult(_plan.UploadId, completed.Key, completed.Size, completed.ETag, completed.ChecksumSha256, local,
            verified, _plan.PartCount, _partsSent, _retries)
        {
            Sha256 = sha256,
            PartsSentDirect = _partsSentDirect,
            DirectFallback = _route?.ClosedBecause,
            LocalETag = localETag,
        };
        if (completed.ChecksumSha256 is null && localETag is not null)
        {
            // Direct mode: parts that went straight to the store have no SHA-256 there; the ETag compared above is the proof.
            return result;
        }
        if (completed.ChecksumSha256 is not { } remote)
        {
            throw new HoistVerificationException(
                $"The stored object {completed.Key} has the file's size ({completed.Size} bytes), but the server answered no SHA-256 for it, " +
                $"so its content could not be compared with the file's ({local}).", result);
        }
        if (remote != local)
        {
            throw new HoistIntegrityException($"The stored object {completed.Key} has the checksum {remote}; the file's is {local}.");
        }
        return result;
    }
}
