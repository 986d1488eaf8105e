using Hoist.Server.Keys;
using Hoist.Server.Uploads;
using Microsoft.Extensions.Time.Testing;

namespace Hoist.Server.Tests.Units;

/// <summary>docs/key-template.md: the template is expanded in one pass, and no owner can write outside its own prefix.</summary>
public sealed class ObjectKeyTemplateTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));

    private static string[] Segments(string owner, string fileName, string template = ObjectKeyTemplate.Default) =>
        new ObjectKeyTemplate(template, Time).KeyFor(owner, fileName).Split('/');

    [Fact]
    public void A_plain_owner_and_name_fill_the_default_template()
    {
        var segments = Segments("alice", "report.pdf");

        Assert.Equal(["alice", "2026", "03", "04"], segments[..4]);
        Assert.Matches("^[0-9a-z]{12}$", segments[4]);
        Assert.Equal("report.pdf", segments[5]);
    }

    [Fact]
    public void A_relative_path_keeps_its_folders_under_the_id()
    {
        var segments = Segments("alice", "photos/2024/a.jpg");

        Assert.Matches("^[0-9a-z]{12}$", segments[4]);
        Assert.Equal(["photos", "2024", "a.jpg"], segments[5..]);
    }

    [Theory]
    [InlineData("a.txt", "")]
    [InlineData("dir/", "")]
    [InlineData("a/b/c.txt", "a/b/")]
    [InlineData("../x", "")]
    [InlineData("../../etc/passwd", "etc/")]
    [InlineData("a/../../b", "a/")]
    [InlineData("/etc/x", "etc/")]
    [InlineData("a\\b\\c.txt", "a/b/")]
    [InlineData("C:\\Users\\me\\x.txt", "Users/me/")]
    [InlineData("\\\\server\\share\\x.txt", "server/share/")]
    [InlineData("./a/./ . /.../b.txt", "a/")]
    [InlineData(".hoist/x", "hoist/")]
    [InlineData("{owner}/{id}/x", "{owner}/{id}/")]
    [InlineData("CON/a:b/x", "_CON/a_b/")]
    [InlineData("a/\u202E\u200B/b.txt", "a/")]
    [InlineData("..\u2215..\u2215x/y", "∕..∕x/")]
    public void The_folder_is_each_segment_cleaned_with_dot_and_empty_segments_dropped(string fileName, string folder)
    {
        Assert.Equal(folder, FileNameSanitizer.Folder(fileName));
        var key = new ObjectKeyTemplate(ObjectKeyTemplate.Default, Time).KeyFor("alice", fileName);
        var segments = key.Split('/');
        Assert.Equal("alice", segments[0]);
        Assert.Equal(folder + FileNameSanitizer.FileName(fileName), string.Join('/', segments[5..]));
        Assert.DoesNotContain(segments, s => s is "" or "." or ".." || s.StartsWith('.'));
    }

    [Fact]
    public void A_template_without_path_keeps_only_the_last_segment()
    {
        var segments = Segments("alice", "photos/2024/a.jpg", "{owner}/{yyyy}/{id}/{fileName}");

        Assert.Equal(4, segments.Length);
        Assert.Equal("a.jpg", segments[3]);
        Assert.False(new ObjectKeyTemplate("{owner}/{yyyy}/{id}/{fileName}", Time).UsesPath);
        Assert.True(new ObjectKeyTemplate(ObjectKeyTemplate.Default, Time).UsesPath);
    }

    [Theory]
    [InlineData("{fileName}", "bob")]
    [InlineData("{id}", "x.txt")]
    [InlineData("{owner}", "bob")]
    [InlineData("{yyyy}", "x.txt")]
    [InlineData("bob/x", "y.txt")]
    [InlineData("bob/../alice", "y.txt")]
    [InlineData(".hoist", "y.txt")]
    [InlineData("bob\u200b", "y.txt")]
    public void An_owner_that_looks_like_a_placeholder_or_a_path_gets_a_hashed_prefix_of_its_own(string owner, string fileName)
    {
        var segments = Segments(owner, fileName);

        Assert.Matches("^~[0-9a-f]{32}$", segments[0]);
        Assert.Equal(Owner.Segment(owner), segments[0]);
        Assert.Equal(6, segments.Length);
        Assert.Equal(FileNameSanitizer.FileName(fileName), segments[5]);
    }

    [Theory]
    [InlineData("{owner}")]
    [InlineData("{id}")]
    [InlineData("{yyyy}-{MM}")]
    public void A_file_name_that_looks_like_a_placeholder_stays_text(string fileName)
    {
        var segments = Segments("alice", fileName);

        Assert.Equal(fileName, segments[5]);
        Assert.Equal("alice", segments[0]);
    }

    [Fact]
    public void Every_placeholder_is_replaced_once_even_when_it_repeats_and_a_repeated_id_is_the_same_id()
    {
        var key = new ObjectKeyTemplate("{owner}/{id}/{id}-{fileName}", Time).KeyFor("alice", "a.txt").Split('/');

        Assert.Equal("alice", key[0]);
        Assert.Equal(key[1], key[2][..12]); // one id per key (a group's files share it, docs/key-template.md)
        Assert.EndsWith("-a.txt", key[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("carol", "carol")]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("josé", "josé")]
    public void A_plain_owner_is_its_own_segment(string owner, string segment) =>
        Assert.Equal(segment, Owner.Segment(owner));

    [Fact]
    public void No_two_distinct_owners_share_a_segment_among_lookalikes()
    {
        string[] owners = ["bob", "Bob", "bob_", "bob/", "bob\u200b", "~bob", "b{o}b", "bob.", ".bob", "bob ", new string('b', 200), new string('b', 201), "jose\u0301", "josé"];

        var segments = owners.Select(Owner.OfName).ToList();

        Assert.Equal(owners.Length, segments.Distinct(StringComparer.Ordinal).Count());
        Assert.All(segments, s => Assert.DoesNotContain('/', s));
        Assert.All(segments, s => Assert.False(s.Contains('{', StringComparison.Ordinal) || s.Contains('}', StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("idp|carol")]
    [InlineData("{fileName}")]
    [InlineData("~0123456789abcdef0123456789abcdef")]
    public void A_segment_is_its_own_segment_so_an_owner_is_hashed_once(string owner)
    {
        var segment = Owner.OfName(owner);

        Assert.Equal(segment, Owner.Segment(segment));
        Assert.NotEqual(owner, segment); // a sub that looks like a hash is not plain: hashed, not taken as one
        Assert.Equal(Owner.Prefix(segment), segment + "/");
    }

    [Theory]
    [InlineData("{owner}/{id}/{fileName}/{size}")]
    [InlineData("{owner}/{id}/{filename}")]
    [InlineData("{owner}/{id}/{owner}/{fileName}")]
    [InlineData("{owner}/{id}/{{fileName}")]
    [InlineData("{owner}/{id}/{path}/{fileName}")]
    [InlineData("{owner}/{id}/{path}{path}{fileName}")]
    [InlineData("{owner}/{path}{id}/{fileName}")]
    [InlineData("{owner}/{id}/x{path}{fileName}")]
    public void A_template_with_an_unknown_or_repeated_owner_placeholder_or_a_misplaced_path_is_refused(string template) =>
        Assert.NotNull(ObjectKeyTemplate.Problem(template));

    [Theory]
    [InlineData(ObjectKeyTemplate.Default)]
    [InlineData("{owner}/{id}/{path}{fileName}")]
    [InlineData("{owner}/{id}/{fileName}")]
    public void A_template_with_path_right_before_the_file_name_or_none_is_accepted(string template) =>
        Assert.Null(ObjectKeyTemplate.Problem(template));
}
