using System.Globalization;
using System.Text;

namespace Hoist.Server.Keys;

/// <summary>
/// Turns a name sent by a client into one safe key segment: no path, no control or bidi
/// characters, NFC, no Windows-reserved names or characters, at most <see cref="MaxBytes"/> bytes of
/// UTF-8 (the extension kept). The original name is kept in the object's metadata; its folder, cleaned
/// segment by segment, may go into the key too (<see cref="Folder"/>, the template's {path}).
/// </summary>
public static class FileNameSanitizer
{
    public const int MaxBytes = 200;

    /// <summary>The longest cleaned folder a key takes (UTF-8 bytes, slashes included): keys stay within S3's 1024 bytes.</summary>
    public const int MaxFolderBytes = 512;
    private const string Fallback = "file";
    private static readonly HashSet<string> WindowsReserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>The file name part of what the client sent, made safe.</summary>
    public static string FileName(string name)
    {
        // Only the last path segment counts, whichever separator the client's system uses.
        var last = name.Split('/', '\\').LastOrDefault(IsNamed) ?? "";
        return Segment(last);
    }

    /// <summary>
    /// The relative folder of what the client sent, made safe: "" for a plain name, else its segments
    /// before the file name, each cleaned like a file name, joined and ended by '/' ("photos/2024/").
    /// Either separator separates; empty, "." and ".." segments (any of only dots and spaces), a leading
    /// drive ("C:") and segments that clean to nothing are dropped, so the folder never climbs out of
    /// where the template puts it, never starts with '/' and never holds "." or "..".
    /// </summary>
    public static string Folder(string name)
    {
        var segments = name.Split('/', '\\');
        var last = Array.FindLastIndex(segments, IsNamed);
        var folder = new StringBuilder();
        for (var i = 0; i < last; i++)
        {
            if (!IsNamed(segments[i]) || (folder.Length == 0 && IsDrive(segments[i])) || Clean(segments[i]) is not { Length: > 0 } clean)
            {
                continue;
            }
            folder.Append(clean).Append('/');
        }
        return folder.ToString();
    }

    /// <summary>Any string made into one safe path segment.</summary>
    public static string Segment(string value) => Clean(value) is { Length: > 0 } clean ? clean : Fallback;

    private static bool IsNamed(string segment) => segment.Trim().Trim('.').Length > 0;

    private static bool IsDrive(string segment) => segment.Length == 2 && char.IsAsciiLetter(segment[0]) && segment[1] == ':';

    /// <summary>The safe form of one segment, or "" when nothing of it is usable.</summary>
    private static string Clean(string value)
    {
        var text = value.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                continue;
            }
            builder.Append(rune.Value switch
            {
                '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' => "_",
                _ => rune.ToString(),
            });
        }
        // Again: a removed character may have stood between a letter and its combining mark.
        var clean = builder.ToString().Normalize(NormalizationForm.FormC).Trim().Trim('.').Trim();
        if (clean.Length == 0)
        {
            return "";
        }
        if (IsWindowsReserved(clean))
        {
            clean = "_" + clean;
        }
        return Cap(clean);
    }

    /// <summary>Whether Windows would take the name for a device (CON, nul.txt, LPT9.tar.gz): such names cannot be files there.</summary>
    public static bool IsWindowsReserved(string name) => WindowsReserved.Contains(name.Split('.')[0]);

    /// <summary>Cuts the name to <see cref="MaxBytes"/> bytes of UTF-8 on a rune boundary, keeping a short extension.</summary>
    private static string Cap(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxBytes)
        {
            return name;
        }
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 16 ? name[dot..] : "";
        var budget = MaxBytes - Encoding.UTF8.GetByteCount(extension);
        var stem = new StringBuilder();
        var used = 0;
        foreach (var rune in name[..(extension.Length > 0 ? dot : name.Length)].EnumerateRunes())
        {
            used += rune.Utf8SequenceLength;
            if (used > budget)
            {
                break;
            }
            stem.Append(rune.ToString());
        }
        return stem.ToString().TrimEnd('.', ' ') + extension;
    }
}
