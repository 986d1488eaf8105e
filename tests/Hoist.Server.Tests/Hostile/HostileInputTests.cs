using System.Globalization;
using System.Net;
using System.Text;
using Hoist.Server.Storage;
using Hoist.Server.Storage.FileSystem;
using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Hostile;

/// <summary>
/// The hostile-input suite: every row of <see cref="HostileCases"/> against the real server on
/// Kestrel, on each store. Each gets its status and code, never a 5xx, and leaves the store as it
/// found it (files of both owners, the parts of the setup's upload, the store's incomplete uploads and,
/// on the file system, its temporary folder); the server answers afterwards.
/// </summary>
public abstract class HostileInputTests(HostileServer server) : IDisposable
{
    private static readonly byte[] Small = TestData.Bytes(seed: 700, 10);
    private static readonly byte[] Big = TestData.Bytes(seed: 701, TestData.PartSize + 10);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs one row; each concrete class is one Theory over its share of the rows.</summary>
    protected async Task RunAsync(string id)
    {
        var row = HostileCases.ById[id];
        var context = await ArrangeAsync(row.Setup);
        var before = await SnapshotAsync(context, row.Setup);

        using var response = await row.Send(context);

        if (row.Status is { } status)
        {
            Assert.NotNull(response);
            Assert.False((int)response.StatusCode >= 500, $"{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
            if (row.Code is { } code)
            {
                await Problem.AssertAsync(response, status, code);
            }
            else
            {
                Assert.True((int)response.StatusCode == status, $"{id}: expected {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            }
            if (row.Then is not null)
            {
                await row.Then(context, response);
            }
        }
        else
        {
            Assert.Null(response);
        }

        if (row.Effect == StoreEffect.Unchanged)
        {
            await AssertUnchangedAsync(context, row.Setup, before);
        }
        else
        {
            await AssertOneObjectAsync(context, before);
        }
        if (response is null)
        {
            // The client hung up mid-request: the server still answers, and its store with it.
            using var health = await server.Nobody.Http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        await CleanUpAsync(context, row.Setup);
    }

    private async Task<HostileContext> ArrangeAsync(Setup setup)
    {
        var context = new HostileContext(server, Ct);
        var alice = server.Alice;
        switch (setup)
        {
            case Setup.None:
                break;
            case Setup.Open or Setup.Completed or Setup.Aborted:
                context.File = Small;
                context.Upload = await alice.CreateAsync("setup.bin", Small.Length, cancellationToken: Ct);
                if (setup == Setup.Completed)
                {
                    context.Completed = (await alice.PutPartAsync(context.UploadId, 1, Small, cancellationToken: Ct)).Completed;
                }
                else if (setup == Setup.Aborted)
                {
                    using var aborted = await alice.AbortRawAsync(context.UploadId, Ct);
                    Assert.Equal(HttpStatusCode.NoContent, aborted.StatusCode);
                }
                break;
            case Setup.SinglePutOpen:
                context.File = Small;
                context.Upload = await alice.CreateAsync("setup.bin", Small.Length, checksumAlgorithm: "sha256", cancellationToken: Ct);
                break;
            case Setup.OpenWithPart or Setup.Ready:
                context.File = Big;
                context.Upload = await alice.CreateAsync("setup.bin", Big.Length, cancellationToken: Ct);
                await alice.PutPartAsync(context.UploadId, 1, Big.AsMemory(0, TestData.PartSize), cancellationToken: Ct);
                if (setup == Setup.Ready)
                {
                    await alice.PutPartAsync(context.UploadId, 2, Big.AsMemory(TestData.PartSize), cancellationToken: Ct);
                }
                break;
            case Setup.S3Open:
                using (var s3 = new S3Face(alice))
                {
                    var created = await s3.CreateAsync("setup.bin", cancellationToken: Ct);
                    context.Upload = new CreatedUpload(created.UploadId, created.Key, 0, 0, default);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(setup));
        }
        return context;
    }

    /// <summary>Every file in the store (whoever owns it), the parts of the setup's upload, the store's incomplete uploads, the file system store's temporary folder.</summary>
    private sealed record Snapshot(string Files, string Parts, string Uploads, string Temp);

    private async Task<Snapshot> SnapshotAsync(HostileContext context, Setup setup)
    {
        var files = ListFilesAsync();
        var parts = setup switch
        {
            Setup.Open or Setup.OpenWithPart or Setup.Ready or Setup.SinglePutOpen => ListPartsAsync(context.UploadId),
            Setup.S3Open => ListS3PartsAsync(context),
            _ => Task.FromResult(""),
        };
        var uploads = ListUploadsAsync();
        // The store behind the app is wrapped in decorators: its folder comes from the fixture's settings.
        var temp = server.StoreFixture.StoreSettings.GetValueOrDefault("Hoist:Storage:FileSystem:Root") is { } root && server.StoreFixture is FileSystemFixture
            ? Lines(Directory.EnumerateFileSystemEntries(Path.Combine(Path.GetFullPath(root), ObjectKey.ReservedSegment, "tmp")).Order(StringComparer.Ordinal))
            : "";
        return new Snapshot(await files, await parts, await uploads, temp);
    }

    private static string Lines(IEnumerable<string> lines) => string.Join('\n', lines);

    private async Task<string> ListFilesAsync()
    {
        var files = new List<string>();
        string? token = null;
        do
        {
            var page = await server.Store.ListObjectsAsync("", token, 1000, Ct);
            files.AddRange(page.Objects.Select(o => $"{o.Key} {o.Size} {o.ETag}"));
            token = page.NextContinuationToken;
        }
        while (token is not null);
        return Lines(files);
    }

    private async Task<string> ListPartsAsync(string uploadId) =>
        Lines((await server.Alice.ListPartsAsync(uploadId, Ct)).Parts.Select(p => $"{p.PartNumber} {p.Size} {p.ETag}"));

    private async Task<string> ListS3PartsAsync(HostileContext context)
    {
        using var s3 = new S3Face(server.Alice);
        return Lines((await s3.ListPartsAsync(new S3Created(context.Upload!.Key, context.UploadId, null), Ct)).Select(p => $"{p.PartNumber} {p.Size} {p.ETag}"));
    }

    private async Task<string> ListUploadsAsync()
    {
        var uploads = new List<string>();
        await foreach (var upload in server.Store.ListMultipartUploadsAsync("", Ct))
        {
            uploads.Add($"{upload.Key} {upload.UploadId}");
        }
        return Lines(uploads);
    }

    /// <summary>Compares until equal or 5 s have passed: a request cut off mid-body is cleaned up when the server notices.</summary>
    private async Task AssertUnchangedAsync(HostileContext context, Setup setup, Snapshot before)
    {
        var after = await SnapshotAsync(context, setup);
        for (var waited = 0; after != before && waited < 50; waited++)
        {
            await Task.Delay(100, Ct);
            after = await SnapshotAsync(context, setup);
        }
        Assert.Equal(before.Files, after.Files);
        Assert.Equal(before.Parts, after.Parts);
        Assert.Equal(before.Uploads, after.Uploads);
        Assert.Equal(before.Temp, after.Temp);
    }

    private async Task AssertOneObjectAsync(HostileContext context, Snapshot before)
    {
        static string[] Split(string lines) => lines.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var after = await SnapshotAsync(context, Setup.None);
        Assert.Equal([$"{context.Upload!.Key} {context.File.Length} {server.StoreFixture.TestStore.MultipartETag(context.File, TestData.PartSize)}"], Split(after.Files).Except(Split(before.Files)));
        Assert.Empty(Split(before.Files).Except(Split(after.Files)));
        Assert.Equal(Split(before.Uploads).Where(u => !u.StartsWith(context.Upload.Key + " ", StringComparison.Ordinal)), Split(after.Uploads));
        Assert.Equal(before.Temp, after.Temp);
        Assert.Equal(TestData.Sha256Hex(context.File), (await server.Alice.DownloadSha256Async(context.Upload.Key, Ct)).Sha256);
    }

    /// <summary>Aborts the setup's upload if it may still be open, so that the next case starts from a tidy store.</summary>
    private async Task CleanUpAsync(HostileContext context, Setup setup)
    {
        if (setup is Setup.Open or Setup.OpenWithPart or Setup.Ready or Setup.SinglePutOpen)
        {
            using var aborted = await server.Alice.AbortRawAsync(context.UploadId, Ct);
            Assert.True(aborted.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound or HttpStatusCode.Conflict, $"abort: {(int)aborted.StatusCode}");
        }
        else if (setup == Setup.S3Open)
        {
            using var s3 = new S3Face(server.Alice);
            using var aborted = await s3.AbortRawAsync(context.UploadId, context.Upload!.Key, Ct);
            Assert.Equal(HttpStatusCode.OK, aborted.StatusCode);
        }
    }

}

// A Theory per class: the file system store takes every row in one class; the S3 store's rows are shared
// between four classes (each with its own server and prefix), which run in parallel, for S3 calls take time.

public sealed class HostileInputsOnFileSystem(HostileServerOnFileSystem server) : HostileInputTests(server), IClassFixture<HostileServerOnFileSystem>
{
    [Theory]
    [MemberData(nameof(HostileCases.Share), 0, 1, MemberType = typeof(HostileCases))]
    public Task A_hostile_request_gets_its_answer_and_changes_nothing(string id) => RunAsync(id);
}

public sealed class HostileInputsOnS3Share1(HostileServerOnS3 server) : HostileInputTests(server), IClassFixture<HostileServerOnS3>
{
    [Theory]
    [MemberData(nameof(HostileCases.Share), 0, 4, MemberType = typeof(HostileCases))]
    public Task A_hostile_request_gets_its_answer_and_changes_nothing(string id) => RunAsync(id);
}

public sealed class HostileInputsOnS3Share2(HostileServerOnS3 server) : HostileInputTests(server), IClassFixture<HostileServerOnS3>
{
    [Theory]
    [MemberData(nameof(HostileCases.Share), 1, 4, MemberType = typeof(HostileCases))]
    public Task A_hostile_request_gets_its_answer_and_changes_nothing(string id) => RunAsync(id);
}

public sealed class HostileInputsOnS3Share3(HostileServerOnS3 server) : HostileInputTests(server), IClassFixture<HostileServerOnS3>
{
    [Theory]
    [MemberData(nameof(HostileCases.Share), 2, 4, MemberType = typeof(HostileCases))]
    public Task A_hostile_request_gets_its_answer_and_changes_nothing(string id) => RunAsync(id);
}

public sealed class HostileInputsOnS3Share4(HostileServerOnS3 server) : HostileInputTests(server), IClassFixture<HostileServerOnS3>
{
    [Theory]
    [MemberData(nameof(HostileCases.Share), 3, 4, MemberType = typeof(HostileCases))]
    public Task A_hostile_request_gets_its_answer_and_changes_nothing(string id) => RunAsync(id);
}

/// <summary>CASES.md, beside this file, is generated from <see cref="HostileCases"/>: this test keeps it current.</summary>
public sealed class HostileCasesTable
{
    [Fact]
    public void The_table_has_at_least_60_cases_with_unique_names()
    {
        Assert.True(HostileCases.All.Count >= 60, $"{HostileCases.All.Count} cases");
        Assert.Equal(HostileCases.All.Count, HostileCases.ById.Count);
    }

    [Fact]
    public void CASES_md_is_the_table_of_the_cases()
    {
        var expected = Render();
        var path = Path.Combine(SourceFolder(), "CASES.md");
        var actual = File.Exists(path) ? File.ReadAllText(path) : "";
        if (actual != expected)
        {
            File.WriteAllText(path, expected);
            Assert.Fail($"{path} was out of date and has been written anew: commit it.");
        }
    }

    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("# Hostile inputs: the cases and their answers\n\n")
            .Append("Generated from `HostileCases.cs` by `HostileCasesTable` (a test rewrites this file when the table changes).\n")
            .Append("Every case runs on both stores (FileSystem and S3 on Ceph RGW) against the real server on Kestrel, in ApiKeys mode\n")
            .Append("with two owners, Alice and Bob; the requests are Alice's unless the case says otherwise (rows about JWT owners\n")
            .Append("go to a second server over the same store in Jwt mode, with an audience required).\n")
            .Append("Each case also asserts: no 5xx; the store unchanged afterwards (every file in it, the parts of the setup's\n")
            .Append("upload, the store's incomplete uploads, the file system store's temporary folder), unless the table says\n")
            .Append("\"one whole object\"; and, after a client hangs up mid-body, /readyz still answering 200.\n\n")
            .Append(CultureInfo.InvariantCulture, $"{HostileCases.All.Count} cases.\n\n")
            .Append("| # | group | case | setup | answer | store afterwards |\n")
            .Append("|---|---|---|---|---|---|\n");
        var number = 0;
        foreach (var row in HostileCases.All)
        {
            var effect = row.Effect == StoreEffect.OneObject ? "one whole object, upload gone" : "unchanged";
            text.Append(CultureInfo.InvariantCulture, $"| {++number} | {row.Group} | {row.Name.Replace("|", "\\|", StringComparison.Ordinal)} | {SetupText(row.Setup)} | {row.ExpectedAnswer} | {effect} |\n");
        }
        return text.ToString();
    }

    private static string SetupText(Setup setup) => setup switch
    {
        Setup.None => "—",
        Setup.Open => "open 10-byte upload",
        Setup.SinglePutOpen => "open 10-byte upload with SHA-256 (one PUT stores it)",
        Setup.OpenWithPart => "5 MiB + 10 upload, part 1 stored",
        Setup.Ready => "5 MiB + 10 upload, both parts stored",
        Setup.Completed => "completed 10-byte upload",
        Setup.Aborted => "aborted 10-byte upload",
        Setup.S3Open => "open /s3/ upload",
        _ => setup.ToString(),
    };

    /// <summary>tests/Hoist.Server.Tests/Hostile in the work tree these tests were built from.</summary>
    private static string SourceFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hoist.slnx")))
        {
            directory = directory.Parent;
        }
        return directory is null
            ? throw new DirectoryNotFoundException($"No Hoist.slnx above {AppContext.BaseDirectory}.")
            : Path.Combine(directory.FullName, "tests", "Hoist.Server.Tests", "Hostile");
    }
}
