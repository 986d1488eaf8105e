using Hoist.Wire;
using System.Net;
using System.Net.Http.Json;
using Hoist.Client.Http;
using Hoist.Client.Transfers;

namespace Hoist.Client;

public sealed partial class HoistClient
{

    /// <summary>Uploads a file: creates the upload, sends its parts in parallel, completes and verifies it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Name, content type, parallelism, progress; the defaults when null.</param>
    /// <param name="cancellationToken">Stops the upload; the parts already stored stay, so <see cref="ResumeFileAsync"/> can finish it.</param>
    /// <returns>The stored object, its checksum verified.</returns>
    /// <exception cref="HoistApiException">The server refused a request, or kept failing until <see cref="RetryOptions.RetryFor"/> ran out.</exception>
    /// <exception cref="HoistIntegrityException">A checksum did not match, or the file changed while being read.</exception>
    /// <exception cref="HoistVerificationException">The file is stored, but the server answered no checksum to verify it with.</exception>
    public async Task<UploadResult> UploadFileAsync(string path, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new UploadOptions();
        using var source = PartSource.OpenFile(path);
        return await UploadCoreAsync(source, options.FileName ?? Path.GetFileName(path), options, cancellationToken);
    }

    /// <summary>Uploads a seekable stream from its current position to its end.</summary>
    /// <param name="content">The bytes; read by position, in parallel and again on retry. It is not disposed.</param>
    /// <param name="fileName">The name the server records (it takes precedence over <see cref="UploadOptions.FileName"/>).</param>
    /// <param name="options">Content type, parallelism, progress; the defaults when null.</param>
    /// <param name="cancellationToken">Stops the upload; the parts already stored stay.</param>
    /// <returns>The stored object, its checksum verified.</returns>
    /// <exception cref="ArgumentException">The stream cannot seek or read.</exception>
    /// <exception cref="HoistApiException">The server refused a request, or kept failing until <see cref="RetryOptions.RetryFor"/> ran out.</exception>
    /// <exception cref="HoistIntegrityException">A checksum did not match, or the stream changed while being read.</exception>
    /// <exception cref="HoistVerificationException">The bytes are stored, but the server answered no checksum to verify them with.</exception>
    public async Task<UploadResult> UploadAsync(Stream content, string fileName, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        using var source = PartSource.Of(content);
        return await UploadCoreAsync(source, fileName, options ?? new UploadOptions(), cancellationToken);
    }

    /// <summary>
    /// Finishes an interrupted upload of a file: lists the parts the server holds, compares each
    /// with the file's by SHA-256, sends only the missing or different ones (and those stored without a
    /// SHA-256, so that the whole object's checksum can be verified), then completes and verifies. An upload that is already complete is
    /// answered as is once its size and checksum are found to be the file's (for more than one part
    /// this needs <see cref="UploadOptions.PartSize"/>).
    /// </summary>
    /// <param name="uploadId">The id from <see cref="UploadCreated.UploadId"/>.</param>
    /// <param name="path">The same file, unchanged.</param>
    /// <param name="options">Parallelism, progress and the upload's part size (name and content type were fixed at creation).</param>
    /// <param name="cancellationToken">Stops; resuming again later is always possible.</param>
    /// <returns>The stored object; <see cref="UploadResult.PartsSent"/> says how many parts this call had to send.</returns>
    /// <exception cref="HoistApiException">
    /// The upload is gone (<see cref="HoistApiException.IsUploadGone"/>) or its id is no longer accepted
    /// (<see cref="HoistApiException.IsUploadIdRefused"/>), or the server refused a request.
    /// </exception>
    /// <exception cref="HoistIntegrityException">The file is not the one the upload was started with, or a checksum did not match.</exception>
    /// <exception cref="HoistVerificationException">The upload is complete, but its checksum could not be compared with the file's.</exception>
    public async Task<UploadResult> ResumeFileAsync(string uploadId, string path, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var source = PartSource.OpenFile(path);
        return await ResumeCoreAsync(uploadId, source, options ?? new UploadOptions(), cancellationToken);
    }

