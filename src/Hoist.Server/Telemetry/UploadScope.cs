using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Hoist.Server.Telemetry;

/// <summary>
/// The upload a request works on, named on every log line written while the request is served
/// (a logging scope: <c>UploadId</c>, <c>Owner</c>, <c>Key</c>) and on the request's span (tags
/// <c>hoist.upload_id</c>, <c>hoist.owner</c>, <c>hoist.key</c>). <see cref="UseUploadScopes"/> opens
/// an empty scope for every /api/uploads request, first in the pipeline, so that it also covers the
/// exception handler's lines; the upload endpoints fill it in (<see cref="Name"/>) as soon as they
/// know the owner and have read the upload id (a create: once the service has begun the upload).
/// <c>UploadId</c> is the store's upload id (the <c>u</c> field of the API's uploadId,
/// docs/upload-token.md): short, and the same in the store, the traces and the logs.
/// </summary>
public sealed class UploadScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private static readonly AsyncLocal<UploadScope?> CurrentScope = new();

    private readonly Activity? _activity;
    private readonly List<KeyValuePair<string, object?>> _fields = new(3);

    private UploadScope(Activity? activity) => _activity = activity;

    public int Count => _fields.Count;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    /// <summary>Names the upload of the request being served, if any (the sweeper's calls have none).</summary>
    public static void Name(string owner, string? uploadId = null, string? key = null)
    {
        if (CurrentScope.Value is not { } scope)
        {
            return;
        }
        scope.Set("Owner", "hoist.owner", owner);
        if (uploadId is not null)
        {
            scope.Set("UploadId", "hoist.upload_id", uploadId);
        }
        if (key is not null)
        {
            scope.Set("Key", "hoist.key", key);
        }
    }

    /// <summary>Opens an upload scope around each /api/uploads request.</summary>
    public static IApplicationBuilder UseUploadScopes(IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Hoist.Server.Uploads");
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api/uploads", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }
            var scope = new UploadScope(context.Features.Get<IHttpActivityFeature>()?.Activity);
            using (logger.BeginScope(scope))
            {
                CurrentScope.Value = scope;
                try
                {
                    await next(context);
                }
                finally
                {
                    CurrentScope.Value = null;
                }
            }
        });
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>How the simple console formatter shows the scope: "UploadId:…, Owner:…, Key:…".</summary>
    public override string ToString() => string.Join(", ", _fields.Select(f => $"{f.Key}:{f.Value}"));

    private void Set(string name, string tag, string value)
    {
        var index = _fields.FindIndex(f => f.Key == name);
        if (index >= 0)
        {
            _fields[index] = new(name, value);
        }
        else
        {
            _fields.Add(new(name, value));
        }
        _activity?.SetTag(tag, value);
    }
}
