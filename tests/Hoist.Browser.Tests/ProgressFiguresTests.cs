using System.Text.Json;
using System.Text.RegularExpressions;
using Hoist.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Hoist.Browser.Tests;

/// <summary>
/// One set of numbers: the overall line and a file's row are computed from the same figures (bytes
/// stored apart from bytes sent in this visit), agree after a resume, and stand still while paused.
/// </summary>
public abstract partial class ProgressFiguresTests(PageFixture fixture, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task After_a_resume_the_overall_line_and_the_row_agree_and_stand_still_while_paused()
    {
        using var files = new TestFiles();
        var source = files.Random("figures.bin", 64 * MiB);
        await using var page = await UploadPage.OpenAsync(fixture);
        await page.InterruptedUploadAsync(fixture, source, storedParts: 3);

        // Resumed: two more parts go through, the others are held in flight.
        var gate = PartGate.Install(fixture, allowed: 2);
        await page.AddFilesAsync([source.Path]);
        await gate.AllowedPartsStored.WaitAsync(UploadPage.UploadTimeout);
        await Task.Delay(1500); // a speed is measured over a second at least
        var running = await FiguresAsync(page, source.Name);
        output.WriteLine($"{fixture.StoreName} running: row \"{running.Row}\", overall \"{running.Overall}\"");
        Assert.Equal(running.RowBar, running.OverallBar);
        Assert.Equal(Bytes(running.Row), Bytes(running.Overall));
        Assert.Equal(Speed(running.Row), Speed(running.Overall));

        await page.RowButton(source.Name, "Pause").ClickAsync();
        await page.ExpectStatusAsync(source.Name, "paused");
        await gate.AllHeldGivenUpAsync();
        var paused = await FiguresAsync(page, source.Name);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await FiguresAsync(page, source.Name);
        output.WriteLine($"{fixture.StoreName} paused: row \"{paused.Row}\", overall \"{paused.Overall}\"");

        // Five parts of 8 MiB stored of eight: the row, the overall line and both bars say so, and keep saying it.
        Assert.Equal(paused, later);
        Assert.Contains("Paused · 40 MiB of 64 MiB stored", paused.Row, StringComparison.Ordinal);
        Assert.Contains("40 MiB of 64 MiB", paused.Overall, StringComparison.Ordinal);
        Assert.Equal(62.5, paused.RowBar);
        Assert.Equal(62.5, paused.OverallBar);
        Assert.Null(Speed(paused.Overall));

        gate.Dispose();
        await page.Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Resume all" }).ClickAsync();
        await page.ExpectStatusAsync(source.Name, "complete");
        await fixture.AssertStoredAsync(source);
        Assert.Empty(page.ErrorsBesideFailedRequests);
    }

    private sealed record Figures(string Row, string Overall, double RowBar, double OverallBar);

    /// <summary>The row's and the overall line's text and bars, read at one instant.</summary>
    private static async Task<Figures> FiguresAsync(UploadPage page, string fileName)
    {
        var json = await page.Row(fileName).EvaluateAsync<JsonElement>(
            "row => ({ row: row.querySelector('.upload-details').innerText, overall: document.querySelector('#overall-text').textContent, rowBar: row.querySelector('progress').value, overallBar: document.querySelector('#overall-progress').value })");
        return new Figures(json.GetProperty("row").GetString()!.ReplaceLineEndings(" "), json.GetProperty("overall").GetString()!, json.GetProperty("rowBar").GetDouble(), json.GetProperty("overallBar").GetDouble());
    }

    private static string? Bytes(string text) => BytesPattern().Match(text) is { Success: true } m ? m.Value : null;

    private static string? Speed(string text) => SpeedPattern().Match(text) is { Success: true } m ? m.Value : null;

    [GeneratedRegex(@"[0-9.,]+ (bytes|KiB|MiB|GiB) of [0-9.,]+ (bytes|KiB|MiB|GiB)")]
    private static partial Regex BytesPattern();

    [GeneratedRegex(@"[0-9.,]+ (bytes|KiB|MiB|GiB)/s")]
    private static partial Regex SpeedPattern();
}

public sealed class FileSystemProgressFiguresTests(FileSystemPageFixture fixture, ITestOutputHelper output) : ProgressFiguresTests(fixture, output), IClassFixture<FileSystemPageFixture>;

public sealed class S3ProgressFiguresTests(S3PageFixture fixture, ITestOutputHelper output) : ProgressFiguresTests(fixture, output), IClassFixture<S3PageFixture>;
