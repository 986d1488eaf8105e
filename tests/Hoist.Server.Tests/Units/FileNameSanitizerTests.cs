using Hoist.Server.Keys;
using System.Globalization;
using System.Text;
using Hoist.Server.Uploads;

namespace Hoist.Server.Tests.Units;

public sealed class FileNameSanitizerTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\boot.ini", "boot.ini")]
    [InlineData("dir/sub/", "sub")]
    [InlineData("a/./.", "a")]
    [InlineData("/", "file")]
    [InlineData("..", "file")]
    [InlineData("", "file")]
    [InlineData("\u202E\u200B", "file")]
    [InlineData("photo\u202Egpj.exe", "photogpj.exe")]
    [InlineData("line\r\nbreak\u0007.txt", "linebreak.txt")]
    [InlineData("tab\there.txt", "tabhere.txt")]
    [InlineData("what?<is>*this:|\".txt", "what__is__this___.txt")]
    [InlineData("CON", "_CON")]
    [InlineData("con.txt", "_con.txt")]
    [InlineData("LPT9.log", "_LPT9.log")]
    [InlineData("CONSOLE.txt", "CONSOLE.txt")]
    [InlineData("emoji 😀 name 🎉.png", "emoji 😀 name 🎉.png")]
    [InlineData("Cafe\u0301", "Caf\u00E9")]
    [InlineData("Cafe\u200B\u0301\u0000", "Caf\u00E9")] // the accent meets its letter only once the invisible character is gone
    [InlineData("  spaced out . ", "spaced out")]
    [InlineData("...dots...", "dots")]
    [InlineData("日本語のファイル.txt", "日本語のファイル.txt")]
    public void A_name_becomes_one_safe_segment(string name, string expected)
    {
        Assert.Equal(expected, FileNameSanitizer.FileName(name));
    }

    [Fact]
    public void A_long_name_is_cut_to_200_bytes_on_a_character_boundary_keeping_its_extension()
    {
        var name = string.Concat(Enumerable.Repeat("😀é", 2000)) + ".tar.gz";

        var safe = FileNameSanitizer.FileName(name);

        Assert.InRange(Encoding.UTF8.GetByteCount(safe), 190, FileNameSanitizer.MaxBytes);
        Assert.EndsWith(".gz", safe, StringComparison.Ordinal);
        Assert.StartsWith("😀é😀é", safe, StringComparison.Ordinal);
        Assert.Equal(safe, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(safe)));
    }

    [Fact]
    public void A_long_extension_is_cut_with_the_name()
    {
        var safe = FileNameSanitizer.FileName("a." + new string('x', 500));

        Assert.Equal(FileNameSanitizer.MaxBytes, Encoding.UTF8.GetByteCount(safe));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("CON.txt")]
    [InlineData("Cafe\u0301\u202E.txt")]
    [InlineData(" a:b ")]
    public void Sanitizing_twice_changes_nothing_more(string name)
    {
        var once = FileNameSanitizer.FileName(name);

        Assert.Equal(once, FileNameSanitizer.FileName(once));
    }

    [Fact]
    public void No_name_yields_a_path_a_control_character_or_an_unnormalized_segment()
    {
        var random = new Random(11);
        var alphabet = "ab./\\:*?\"<>| \t\r\n\0\u202E\u200D\u0301e😀文..".EnumerateRunes().ToArray();
        for (var i = 0; i < 2000; i++)
        {
            var name = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)].ToString()));

            var safe = FileNameSanitizer.FileName(name);

            Assert.False(string.IsNullOrWhiteSpace(safe), name);
            Assert.DoesNotContain('/', safe);
            Assert.DoesNotContain('\\', safe);
            Assert.False(safe is "." or "..", name);
            Assert.True(safe.IsNormalized(NormalizationForm.FormC), name);
            Assert.True(Encoding.UTF8.GetByteCount(safe) <= FileNameSanitizer.MaxBytes, name);
            Assert.DoesNotContain(safe.EnumerateRunes(), r => Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format);
        }
    }
}
