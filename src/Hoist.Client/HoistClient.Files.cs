using Hoist.Wire;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Hoist.Client.Http;

namespace Hoist.Client;

public sealed partial class HoistClient
{
    /// <summary>The caller's stored files, page after page.</summary>
    /// <param name="prefix">Only keys starting with this (relative to the caller's own space, or a full key prefix); all when null.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    /// <returns>The files in key order.</returns>
    /// <exception cref="HoistApiException">The server refused the listing.</exception>
    public async IAsyncEnumerable<StoredFile> ListFilesAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? continuation = null;
        do
        {
            var query = new List<string>();
            if (!string.IsNullOrEmpty(prefix))
            {
                query.Add("prefix=" + Uri.EscapeDataString(prefix));
            }
            if (continuation is not null)
            {
                query.Add("continuationToken=" + Uri.EscapeDataString(continuation));
            }
            var uri = ApiUri(HoistWire.Files[1..] + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
            var page = await Sender.SendJsonAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), ApiJson.Default.FilesResponse, null, cancellationToken);
            foreach (var file in page.Files)
            {
                yield return new StoredFile(file.Key, file.Size, file.LastModified, file.ETag);
            }
            continuation = page.NextContinuationToken;
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    /// <summary>
    /// Deletes one of the caller's stored files. Retried like any request; a retry answered <c>file_not_found</c>
    /// means an earlier try deleted it (its answer was lost), and counts as deleted.
    /// </summary>
    /// <param name="key">The file's key.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>A task that completes once the file is deleted.</returns>
    /// <exception cref="HoistApiException">The file does not exist (<see cref="HoistApiException.IsFileNotFound"/>: missing, or another owner's), or another refusal.</exception>
    public async Task DeleteFileAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var retried = false;
        try
        {
            await Sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, FileUri(key)), (_, _) => Task.FromResult(true), () => retried = true, cancellationToken);
        }
        catch (HoistApiException e) when (e.IsFileNotFound && retried)
        {
            // Deleted by a try whose answer never arrived.
        }
    }

    /// <summary>The longest a share link may live (the server's limit, S3's limit on presigned URLs).</summary>
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// A link that downloads one of the caller's files without credentials until it expires
    /// (<c>POST /api/files/{key}/links</c>). Retried like any request: each try makes a new link, all valid.
    /// </summary>
    /// <param name="key">The file's key.</param>
    /// <param name="expiresIn">How long the link works: whole seconds, from 1 s to <see cref="MaxLinkLifetime"/>.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The link and when it expires.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expiresIn"/> is under a second or over 7 days.</exception>
    /// <exception cref="HoistApiException">The file does not exist (<see cref="HoistApiException.IsFileNotFound"/>: missing, or another owner's), or another refusal.</exception>
    public async Task<ShareLink> CreateLinkAsync(string key, TimeSpan expiresIn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(expiresIn, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expiresIn, MaxLinkLifetime);
        var body = new ShareLinkRequest((long)Math.Ceiling(expiresIn.TotalSeconds));
        var link = await Sender.SendJsonAsync(() => new HttpRequestMessage(HttpMethod.Post, FileUri(key, HoistWire.LinksSegment))
        {
            Content = JsonContent.Create(body, ApiJson.Default.ShareLinkRequest),
        }, ApiJson.Default.ShareLinkResponse, null, cancellationToken);
        return new ShareLink(key, link.Url, link.ExpiresAt);
    }

    /// <summary>Opens a stored file for reading. No retries: for a resilient copy use <see cref="DownloadToFileAsync"/>.</summary>
    /// <param name="key">The file's key.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The body; disposing it releases the connection.</returns>
    /// <exception cref="HoistApiException">The file does not exist, or another refusal.</exception>
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, FileUri(key));
        var response = await Sender.SendOnceAsync(request, cancellationToken);
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    /// <summary>
    /// Downloads a stored file into <paramref name="path"/>, written next to it under a temporary name and
    /// moved into place once complete. A dropped connection is retried from the byte reached (HTTP Range).
    /// </summary>
    /// <param name="key">The file's key.</param>
    /// <param name="path">Where to write it; replaced if it exists.</param>
    /// <param name="progress">Bytes written so far.</param>
    /// <param name="cancellationToken">Stops the download; nothing is left at <paramref name="path"/>.</param>
    /// <returns>The file written, with the SHA-256 of its bytes.</returns>
    /// <exception cref="HoistApiException">The file does not exist, or another refusal.</exception>
    public async Task<DownloadResult> DownloadToFileAsync(string key, string path, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var temporary = $"{full}.hoist-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        try
        {
            DownloadResult result;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                var copy = new DownloadCopy(file, progress);
                await Sender.SendAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, FileUri(key));
                    if (copy.Written > 0)
                    {
                        request.Headers.Range = new RangeHeaderValue(copy.Written, null);
                    }
                    return request;
                }, copy.ReadAsync, null, cancellationToken);
                result = new DownloadResult(key, full, copy.Written, copy.ETag, Convert.ToHexStringLower(copy.Hash()));
            }
            File.Move(temporary, full, overwrite: true);
            return result;
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>One download's bytes and hash across tries: a retry continues where the last one stopped.</summary>
    private sealed class DownloadCopy(FileStream file, IProgress<long>? progress)
    {
        private IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long? _total;

        public long Written { get; private set; }

        public string? ETag { get; private set; }

        public byte[] Hash()
        {
            if (_total is { } total && Written != total)
            {
                throw new HoistIntegrityException($"The download ended at {Written} of {total} bytes.");
            }
            return _sha.GetHashAndReset();
        }

        public async Task<bool> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        {
            ETag ??= response.Headers.ETag?.Tag.Trim('"');
            if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange is { From: { } from } range)
            {
                if (from != Written)
                {
                    throw new HoistIntegrityException($"The server answered bytes from {from}; {Written} were asked for.");
                }
                _total = range.Length;
            }
            else
            {
                // A whole answer (the first try, or a server that ignored the Range): start over.
                file.SetLength(0);
                file.Position = 0;
                Written = 0;
                _sha.Dispose();
                _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                _total = response.Content.Headers.ContentLength;
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[256 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                _sha.AppendData(buffer, 0, read);
                Written += read;
                progress?.Report(Written);
            }
            await file.FlushAsync(cancellationToken);
            if (_total is { } total && Written < total)
            {
                throw new IOException($"The connection closed at {Written} of {total} bytes.");
            }
            return true;
        }
    }
}
