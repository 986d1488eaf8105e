extern alias cli;

using System.Diagnostics;
using System.Text.RegularExpressions;
using cli::Hoist.Cli.Output;
using Hoist.Client.Tests.Support;

namespace Hoist.Client.Tests;

/// <summary>
/// The CLI's live progress rows (issue 14, item 7): at 80 columns each fits, with the name cut in the middle,
/// then a bar of at least 10 cells, %, size (binary units), speed and time left; a finished file keeps its average speed.
/// </summary>
public sealed partial class CliProgressTests(FileSystemServerFixture server) : IClassFixture<FileSystemServerFixture>
{
    private const int MiB = 1024 * 1024;

    public static TheoryData<string, long, long, double?, int?> Rows => new()
    {
        { "a.txt", 0, 10, null, null },
        { "photos/2024/summer/a-rather-long-file-name-from-the-camera-IMG_20240715_183012.jpg", 47L * MiB, 315L * MiB + 12345, 11.3 * MiB, 24 },
        { "exactly-twenty-chars", 3L << 30, 5L << 30, 950.5 * MiB, 4000 },
        { "文件名很长的中文文件名很长的中文文件名很长的中文文件名.mp4", 1023, 1024, 99.9, 3 },
        { "📦 parcel 🎉 with emoji everywhere 🎉🎉🎉🎉🎉🎉🎉.bin", 5L << 40, 5L << 40, null, null },
        { "✓ finished.bin", 300L * MiB, 300L * MiB, 1000.0 * 1024 * MiB, 0 },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void At_80_columns_a_row_fits_with_a_bar_of_at_least_10_cells_and_every_figure(string name, long done, long total, double? speed, int? secondsLeft)
    {
        var line = ProgressLine.Format(79, new ProgressFigures(name, done, total, speed, secondsLeft is { } s ? TimeSpan.FromSeconds(s) : null));

        Assert.Equal(79, ProgressLine.CellWidth(line));
        Assert.Matches("[━─]{10,}", line);
        Assert.Matches(@" \d{1,3}% ", line);
        Assert.Matches(@"\d+(\.\d)?/\d+(\.\d)? (B|KiB|MiB|GiB|TiB) ", line);
        Assert.Contains(speed is null ? " - " : "/s", line, StringComparison.Ordinal);
        if (secondsLeft is > 0)
        {
            Assert.EndsWith(" left", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_long_name_is_cut_in_the_middle_keeping_its_start_and_its_extension()
    {
        var name = "photos/2024/summer/a-rather-long-file-name-from-the-camera-IMG_20240715_183012.jpg";

        var fitted = ProgressLine.Fit(name, 21);

        Assert.Equal(21, ProgressLine.CellWidth(fitted));
        Assert.Matches("^photos/20.*….*183012\\.jpg$", fitted);
        Assert.Equal("short.txt" + new string(' ', 12), ProgressLine.Fit("short.txt", 21));
    }

    [Fact]
    public void Wide_characters_are_cut_on_whole_characters_within_the_width()
    {
        var fitted = ProgressLine.Fit("文件名很长的中文文件名很长的中文.mp4", 12);

        Assert.Equal(12, ProgressLine.CellWidth(fitted));
        Assert.Contains('…', fitted);
    }

    [Fact]
    public void Every_row_of_one_width_starts_its_bar_in_the_same_column()
    {
        var short_ = ProgressLine.Format(79, new ProgressFigures("a.txt", 1, 10, 5, TimeSpan.FromSeconds(2)));
        var long_ = ProgressLine.Format(79, new ProgressFigures(new string('x', 70) + ".bin", 1, 10, 5, TimeSpan.FromSeconds(2)));

        Assert.Equal(short_.IndexOfAny(['━', '─']), long_.IndexOfAny(['━', '─']));
    }

    [Theory]
    [InlineData(120, true, true, true)]
    [InlineData(79, true, true, true)]
    [InlineData(60, true, true, false)]
    [InlineData(48, true, false, false)]
    [InlineData(36, false, false, false)]
    public void Narrow_terminals_give_up_the_time_left_then_the_speed_then_the_size_never_the_bar(int width, bool size, bool speed, bool left)
    {
        var line = ProgressLine.Format(width, new ProgressFigures("holiday-video-2024.mp4", 150L * MiB, 300L * MiB, 20.0 * MiB, TimeSpan.FromSeconds(75)));

        Assert.True(ProgressLine.CellWidth(line) <= width, line);
        Assert.Matches("[━─]{10,}", line);
        Assert.Contains(" 50%", line, StringComparison.Ordinal);
        Assert.Equal(size, line.Contains("150.0/300.0 MiB", StringComparison.Ordinal));
        Assert.Equal(speed, line.Contains("20.0 MiB/s", StringComparison.Ordinal));
        Assert.Equal(left, line.Contains("1:15 left", StringComparison.Ordinal));
    }

    [Fact]
    public void Sizes_and_speeds_are_in_binary_units()
    {
        Assert.Equal("12.5/300.0 MiB", Sizes.Pair(12L * MiB + MiB / 2, 300L * MiB));
        Assert.Equal("0.0/1.0 KiB", Sizes.Pair(0, 1024));
        Assert.Equal("999/1000 B", Sizes.Pair(999, 1000));
        Assert.Equal("1.5 GiB/s", Sizes.Speed(1.5 * 1024 * MiB));
    }

    [Fact]
    public void A_finished_file_shows_its_average_speed_which_then_stays_put()
    {
        var meter = new TransferMeter(4 * MiB);
        meter.Add(4 * MiB, 3 * MiB); // 1 MiB found stored (resumed): done, but not sent this session
        Thread.Sleep(200);
        meter.Stop();

        var atFinish = meter.BytesPerSecond;
        var elapsed = meter.Elapsed;
        Thread.Sleep(300);

        Assert.NotNull(atFinish);
        Assert.Equal(atFinish, meter.BytesPerSecond);
        Assert.Equal(elapsed, meter.Elapsed);
        Assert.Equal(3.0 * MiB / elapsed.TotalSeconds, atFinish!.Value, 3);
        Assert.Equal(TimeSpan.Zero, meter.Remaining);
    }

    [Fact]
    public async Task A_real_upload_on_an_80_column_terminal_draws_rows_that_fit()
    {
        using var files = new TempFolder();
        var big = files.File("a-rather-long-file-name-from-the-camera-IMG_20240715_183012-holiday.mp4", 12 * MiB, seed: 90);
        var small = files.File("notes.txt", 2000, seed: 91);

        var output = await RunInTerminalAsync(80, ["upload", big, small, "--server", server.Url.OriginalString, "--state", files.Combine("state.json"), "--limit-rate", "8M"]);

        var lines = Visible(output);
        Assert.Contains(lines, l => l.Contains("notes.txt", StringComparison.Ordinal) && l.Contains("100%", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("a-rathe", StringComparison.Ordinal) && l.Contains('…') && l.Contains("oliday.mp4", StringComparison.Ordinal) && l.Contains("100%", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Total (2/2 files)", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(ProgressLine.CellWidth(l.TrimEnd()) <= 80, $"{ProgressLine.CellWidth(l.TrimEnd())} cells: '{l}'"));
        Assert.Contains(lines, l => l.Contains("2 uploaded", StringComparison.Ordinal));
    }

    /// <summary>Runs the CLI with a pseudo-terminal as its output (util-linux `script`), as a user at a terminal of that width would.</summary>
    private static async Task<string> RunInTerminalAsync(int columns, IEnumerable<string> args)
    {
        var command = string.Join(' ', new[] { "dotnet", RepoPaths.CliDll }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in new[] { "-q", "-e", "-c", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["TERM"] = "xterm-256color";
        start.Environment.Remove("HOIST_SERVER");
        start.Environment.Remove("HOIST_TOKEN");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await error}");
        return await output;
    }

    /// <summary>What a terminal would show line by line: escape sequences removed, each redraw a line of its own.</summary>
    private static List<string> Visible(string output) =>
        [.. Escapes().Replace(Colours().Replace(output, ""), "\n").Split(['\n', '\r']).Where(l => l.Trim().Length > 0)];

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex Colours();

    [GeneratedRegex(@"\x1B(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1B]*(\x07|\x1B\\)|[=>@-Z\\-_])")]
    private static partial Regex Escapes();
}
