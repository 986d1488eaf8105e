using System.Security.Cryptography;
using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Hoist.Browser.Tests;

/// <summary>The page hashes parts in a worker of its own (js/hash-worker.mjs), off the main thread.</summary>
public abstract class HashWorkerTests(PageFixture fixture)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Parts_are_hashed_in_the_worker_and_each_checksum_is_the_sha256_of_its_bytes()
    {
        using var files = new TestFiles();
        var source = files.Random("hashed-in-a-worker.bin", 20 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        var workers = new List<string>();
        page.Page.Worker += (_, worker) =>
        {
            lock (workers)
            {
                workers.Add(worker.Url);
            }
        };
        var checksums = new List<(int PartNumber, string? Checksum)>();
        page.Page.Request += (_, request) =>
        {
            if (request.Method == "PUT" && request.Url.Contains("/parts/", StringComparison.Ordinal))
            {
                lock (checksums)
                {
                    checksums.Add((int.Parse(request.Url[(request.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture),
                        request.Headers.GetValueOrDefault("x-hoist-checksum-sha256")));
                }
            }
        };
        var created = page.Page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.EndsWith("/api/uploads", StringComparison.Ordinal));

        await page.AddFilesAsync([source.Path]);

        var partSize = (await (await created).JsonAsync())!.Value.GetProperty("partSize").GetInt64();
        await page.ExpectStatusAsync(source.Name, "complete");
        await Assertions.Expect(page.Row(source.Name).Locator(".upload-verified")).ToBeVisibleAsync();
        Assert.Contains(workers, url => url.EndsWith("/js/hash-worker.mjs", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(source.Path);
        var expected = Enumerable.Range(1, (int)((bytes.Length + partSize - 1) / partSize))
            .Select(n => (n, (string?)Convert.ToBase64String(SHA256.HashData(bytes.AsSpan((int)((n - 1) * partSize), (int)Math.Min(partSize, bytes.Length - ((n - 1) * partSize)))))))
            .ToList();
        Assert.True(expected.Count > 1, "The file must have more than one part.");
        Assert.Equal(expected, checksums.OrderBy(c => c.PartNumber).ToList());
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.Errors);
    }
}

public sealed class FileSystemHashWorkerTests(FileSystemPageFixture fixture) : HashWorkerTests(fixture), IClassFixture<FileSystemPageFixture>;

public sealed class S3HashWorkerTests(S3PageFixture fixture) : HashWorkerTests(fixture), IClassFixture<S3PageFixture>;
