using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Hoist.Server.Keys;

/// <summary>
/// Names the object of a new upload from the configured template (docs/key-template.md). The client
/// only contributes a sanitized file name; a fresh random id makes every key unique, so no upload
/// overwrites another. The template is expanded in one pass: each placeholder is replaced once and a
/// value is never read again as template text, so an owner or a file name that looks like a
/// placeholder stays text.
/// </summary>
public sealed partial class ObjectKeyTemplate(string template, TimeProvider time)
{
    public const string Default = "{owner}/{yyyy}/{MM}/{dd}/{id}/{fileName}";
    private const string IdAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public string KeyFor(string owner, string fileName)
    {
        var now = time.GetUtcNow();
        return Placeholder().Replace(template, match => match.Groups[1].Value switch
        {
            "owner" => Owner.Segment(owner),
            "yyyy" => now.ToString("yyyy", CultureInfo.InvariantCulture),
            "MM" => now.ToString("MM", CultureInfo.InvariantCulture),
            "dd" => now.ToString("dd", CultureInfo.InvariantCulture),
            "id" => NewId(),
            "fileName" => FileNameSanitizer.FileName(fileName),
            var other => throw new InvalidOperationException($"Unknown placeholder {{{other}}}: Problem() should have refused the template."),
        });
    }

    /// <summary>Why a template is unusable, or null when it is fine.</summary>
    public static string? Problem(string template)
    {
        if (!template.StartsWith("{owner}/", StringComparison.Ordinal))
        {
            return "it must start with {owner}/ so that every owner's files stay under their own prefix";
        }
        if (!template.Contains("{id}", StringComparison.Ordinal))
        {
            return "it must contain {id} so that keys are unique";
        }
        if (!template.EndsWith("{fileName}", StringComparison.Ordinal))
        {
            return "it must end with {fileName}";
        }
        if (template.Contains("..", StringComparison.Ordinal) || template.Contains("//", StringComparison.Ordinal) || template.Contains('\\', StringComparison.Ordinal))
        {
            return "it must not contain '..', '//' or '\\'";
        }
        if (Placeholder().Replace(template, "").IndexOfAny(['{', '}']) >= 0 || template.IndexOf("{owner}", 1, StringComparison.Ordinal) >= 0)
        {
            return "its only placeholders are {owner} (once, first), {yyyy}, {MM}, {dd}, {id} and {fileName}";
        }
        return null;
    }

    /// <summary>12 characters of Crockford-style base32: 60 random bits.</summary>
    private static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, 12);

    [GeneratedRegex(@"\{(owner|yyyy|MM|dd|id|fileName)\}")]
    private static partial Regex Placeholder();
}
