using System.Net;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Security;

/// <summary>
/// Downloads are never rendered from the app's origin: always an attachment with the sanitized
/// name and nosniff, and types a browser would run (HTML, SVG, XML, scripts) go out as application/octet-stream.
/// </summary>
public abstract class DownloadSafetyTests(StoreFixture fixture) : ApiTests(fixture)
{
    private static readonly byte[] Page = "<!doctype html><script>alert(document.cookie)</script>"u8.ToArray();

    [Theory]
    [InlineData("page.html", "text/html", "application/octet-stream")]
    [InlineData("page.htm", "TEXT/HTML; charset=utf-8", "application/octet-stream")]
    [InlineData("image.svg", "image/svg+xml", "application/octet-stream")]
    [InlineData("page.xhtml", "application/xhtml+xml", "application/octet-stream")]
    [InlineData("feed.xml", "text/xml", "application/octet-stream")]
    [InlineData("feed.rss", "application/rss+xml", "application/octet-stream")]
    [InlineData("app.js", "application/javascript", "application/octet-stream")]
    [InlineData("photo.png", "image/png", "image/png")]
    [InlineData("notes.txt", "text/plain", "text/plain")]
    [InlineData("blob", null, "application/octet-stream")]
    public async Task A_download_is_an_attachment_with_nosniff_and_active_types_are_served_inert(string fileName, string? contentType, string served)
    {
        var upload = await Api.CreateAsync(fileName, Page.Length, contentType, cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 1, Page, cancellationToken: Ct);

        using var response = await Api.DownloadAsync(upload.Key, cancellationToken: Ct);

        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
        Assert.Equal(served, response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.Equal("attachment", disposition?.DispositionType);
        Assert.Equal(fileName, disposition?.FileNameStar ?? disposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(Page, await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("..\\..\\evil\u202Elmth.exe", "evillmth.exe")]
    [InlineData("\"; filename=evil.html; x=\".txt", "_; filename=evil.html; x=_.txt")]
    [InlineData("a\r\nContent-Type: text/html\r\n\r\n.txt", "html.txt")] // the slash ends the name
    public async Task The_download_name_is_the_sanitized_name_and_cannot_break_the_header(string fileName, string expected)
    {
        var upload = await Api.CreateAsync(fileName, Page.Length, "text/plain", cancellationToken: Ct);
        await Api.PutPartAsync(upload.UploadId, 1, Page, cancellationToken: Ct);

        using var response = await Api.DownloadAsync(upload.Key, cancellationToken: Ct);

        await HoistApi.ExpectStatusAsync(response, HttpStatusCode.OK, Ct);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.Equal("attachment", disposition?.DispositionType);
        Assert.Equal(expected, disposition?.FileNameStar ?? disposition?.FileName?.Trim('"'));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Single(response.Content.Headers.GetValues("Content-Type"));
    }
}

public sealed class DownloadSafetyOnFileSystem(FileSystemFixture fixture) : DownloadSafetyTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class DownloadSafetyOnS3(S3Fixture fixture) : DownloadSafetyTests(fixture), IClassFixture<S3Fixture>;
