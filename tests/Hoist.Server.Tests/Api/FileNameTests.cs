using System.Text;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>The server names the key: the client's file name only ever becomes one safe last segment, and the download's name.</summary>
public abstract class FileNameTests(AppFixture fixture) : ApiTests(fixture)
{
    private static readonly string LongName = string.Concat(Enumerable.Repeat("文", 3400)) + ".txt";

    public static TheoryData<string, string> Names => new()
    {
        { "../../etc/passwd", "passwd" },
        { "..\\..\\Windows\\win.ini", "win.ini" },
        { "C:\\Users\\me\\report.pdf", "report.pdf" },
        { "/absolute/path/", "path" },
        { "..", "file" },
        { "evil\u202Egnp.exe", "evilgnp.exe" },
        { "a\u0000b\tc\n.txt", "abc.txt" },
        { "a:b*c?d\"e<f>g|h.txt", "a_b_c_d_e_f_g_h.txt" },
        { "CON.txt", "_CON.txt" },
        { "nul", "_nul" },
        { "com1.tar.gz", "_com1.tar.gz" },
        { "📦 parcel 🎉.bin", "📦 parcel 🎉.bin" },
        { "Cafe\u0301.txt", "Caf\u00E9.txt" },
        { "  .hidden.  ", "hidden" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_file_name_becomes_a_safe_last_segment_of_the_key_and_the_download_name(string fileName, string expected)
    {
        var upload = await Api.CreateAsync(fileName, 1, cancellationToken: Ct);

        Assert.StartsWith("anonymous/", upload.Key, StringComparison.Ordinal);
        Assert.EndsWith("/" + expected, upload.Key, StringComparison.Ordinal);
        Assert.DoesNotContain(upload.Key.Split('/'), s => s is "" or "." or "..");
        Assert.Equal(6, upload.Key.Split('/').Length); // owner/yyyy/MM/dd/id/name: the name added no segment
        await AssertDownloadNameAsync(upload, expected);
    }

    [Fact]
    public async Task A_10_KB_file_name_is_capped_keeping_its_extension()
    {
        Assert.True(Encoding.UTF8.GetByteCount(LongName) > 10_000);
        var upload = await Api.CreateAsync(LongName, 1, cancellationToken: Ct);

        var name = upload.Key.Split('/')[^1];
        Assert.InRange(Encoding.UTF8.GetByteCount(name), 100, 200);
        Assert.EndsWith(".txt", name, StringComparison.Ordinal);
        Assert.StartsWith("文文文", name, StringComparison.Ordinal);
        await AssertDownloadNameAsync(upload, name);
    }

    [Fact]
    public async Task A_4000_character_file_name_is_accepted_and_capped()
    {
        var upload = await Api.CreateAsync(new string('x', 3996) + ".csv", 1, cancellationToken: Ct);

        var name = upload.Key.Split('/')[^1];
        Assert.Equal(new string('x', 196) + ".csv", name);
        await AssertDownloadNameAsync(upload, name);
    }

    [Fact]
    public async Task Two_uploads_of_one_name_get_two_keys()
    {
        var first = await Api.CreateAsync("same.txt", 1, cancellationToken: Ct);
        var second = await Api.CreateAsync("same.txt", 1, cancellationToken: Ct);

        Assert.NotEqual(first.Key, second.Key);
        using var a = await Api.AbortRawAsync(first.UploadId, Ct);
        using var b = await Api.AbortRawAsync(second.UploadId, Ct);
    }

    /// <summary>Sends the upload's one byte (which completes it) and checks the download's Content-Disposition.</summary>
    private async Task AssertDownloadNameAsync(CreatedUpload upload, string expected)
    {
        var part = await Api.PutPartAsync(upload.UploadId, 1, new byte[] { 42 }, cancellationToken: Ct);
        Assert.NotNull(part.Completed);
        using var response = await Api.DownloadAsync(upload.Key, cancellationToken: Ct);
        await HoistApi.ExpectStatusAsync(response, System.Net.HttpStatusCode.OK, Ct);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.NotNull(disposition);
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(expected, disposition.FileNameStar ?? disposition.FileName?.Trim('"'));
        Assert.Equal([42], await response.Content.ReadAsByteArrayAsync(Ct));
    }
}

public sealed class FileNamesOnFileSystem(FileSystemFixture fixture) : FileNameTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class FileNamesOnS3(S3Fixture fixture) : FileNameTests(fixture), IClassFixture<S3Fixture>;
