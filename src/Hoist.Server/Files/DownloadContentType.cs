namespace Hoist.Server.Files;

/// <summary>
/// The Content-Type a download is served with. Types a browser would run or render as a page
/// (HTML, SVG, XML with its stylesheets, scripts) go out as application/octet-stream: together with
/// Content-Disposition: attachment and nosniff, nothing a user uploaded can execute on this origin,
/// even in a browser that ignores one of the three.
/// </summary>
public static class DownloadContentType
{
    public const string Inert = "application/octet-stream";

    private static readonly HashSet<string> Active = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/xsl", "application/xslt+xml",
        "text/javascript", "application/javascript", "application/x-javascript", "text/ecmascript", "application/ecmascript",
        "multipart/x-mixed-replace",
    };

    public static string For(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return Inert;
        }
        var mediaType = stored.Split(';')[0].Trim();
        return Active.Contains(mediaType) || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase) ? Inert : stored;
    }
}
