namespace Hoist.Server.Tests.Support;

/// <summary>
/// The base of every API test class: a client of the fixture's server, a timeout, and a way to
/// show that a refused request left no trace in the store.
/// </summary>
public abstract class ApiTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    protected ApiTests(StoreFixture fixture)
    {
        Fixture = fixture;
        Api = fixture.App.CreateApi();
    }

    protected StoreFixture Fixture { get; }

    protected HoistApi Api { get; }

    protected CancellationToken Ct => _timeout.Token;

    public void Dispose()
    {
        Api.Dispose();
        _timeout.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates an upload and sends all its parts (in order, one at a time) as <see cref="Api"/> (or <paramref name="api"/>); answers the upload and the complete answer.</summary>
    protected async Task<(CreatedUpload Upload, CompletedUpload Completed)> UploadAsync(string fileName, byte[] file, string? contentType = null, HoistApi? api = null)
    {
        api ??= Api;
        var upload = await api.CreateAsync(fileName, file.Length, contentType, cancellationToken: Ct);
        var parts = TestData.Split(file, (int)upload.PartSize);
        StoredPartAnswer? last = null;
        for (var i = 0; i < parts.Count; i++)
        {
            last = await api.PutPartAsync(upload.UploadId, i + 1, parts[i], cancellationToken: Ct);
        }
        var completed = parts.Count == 1 ? last!.Completed! : await api.CompleteAsync(upload.UploadId, Ct);
        return (upload, completed);
    }

    /// <summary>What the store holds for the caller (<see cref="Api"/> unless <paramref name="api"/>): the files, the parts of one upload, the incomplete uploads.</summary>
    protected async Task<StoreSnapshot> SnapshotAsync(string? uploadId = null, HoistApi? api = null)
    {
        api ??= Api;
        var files = (await api.ListFilesAsync(cancellationToken: Ct)).Select(f => $"{f.Key} {f.Size} {f.ETag}");
        var parts = uploadId is null
            ? []
            : (await api.ListPartsAsync(uploadId, Ct)).Parts.Select(p => $"{p.PartNumber} {p.Size} {p.ETag}");
        var uploads = new List<string>();
        await foreach (var upload in Fixture.Store.ListMultipartUploadsAsync("", Ct))
        {
            uploads.Add($"{upload.Key} {upload.UploadId}");
        }
        return new StoreSnapshot(string.Join('\n', files), string.Join('\n', parts), string.Join('\n', uploads));
    }

    /// <summary>Asserts that nothing changed in the store since <paramref name="before"/>.</summary>
    protected async Task AssertUnchangedAsync(StoreSnapshot before, string? uploadId = null, HoistApi? api = null)
    {
        var after = await SnapshotAsync(uploadId, api);
        Assert.Equal(before.Files, after.Files);
        Assert.Equal(before.Parts, after.Parts);
        Assert.Equal(before.Uploads, after.Uploads);
    }
}

public sealed record StoreSnapshot(string Files, string Parts, string Uploads);
