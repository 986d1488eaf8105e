using Hoist.Wire;
using Hoist.Server.Errors;
using Hoist.Server.Keys;
using Hoist.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

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

    private static Task DownloadAsync(string key, HttpContext context, IObjectStore store, CancellationToken cancellationToken) =>
        key.StartsWith(Owner.Prefix(Owner.Of(context)), StringComparison.Ordinal)
            ? FileDownload.ServeAsync(key, context, store, cancellationToken)
            : throw ApiErrors.FileNotFound.With();
}
