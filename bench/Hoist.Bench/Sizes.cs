using System.Globalization;

namespace Hoist.Bench;

internal static class Sizes
{
    public const long MiB = 1024 * 1024;
    public const long GiB = 1024 * MiB;

    /// <summary>"1G", "512M", "20MiB", "4096" (bytes): binary units.</summary>
    public static long Parse(string text)
    {
        var t = text.Trim().ToUpperInvariant().Replace("IB", "", StringComparison.Ordinal).TrimEnd('B');
        var (number, unit) = t.Length > 0 && char.IsLetter(t[^1]) ? (t[..^1], t[^1]) : (t, ' ');
        var factor = unit switch
        {
            'K' => 1024L,
            'M' => MiB,
            'G' => GiB,
            ' ' => 1L,
            _ => throw new BenchArgsException($"'{text}' is not a size (e.g. 1G, 512M)."),
        };
        return (long)(double.Parse(number, CultureInfo.InvariantCulture) * factor);
    }

    public static string Label(long bytes) =>
        bytes == 0 ? "0 B"
        : bytes % GiB == 0 ? $"{bytes / GiB} GiB"
        : bytes % MiB == 0 ? $"{bytes / MiB} MiB"
        : bytes % 1024 == 0 ? $"{bytes / 1024} KiB"
        : $"{bytes} B";
}
