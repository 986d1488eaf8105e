using System.Globalization;
using Hoist.Server.Errors;
using Hoist.Server.Keys;
using Hoist.Server.Storage;
using Hoist.Server.Uploads;
using Microsoft.Net.Http.Headers;

namespace Hoist.Server.Files;

/// <summary>How a stored file goes out (docs/api.md, "Downloads"): the caller's own download and a Hoist-signed share link answer the same.</summary>
public static class FileDownload
{
    /// <summary>
    /// Answers GET or HEAD of the object at <paramref name="key"/> (whole or one range), as an attachment.
    /// The caller has decided that this request may read it.
    /// </summary>
    public static async Task ServeAsync(string key, HttpContext context, IObjectStore store, CancellationToken cancellationToken)
    {
        var range = ParseRange(context.Request.Headers.Range);
        ObjectContent content;
        try
        {
            content = await store.GetObjectAsync(key, range, cancellationToken);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.InvalidKey)
        {
            throw ApiErrors.FileNotFound.With();
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.InvalidRange)
        {
            // The exception handler clears the response's headers: the Content-Range travels with the refusal.
            var whole = await store.HeadObjectAsync(key, cancellationToken);
            throw ApiErrors.RangeNotSatisfiable.With(e.Message,
                headers: whole is null ? null : new Dictionary<string, string> { [HeaderNames.ContentRange] = $"bytes */{whole.Size}" });
        }
        await using (content)
        {
            var response = context.Response;
            var info = content.Info;
            response.StatusCode = content.IsRange ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
            response.ContentLength = content.Length;
            // Served as a download, never rendered: an uploaded HTML file must not run on our origin.
            response.ContentType = DownloadContentType.For(info.ContentType);
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.ContentDisposition = Disposition(info);
            response.Headers.AcceptRanges = "bytes";
            response.Headers.ETag = $"\"{info.ETag}\"";
            response.Headers.LastModified = info.LastModified.ToString("R", CultureInfo.InvariantCulture);
            if (content.IsRange)
            {
                response.Headers.ContentRange = $"bytes {content.First}-{content.First + content.Length - 1}/{info.Size}";
            }
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await content.Body.CopyToAsync(response.Body, 1024 * 1024, cancellationToken);
            }
        }
    }

    /// <summary>Content-Disposition: attachment, with the name sent at create (sanitized), else the key's last segment.</summary>
    public static string Disposition(ObjectInfo info)
    {
        var name = info.Key[(info.Key.LastIndexOf('/') + 1)..];
        if (info.Metadata.TryGetValue(UploadService.OriginalNameMetadata, out var original))
        {
            name = FileNameSanitizer.FileName(Uri.UnescapeDataString(original));
        }
        var header = new ContentDispositionHeaderValue("attachment");
        header.SetHttpFileName(name);
        return header.ToString();
    }

    /// <summary>One byte range ("bytes=a-b", "bytes=a-", "bytes=-n"); anything else means the whole file, as HTTP allows.</summary>
    private static ByteRange? ParseRange(string? header)
    {
        if (string.IsNullOrEmpty(header) || !RangeHeaderValue.TryParse(header, out var parsed)
            || !parsed.Unit.Equals("bytes", StringComparison.OrdinalIgnoreCase) || parsed.Ranges.Count != 1)
        {
            return null;
        }
        var item = parsed.Ranges.First();
        return item.From is null ? new ByteRange(null, null, item.To) : new ByteRange(item.From, item.To);
    }
}