    /// <summary>Finishes an interrupted upload from a seekable stream holding the same bytes (from its current position). See <see cref="ResumeFileAsync"/>.</summary>
    /// <param name="uploadId">The id from <see cref="UploadCreated.UploadId"/>.</param>
    /// <param name="content">The same bytes as when the upload began. It is not disposed.</param>
    /// <param name="options">Parallelism, progress and the upload's part size.</param>
    /// <param name="cancellationToken">Stops; resuming again later is always possible.</param>
    /// <returns>The stored object.</returns>
    /// <exception cref="HoistApiException">The upload is gone or its id refused, or the server refused a request.</exception>
    /// <exception cref="HoistIntegrityException">The stream is not the one the upload was started with, or a checksum did not match.</exception>
    /// <exception cref="HoistVerificationException">The upload is complete, but its checksum could not be compared with the stream's.</exception>
    public async Task<UploadResult> ResumeAsync(string uploadId, Stream content, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var source = PartSource.Of(content);
        return await ResumeCoreAsync(uploadId, source, options ?? new UploadOptions(), cancellationToken);
    }

    /// <summary>What the server holds of an upload: its plan and the parts stored so far.</summary>
    /// <param name="uploadId">The upload.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>
    /// The status; when the upload is already complete, <see cref="UploadStatus.IsCompleted"/> is true and
    /// its size and plan are not known (0).
    /// </returns>
    /// <exception cref="HoistApiException">The upload does not exist or has expired.</exception>
    public async Task<UploadStatus> GetUploadStatusAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uploadId);
        try
        {
            var parts = await Sender.SendJsonAsync(() => new HttpRequestMessage(HttpMethod.Get, UploadUri(uploadId, "parts")), ApiJson.Default.PartsResponse, null, cancellationToken);
            return new UploadStatus(parts.Size, parts.PartSize, parts.PartCount,
                parts.Parts.Select(p => new UploadedPart(p.PartNumber, p.Size, p.ETag, p.ChecksumSha256)).OrderBy(p => p.PartNumber).ToList(), false)
            {
                IsDirect = parts.Direct == true,
            };
        }
        catch (HoistApiException e) when (e.StatusCode == HttpStatusCode.Conflict && e.Code == ErrorCodes.UploadCompleted)
        {
            return new UploadStatus(0, 0, 0, [], true);
        }
    }

    /// <summary>Aborts an upload: the server releases every stored part, and the id becomes unusable.</summary>
    /// <param name="uploadId">The upload.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>A task that completes once the server has aborted the upload.</returns>
    /// <exception cref="HoistApiException">The upload does not exist (already aborted, completed or expired), or another refusal.</exception>
    public Task AbortAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uploadId);
        return Sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, UploadUri(uploadId)), (_, _) => Task.FromResult(true), null, cancellationToken);
    }

    private async Task<UploadResult> UploadCoreAsync(PartSource source, string fileName, UploadOptions options, CancellationToken cancellationToken)
    {
        var retries = 0;
        var created = await Sender.SendJsonAsync(() => new HttpRequestMessage(HttpMethod.Post, ApiUri(HoistWire.Uploads[1..]))
        {
            Content = JsonContent.Create(new CreateUploadRequest(fileName, source.Length, options.ContentType, HoistWire.Sha256, options.GroupId), ApiJson.Default.CreateUploadRequest),
        }, ApiJson.Default.CreateUploadResponse, () => retries++, cancellationToken);

        var plan = new UploadPlan(created.UploadId, source.Length, created.PartSize, created.PartCount);
        if (!plan.IsConsistent)
        {
            throw new InvalidOperationException($"The server planned {created.PartCount} parts of {created.PartSize} bytes for {source.Length} bytes: that cannot be right.");
        }
        if (options.Created is { } notify)
        {
            await notify(new UploadCreated(created.UploadId, created.Key, source.Length, created.PartSize, created.PartCount, created.ExpiresAt, created.GroupId), cancellationToken);
        }
        var transfer = new UploadTransfer(this, source, plan, options, retries, direct: created.Direct == true && Options.AllowDirect);
        try
        {
            return await transfer.SendAndCompleteAsync(Enumerable.Range(1, plan.PartCount).ToList(), cancellationToken);
        }
        catch (Exception e) when (options.AbortOnFailure && !cancellationToken.IsCancellationRequested && e is not (OperationCanceledException or HoistVerificationException))
        {
            await AbortQuietlyAsync(created.UploadId);
            throw;
        }
    }

    private async Task<UploadResult> ResumeCoreAsync(string uploadId, PartSource source, UploadOptions options, CancellationToken cancellationToken)
    {
        var status = await GetUploadStatusAsync(uploadId, cancellationToken);
        if (status.IsCompleted)
        {
            return await VerifyCompletedAsync(uploadId, source, options, cancellationToken);
        }
        var plan = new UploadPlan(uploadId, status.Size, status.PartSize, status.PartCount);
        if (status.Size != source.Length)
        {
            throw new HoistIntegrityException($"The upload {uploadId} is for {status.Size} bytes; the local file has {source.Length}: it is not the same file, or it changed.");
        }
        if (!plan.IsConsistent)
        {
            throw new InvalidOperationException($"The server planned {status.PartCount} parts of {status.PartSize} bytes for {status.Size} bytes: that cannot be right.");
        }
        var transfer = new UploadTransfer(this, source, plan, options, 0, direct: status.IsDirect && Options.AllowDirect);
        var missing = await transfer.CheckStoredAsync(status.Parts, cancellationToken);
        return await transfer.SendAndCompleteAsync(missing, cancellationToken);
    }

    /// <summary>
    /// An upload found complete when resuming: complete answers its object (complete is idempotent),
    /// and the object is this file when its size and its checksum are the file's. The checksum's "-N"
    /// gives the part count; the part size is the one given (<see cref="UploadOptions.PartSize"/>), or
    /// the whole file for one part.
    /// </summary>
    private async Task<UploadResult> VerifyCompletedAsync(string uploadId, PartSource source, UploadOptions options, CancellationToken cancellationToken)
    {
        var done = await Sender.SendJsonAsync(() => new HttpRequestMessage(HttpMethod.Post, UploadUri(uploadId, "complete")), ApiJson.Default.CompleteUploadResponse, null, cancellationToken);
        if (done.Size != source.Length)
        {
            throw new HoistIntegrityException($"The upload {uploadId} is complete with {done.Size} bytes; the local file has {source.Length}.");
        }
        var count = PartCountOf(done.ChecksumSha256) ?? PartCountOf(done.ETag) ?? 1;
        var unverified = new UploadResult(uploadId, done.Key, done.Size, done.ETag, done.ChecksumSha256, null, false, count, 0, 0);
        // Parts sent directly to the store leave no checksum (docs/api.md, direct mode): a client that accepts direct mode takes the multipart ETag as the proof.
        var byETag = done.ChecksumSha256 is null && Options.AllowDirect && PartCountOf(done.ETag) is not null;
        if (done.ChecksumSha256 is null && !byETag)
        {
            throw new HoistVerificationException(
                $"The upload is complete as {done.Key} with the file's size ({done.Size} bytes), but the server answered no SHA-256 for it, so its content could not be compared with the file's.", unverified);
        }
        var partSize = count == 1 ? Math.Max(1, source.Length) : options.PartSize;
        var plan = partSize is { } size ? new UploadPlan(uploadId, source.Length, size, count) : null;
        if (plan is not { IsConsistent: true })
        {
            throw new HoistVerificationException(partSize is null
                ? $"The upload is complete as {done.Key} in {count} parts, whose size is not known here: pass the part size it was created with (UploadOptions.PartSize) to compare its checksum with the file's."
                : $"The upload is complete as {done.Key} in {count} parts; parts of {partSize} bytes cut the file into {(source.Length + partSize - 1) / partSize}: the part size given is not the upload's.", unverified);
        }
        var result = await new UploadTransfer(this, source, plan, options, 0, direct: byETag).VerifyCompletedAsync(done, cancellationToken);
        options.Progress?.Report(new UploadProgress(done.Size, done.Size, count, count, done.Size));
        return result;
    }

    /// <summary>The N of a multipart checksum or ETag ("...-N"), or null.</summary>
    private static int? PartCountOf(string? value) =>
        value?.Trim('"').Split('-') is [_, var n] && int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 0 ? count : null;

    private async Task AbortQuietlyAsync(string uploadId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await AbortAsync(uploadId, timeout.Token);
        }
        catch (Exception e) when (e is HoistApiException or HttpRequestException or OperationCanceledException or TimeoutException)
        {
            // The failure that made us abort is the one to report; the sweeper releases the parts anyway.
        }
    }
}
