using System.Reflection;
using System.Text.RegularExpressions;
using Hoist.Server.Errors;
using Hoist.Wire;

namespace Hoist.Server.Tests.Units;

/// <summary>
/// The wire names live in one place (src/Hoist.Wire/HoistWire.cs, compiled into the server and
/// Hoist.Client); the page's copy (wwwroot/js/wire.mjs), the error catalog and docs/api.md must agree with it.
/// </summary>
public sealed partial class WireNamesTests
{
    private static readonly IReadOnlySet<string> Codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Every_refusal_in_the_catalog_has_a_code_of_its_own_from_the_wire_names()
    {
        Assert.All(ApiErrors.All, e => Assert.Contains(e.Code, Codes));
        Assert.Equal(ApiErrors.All.Count, ApiErrors.All.Select(e => e.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ApiErrors.All, e => Assert.InRange(e.Status, 400, 599));
    }

    [Fact]
    public void The_pages_codes_are_the_wire_names_codes()
    {
        var page = File.ReadAllText(Path.Combine(Repo(), "src", "Hoist.Server", "wwwroot", "js", "wire.mjs"));
        var codes = page[page.IndexOf("export const codes", StringComparison.Ordinal)..];

        Assert.Equal(Codes.Order(StringComparer.Ordinal), PageCode().Matches(codes).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        Assert.Contains($"checksumHeader = '{HoistWire.ChecksumHeader}'", page, StringComparison.Ordinal);
        Assert.Contains($"uploads: '{HoistWire.Uploads.TrimStart('/')}'", page, StringComparison.Ordinal);
        Assert.Contains($"files: '{HoistWire.Files.TrimStart('/')}'", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_code_is_described_in_the_API_docs()
    {
        var docs = File.ReadAllText(Path.Combine(Repo(), "docs", "api.md"));

        Assert.All(Codes, code => Assert.True(docs.Contains($"`{code}`", StringComparison.Ordinal), $"docs/api.md does not describe `{code}`."));
    }

    private static string Repo()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hoist.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"No Hoist.slnx above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^\s+\w+: '([a-z0-9_]+)',$", RegexOptions.Multiline)]
    private static partial Regex PageCode();
}
