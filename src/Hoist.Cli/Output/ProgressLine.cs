using System.Globalization;
using System.Text;

namespace Hoist.Cli.Output;

/// <summary>What one row of the live view shows.</summary>
/// <param name="Name">The file's name (or "Total (2/5 files)"), with its status mark in front.</param>
/// <param name="Done">Bytes stored so far (resumed ones included).</param>
/// <param name="Total">The file's size.</param>
/// <param name="BytesPerSecond">The speed to show: recent while running, the session's average once finished.</param>
/// <param name="Remaining">The time left, when known.</param>
/// <param name="Note">Said instead of the time left ("completing", "failed"); null to show the time left.</param>
internal sealed record ProgressFigures(string Name, long Done, long Total, double? BytesPerSecond, TimeSpan? Remaining, string? Note = null);

/// <summary>
/// One row of the live view, fitted to the terminal's width: the name (cut in the middle with "…"), a bar,
/// the percentage, the size, the speed and the time left, each figure in a column of fixed width so rows
/// line up. A pure function of the width and the figures. When even the shortest name and bar do not fit,
/// the time left goes first, then the speed, then the size.
/// </summary>
internal static class ProgressLine
{
    public const int MinNameWidth = 12;
    public const int MinBarWidth = 10;

    /// <summary>Names longer than this share the room with the bar rather than take it all.</summary>
    public const int MaxNameWidth = 40;

    private const int PercentWidth = 4;   // "100%"
    private const int SizeWidth = 17;     // "1023.9/1023.9 MiB"
    private const int SpeedWidth = 12;    // "1023.9 MiB/s"
    private const int TailWidth = 11;     // "59:59 left", "12h05m left", "completing"

    public static string Format(int width, ProgressFigures figures)
    {
        var total = Math.Max(0, figures.Total);
        var done = Math.Clamp(figures.Done, 0, total);
        var fraction = total == 0 ? 1 : (double)done / total;
        List<(string Text, int Width)> columns =
        [
            (((int)Math.Floor(fraction * 100)).ToString(CultureInfo.InvariantCulture) + "%", PercentWidth),
            (Sizes.Pair(done, total), SizeWidth),
            (Sizes.Speed(figures.BytesPerSecond), SpeedWidth),
            (figures.Note ?? (done >= total ? "" : Left(figures.Remaining)), TailWidth),
        ];
        // Dropped from the right until the shortest name and bar fit.
        while (columns.Count > 1 && width - Figures(columns) < MinNameWidth + 1 + MinBarWidth)
        {
            columns.RemoveAt(columns.Count - 1);
        }
        var room = Math.Max(2, width - Figures(columns) - 1);
        // From the width alone, not the name: every row's bar starts in the same column.
        var nameWidth = Math.Max(1, Math.Min(MaxNameWidth, Math.Max(Math.Min(MinNameWidth, room - 1), room - MinBarWidth)));
        var barWidth = Math.Max(1, room - nameWidth);

        var line = new StringBuilder(width * 2);
        line.Append(Fit(figures.Name, nameWidth)).Append(' ').Append(Bar(fraction, barWidth));
        foreach (var (text, columnWidth) in columns)
        {
            line.Append(' ').Append(' ', Math.Max(0, columnWidth - text.Length)).Append(text);
        }
        return line.ToString();
    }

    /// <summary>The name in exactly <paramref name="width"/> cells: padded, or cut in the middle with "…" (the start and the extension both stay).</summary>
    public static string Fit(string name, int width)
    {
        var cells = CellWidth(name);
        if (cells <= width)
        {
            return name + new string(' ', width - cells);
        }
        var runes = name.EnumerateRunes().ToList();
        var budget = width - 1;
        int head = 0, tail = runes.Count, used = 0;
        // Alternately from the end and the start, so both halves keep about the same room.
        for (var fromEnd = true; head < tail; fromEnd = !fromEnd)
        {
            var cost = CellWidth(fromEnd ? runes[tail - 1] : runes[head]);
            if (used + cost > budget)
            {
                break;
            }
            used += cost;
            if (fromEnd)
            {
                tail--;
            }
            else
            {
                head++;
            }
        }
        var text = string.Concat(runes[..head].Select(r => r.ToString())) + "…" + string.Concat(runes[tail..].Select(r => r.ToString()));
        return text + new string(' ', width - used - 1);
    }

    /// <summary>Terminal cells taken by the text: wide East Asian characters and emoji take two, combining marks none.</summary>
    public static int CellWidth(string text) => text.EnumerateRunes().Sum(CellWidth);

    private static int CellWidth(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format or UnicodeCategory.Control)
        {
            return 0;
        }
        return rune.Value switch
        {
            >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0x303E or >= 0x3041 and <= 0x33FF or >= 0x3400 and <= 0x4DBF
                or >= 0x4E00 and <= 0x9FFF or >= 0xA000 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
                or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6
                or >= 0x1F300 and <= 0x1F64F or >= 0x1F900 and <= 0x1F9FF or >= 0x20000 and <= 0x3FFFD => 2,
            _ => 1,
        };
    }

    private static int Figures(List<(string Text, int Width)> columns) => columns.Sum(c => 1 + Math.Max(c.Width, c.Text.Length));

    private static string Bar(double fraction, int width)
    {
        var filled = (int)Math.Round(fraction * width);
        return new string('━', filled) + new string('─', width - filled);
    }

    private static string Left(TimeSpan? remaining) => remaining switch
    {
        null => "",
        { TotalHours: >= 1 } r => string.Create(CultureInfo.InvariantCulture, $"{(int)r.TotalHours}h{r.Minutes:00}m left"),
        { } r => Sizes.Duration(r) + " left",
    };
}
