using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Hoist.Server.Keys;

/// <summary>
/// Names the object of a new upload from the configured template (docs/key-template.md). The client
/// only contributes a sanitized file name and, through {path}, its sanitized relative folder; a fresh random id makes every key unique, so no upload
/// overwrites another. The template is expanded in one pass: each placeholder is replaced once and a
/// value is never read again as template text, so an owner or a file name that looks like a
/// placeholder stays text.
/// </summary>
public sealed partial class ObjectKeyTemplate(string template, TimeProvider time)
{
    public const string Default = "{owner}/{yyyy}/{MM}/{dd}/{id}/{path}{fileName}";

    /// <summary>Whether keys take the client's folder ({path}): only then may a folder be too long for a key.</summary>
    public bool UsesPath { get; } = template.Contains(PathFileName, StringComparison.Ordinal);

    private const string PathFileName = "{path}{fileName}";
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
            "path" => FileNameSanitizer.Folder(fileName),
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
            return "its only placeholders are {owner} (once, first), {yyyy}, {MM}, {dd}, {id}, {path} and {fileName}";
        }
        // {path} is "" or ends with '/': anywhere but right before {fileName} it would leave "//" or glue onto a segment.
        var paths = template.Split("{path}").Length - 1;
        if (paths > 1 || (paths == 1 && !template.EndsWith("/" + PathFileName, StringComparison.Ordinal)))
        {
            return "{path} may appear once, as /{path}{fileName} at the end";
        }
        return null;
    }

    /// <summary>12 characters of Crockford-style base32: 60 random bits.</summary>
    private static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, 12);

    [GeneratedRegex(@"\{(owner|yyyy|MM|dd|id|path|fileName)\}")]
    private static partial Regex Placeholder();
}
