using Hoist.Server.Files;

namespace Hoist.Server.Tests.Security;

/// <summary>The Content-Type a download goes out with: whatever a browser would run or render as a page is served inert.</summary>
public sealed class DownloadContentTypeTests
{
    [Theory]
    [InlineData("text/html")]
    [InlineData("Text/HTML; charset=utf-8")]
    [InlineData("application/xhtml+xml")]
    [InlineData("image/svg+xml")]
    [InlineData("text/xml")]
    [InlineData("application/xml")]
    [InlineData("application/rss+xml")]
    [InlineData("application/atom+xml")]
    [InlineData("text/xsl")]
    [InlineData("text/javascript")]
    [InlineData("application/javascript")]
    [InlineData("application/x-javascript")]
    [InlineData("application/ecmascript")]
    [InlineData("multipart/x-mixed-replace; boundary=x")]
    [InlineData(null)]
    [InlineData("")]
    public void An_active_or_missing_type_is_served_as_application_octet_stream(string? stored) =>
        Assert.Equal("application/octet-stream", DownloadContentType.For(stored));

    [Theory]
    [InlineData("image/png")]
    [InlineData("video/mp4")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/pdf")]
    [InlineData("application/json")]
    [InlineData("application/zip")]
    public void A_passive_type_is_served_as_stored(string stored) =>
        Assert.Equal(stored, DownloadContentType.For(stored));
}
