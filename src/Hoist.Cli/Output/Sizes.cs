using System.Globalization;

namespace Hoist.Cli.Output;

/// <summary>Bytes, speeds and durations as people read them.</summary>
internal static class Sizes
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Bytes(double bytes)
    {
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes:0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {Units[unit]}");
    }

    /// <summary>Done and total in the total's unit ("12.5/300.0 MiB"), so the pair stays short.</summary>
    public static string Pair(long done, long total)
    {
        var unit = 0;
        var scaled = (double)total;
        while (scaled >= 1024 && unit < Units.Length - 1)
        {
            scaled /= 1024;
            unit++;
        }
        if (unit == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{done}/{total} B");
        }
        var divisor = Math.Pow(1024, unit);
        return string.Create(CultureInfo.InvariantCulture, $"{done / divisor:0.0}/{scaled:0.0} {Units[unit]}");
    }

    public static string Speed(double? bytesPerSecond) => bytesPerSecond is { } speed ? $"{Bytes(speed)}/s" : "-";

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "-",
        { TotalHours: >= 1 } d => d.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture),
        { TotalSeconds: >= 10 } d => d.ToString(@"m\:ss", CultureInfo.InvariantCulture),
        { } d => string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.0}s"),
    };
}

/// <summary>Joining sentences of messages.</summary>
internal static class Sentence
{
    /// <summary>"." when <paramref name="text"/> does not end a sentence already, else nothing.</summary>
    public static string End(string text) => text.TrimEnd().EndsWith('.') ? "" : ".";
}
