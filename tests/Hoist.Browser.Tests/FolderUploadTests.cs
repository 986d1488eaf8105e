using Hoist.Browser.Tests.Support;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>A chosen folder's files go up with their paths inside it, and the keys keep the tree. On each store.</summary>
public abstract class FolderUploadTests(PageFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_folder_of_three_files_in_two_subfolders_keeps_its_paths()
    {
        using var files = new TestFiles();
        TestFile[] sources =
        [
            files.Random("album/cover.txt", 1000),
            files.Random("album/2024/spring.bin", 2 * 1024 * 1024),
            files.Random("album/2024/summer/beach.bin", 9 * 1024 * 1024),
        ];
        await using var page = await UploadPage.OpenAsync(fixture);

        await page.Page.Locator("#folder-input").SetInputFilesAsync(Path.Combine(files.Path, "album"));

        foreach (var source in sources)
        {
            // The row shows the path inside the chosen folder.
            await page.ExpectStatusAsync(source.Name, "complete");
        }
        var keys = await fixture.ListKeysAsync();
        output.WriteLine($"{fixture.StoreName}: {string.Join(", ", keys)}");
        foreach (var source in sources)
        {
            await fixture.AssertStoredAsync(source);
        }
        Assert.Empty(page.Errors);
    }
}

public sealed class FileSystemFolderUploadTests(FileSystemPageFixture fixture, ITestOutputHelper output) : FolderUploadTests(fixture, output), IClassFixture<FileSystemPageFixture>;

public sealed class S3FolderUploadTests(S3PageFixture fixture, ITestOutputHelper output) : FolderUploadTests(fixture, output), IClassFixture<S3PageFixture>;
