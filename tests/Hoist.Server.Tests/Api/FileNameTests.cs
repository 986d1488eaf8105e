using System.Text;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Api;

/// <summary>
/// The server names the key: the client's file name becomes a safe relative path under the id (its folder
/// through {path}, each segment cleaned, never climbing out), and its last segment the download's name.
/// </summary>
public abstract class FileNameTests(StoreFixture fixture) : ApiTests(fixture)
{
    private static readonly string LongName = string.Concat(Enumerable.Repeat("文", 3400)) + ".txt";

    public static TheoryData<string, string> Names => new()
    {
        { "a/b/c.txt", "a/b/c.txt" },
        { "../../etc/passwd", "etc/passwd" },
        { "a/../../b", "a/b" },
        { "./a/./b.txt", "a/b.txt" },
        { "..\\..\\Windows\\win.ini", "Windows/win.ini" },
        { "C:\\Users\\me\\report.pdf", "Users/me/report.pdf" },
        { "/absolute/path/", "absolute/path" },
        { "a//b/\u202E/c.txt", "a/b/c.txt" },
        { ".hoist/records/x", "hoist/records/x" },
        { "CON/aux/x.txt", "_CON/_aux/x.txt" },
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
    public async Task A_file_name_becomes_a_safe_relative_path_under_the_id_and_its_last_segment_the_download_name(string fileName, string expected)
    {
        var upload = await Api.CreateAsync(fileName, 1, cancellationToken: Ct);

        Assert.StartsWith("anonymous/", upload.Key, StringComparison.Ordinal);
        Assert.Matches("^anonymous/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-z]{12}/", upload.Key);
        Assert.Equal(expected, string.Join('/', upload.Key.Split('/')[5..])); // owner/yyyy/MM/dd/id/{path}{fileName}
        Assert.DoesNotContain(upload.Key.Split('/'), s => s is "" or "." or "..");
        await AssertDownloadNameAsync(upload, expected[(expected.LastIndexOf('/') + 1)..]);
    }

    [Fact]
    public async Task A_folder_over_512_bytes_once_cleaned_is_refused_and_nothing_is_created()
    {
        var before = await SnapshotAsync();

        using var response = await Api.CreateRawAsync(new { fileName = string.Concat(Enumerable.Repeat("folder-of-forty-characters-0123456789ab/", 13)) + "x.txt", size = 1 }, Ct);

        await Problem.AssertAsync(response, 400, "invalid_file_name");
        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task A_folder_of_512_bytes_is_kept_whole()
    {
        var folder = string.Concat(Enumerable.Repeat(new string('f', 127) + "/", 4));

        var upload = await Api.CreateAsync(folder + "x.txt", 1, cancellationToken: Ct);

        Assert.EndsWith("/" + folder + "x.txt", upload.Key, StringComparison.Ordinal);
        using var aborted = await Api.AbortRawAsync(upload.UploadId, Ct);
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
