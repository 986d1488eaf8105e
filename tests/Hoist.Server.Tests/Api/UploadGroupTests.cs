using Hoist.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Hoist.Server.Tests.Api;

/// <summary>
/// Groups (docs/api.md, "Groups"): the files of one folder upload share their key's id and date, so the folder
/// keeps its tree under one id; a path taken twice in a group is refused rather than overwritten.
/// (Forged, another owner's and expired group ids: the hostile table, group "upload group".)
/// </summary>
public abstract class UploadGroupTests(StoreFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task The_files_of_a_group_share_one_id_and_keep_their_relative_paths()
    {
        var first = await Api.CreateAsync("album/a.txt", 3, cancellationToken: Ct);
        Assert.NotNull(first.GroupId);
        var folder = first.Key[..^"album/a.txt".Length];
        Assert.Matches("^anonymous/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-z]{12}/$", folder);

        var second = await Api.CreateAsync("album/2024/b.txt", 3, cancellationToken: Ct, groupId: first.GroupId);
        var third = await Api.CreateAsync("album/2024/deep/c.txt", 3, cancellationToken: Ct, groupId: first.GroupId);

        Assert.Equal(folder + "album/2024/b.txt", second.Key);
        Assert.Equal(folder + "album/2024/deep/c.txt", third.Key);
        Assert.Equal(first.GroupId, second.GroupId);
        foreach (var (upload, bytes) in new[] { (first, "aaa"u8.ToArray()), (second, "bbb"u8.ToArray()), (third, "ccc"u8.ToArray()) })
        {
            Assert.NotNull((await Api.PutPartAsync(upload.UploadId, 1, bytes, cancellationToken: Ct)).Completed);
        }
        var listed = await Api.ListFilesAsync(folder, Ct);
        Assert.Equal(["album/2024/b.txt", "album/2024/deep/c.txt", "album/a.txt"], listed.Select(f => f.Key[folder.Length..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_a_group_each_file_gets_its_own_id()
    {
        var first = await Api.CreateAsync("album/a.txt", 1, cancellationToken: Ct);
        var second = await Api.CreateAsync("album/b.txt", 1, cancellationToken: Ct);

        Assert.NotEqual(first.Key.Split('/')[4], second.Key.Split('/')[4]);
        Assert.NotEqual(first.GroupId, second.GroupId);
        using var a = await Api.AbortRawAsync(first.UploadId, Ct);
        using var b = await Api.AbortRawAsync(second.UploadId, Ct);
    }

    [Fact]
    public async Task A_path_open_in_the_group_is_key_taken_and_nothing_is_created()
    {
        var first = await Api.CreateAsync("dup/a.txt", 1, cancellationToken: Ct);
        var before = await SnapshotAsync();

        using var response = await Api.CreateRawAsync(new { fileName = "dup/a.txt", size = 1, groupId = first.GroupId }, Ct);

        var problem = await Problem.AssertAsync(response, 409, "key_taken");
        Assert.Equal(first.Key, problem.GetProperty("key").GetString());
        await AssertUnchangedAsync(before);
        using var aborted = await Api.AbortRawAsync(first.UploadId, Ct);
    }

    [Fact]
    public async Task A_path_stored_in_the_group_is_key_taken_even_when_it_is_written_otherwise_and_the_file_stays()
    {
        var (first, _) = await UploadAsync("dup/a:b.txt", "kept"u8.ToArray());
        var before = await SnapshotAsync();

        // "a_b.txt" and "a:b.txt" clean to one name: the second must not replace the first.
        using var response = await Api.CreateRawAsync(new { fileName = "dup/a_b.txt", size = 5, groupId = first.GroupId }, Ct);

        await Problem.AssertAsync(response, 409, "key_taken");
        await AssertUnchangedAsync(before);
        using var download = await Api.DownloadAsync(first.Key, cancellationToken: Ct);
        Assert.Equal("kept"u8.ToArray(), await download.Content.ReadAsByteArrayAsync(Ct));
    }

    /// <summary>
    /// Two creates of one path in a group that cross (each checked before the other began) both get the key; the one
    /// that completes second must not replace the first. The crossing cannot be timed through the API, so the other
    /// file's upload is made and completed here, straight on the store, between this file's create and its complete.
    /// </summary>
    [Fact]
    public async Task A_file_of_the_group_whose_key_another_completed_first_is_key_taken_at_complete_and_the_other_stays()
    {
        var first = await Api.CreateAsync("race/a.txt", 1, cancellationToken: Ct);
        var late = await Api.CreateAsync("race/b.txt", 4, cancellationToken: Ct, groupId: first.GroupId);
        var other = await Fixture.Store.CreateMultipartUploadAsync(late.Key, "text/plain", new Dictionary<string, string>(), null, Ct);
        var part = await Fixture.Store.UploadPartAsync(late.Key, other, 1, new MemoryStream("kept"u8.ToArray()), 4, null, Ct);
        await Fixture.Store.CompleteMultipartUploadAsync(late.Key, other, [part], Ct);

        // One part: the part's request completes the upload, and that complete is refused.
        using var response = await Api.PutPartRawAsync(late.UploadId, 1, "lost"u8.ToArray(), cancellationToken: Ct);

        var problem = await Problem.AssertAsync(response, 409, "key_taken");
        Assert.Equal(late.Key, problem.GetProperty("key").GetString());
        using var download = await Api.DownloadAsync(late.Key, cancellationToken: Ct);
        Assert.Equal("kept"u8.ToArray(), await download.Content.ReadAsByteArrayAsync(Ct));
        using var aborted = await Api.AbortRawAsync(late.UploadId, Ct);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, aborted.StatusCode);
        using var abortedFirst = await Api.AbortRawAsync(first.UploadId, Ct);
    }

    [Fact]
    public async Task A_group_begun_before_midnight_keeps_its_first_files_date_after_it()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 31, 23, 59, 30, TimeSpan.Zero));
        await using var app = Fixture.CreateApp(
            new Dictionary<string, string?> { ["Hoist:Uploads:SweepInterval"] = "00:00:00" },
            s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        using var api = app.CreateApi();
        var first = await api.CreateAsync("year/a.txt", 1, cancellationToken: Ct);

        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await api.CreateAsync("year/b.txt", 1, cancellationToken: Ct, groupId: first.GroupId);
        var alone = await api.CreateAsync("year/c.txt", 1, cancellationToken: Ct);

        Assert.StartsWith("anonymous/2026/12/31/", first.Key, StringComparison.Ordinal);
        Assert.Equal(first.Key[..^"a.txt".Length] + "b.txt", second.Key);
        Assert.StartsWith("anonymous/2027/01/01/", alone.Key, StringComparison.Ordinal);
        foreach (var upload in new[] { first, second, alone })
        {
            using var aborted = await api.AbortRawAsync(upload.UploadId, Ct);
        }
    }
}

public sealed class UploadGroupsOnFileSystem(FileSystemFixture fixture) : UploadGroupTests(fixture), IClassFixture<FileSystemFixture>;

public sealed class UploadGroupsOnS3(S3Fixture fixture) : UploadGroupTests(fixture), IClassFixture<S3Fixture>;
