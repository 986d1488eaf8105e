using Hoist.Wire;
using System.Globalization;
using Hoist.Server.Errors;
using Hoist.Server.Keys;
using Hoist.Server.Storage;
using Hoist.Server.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Hoist.Server.Files;

public sealed record FileEntry(string Key, long Size, DateTimeOffset LastModified, [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string ETag);

public sealed record FilesResponse(IReadOnlyList<FileEntry> Files, string? NextContinuationToken);

/// <summary>The caller's stored files: /api/files (list) and /api/files/{key} (download, with Range; delete).</summary>
public static class FileEndpoints
{
    public static IEndpointRouteBuilder MapFiles(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup(HoistWire.Files).WithTags("Files").RequireAuthorization(Auth.AuthServiceCollectionExtensions.UploaderPolicy);
        files.MapGet("/", ListAsync);
        files.MapMethods("/{**key}", [HttpMethods.Get, HttpMethods.Head], DownloadAsync);
        files.MapDelete("/{**key}", DeleteAsync);
        return app;
    }

    /// <summary>
    /// Deletes one of the caller's files: 204, or 404 file_not_found for a missing file, another owner's, a key the
    /// store cannot hold, or one of the store's own (.hoist/): which of these it was is not said.
    /// </summary>
    private static async Task<NoContent> DeleteAsync(string key, HttpContext context, IObjectStore store, CancellationToken cancellationToken)
    {
        if (!key.StartsWith(Owner.Prefix(Owner.Of(context)), StringComparison.Ordinal) || ObjectKey.IsReserved(key))
        {
            throw ApiErrors.FileNotFound.With();
        }
        try
        {
            // A missing file is refused, not silently "deleted" (the store's delete, like S3's, would not tell).
            if (await store.HeadObjectAsync(key, cancellationToken) is null)
            {
                throw ApiErrors.FileNotFound.With();
            }
            await store.DeleteObjectAsync(key, cancellationToken);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.InvalidKey)
        {
            throw ApiErrors.FileNotFound.With();
        }
        return TypedResults.NoContent();
    }

    private static async Task<Ok<FilesResponse>> ListAsync(HttpContext context, IObjectStore store, string? prefix, string? continuationToken, int? limit, CancellationToken cancellationToken)
    {
        var own = Owner.Prefix(Owner.Of(context));
        // A prefix is always inside the caller's space: given without the owner, it is relative to it.
        var effective = prefix is null ? own : prefix.StartsWith(own, StringComparison.Ordinal) ? prefix : own + prefix;
        var page = await store.ListObjectsAsync(effective, continuationToken, Math.Clamp(limit ?? 1000, 1, 1000), cancellationToken);
        var entries = page.Objects.Select(o => new FileEntry(o.Key, o.Size, o.LastModified, o.ETag)).ToList();
        return TypedResults.Ok(new FilesResponse(entries, page.NextContinuationToken));
    }

    private static async Task DownloadAsync(string key, HttpContext context, IObjectStore store, CancellationToken cancellationToken)
    {
        if (!key.StartsWith(Owner.Prefix(Owner.Of(context)), StringComparison.Ordinal))
        {
            throw ApiErrors.FileNotFound.With();
        }
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

    private static string Disposition(ObjectInfo info)
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
