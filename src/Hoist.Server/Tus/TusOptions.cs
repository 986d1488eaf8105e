using System.Text.RegularExpressions;

namespace Hoist.Server.Tus;

/// <summary>Hoist:Tus — the tus 1.0 face (docs/tus.md).</summary>
public sealed partial class TusOptions
{
    public const string Section = "Hoist:Tus";

    /// <summary>Whether the tus endpoint is served at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The creation URL: uploads are created by POST here and live at <c>Path/&lt;upload id&gt;</c>.</summary>
    public string Path { get; set; } = "/files";

    /// <summary>Why a path is unusable, or null when it is fine.</summary>
    public static string? Problem(string path)
    {
        if (!PathForm().IsMatch(path))
        {
            return "it must start with '/', hold only letters, digits and . _ ~ - between slashes, and not end with '/'";
        }
        foreach (var taken in new[] { "/api", "/healthz", "/readyz" })
        {
            if (path.Equals(taken, StringComparison.OrdinalIgnoreCase) || path.StartsWith(taken + "/", StringComparison.OrdinalIgnoreCase))
            {
                return $"it must not be under {taken}, which Hoist serves itself";
            }
        }
        return null;
    }

    [GeneratedRegex(@"^(/[A-Za-z0-9._~-]+)+$")]
    private static partial Regex PathForm();
}
