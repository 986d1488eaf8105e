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

    /// <summary>The key of a file of its own: a fresh id, today's date.</summary>
    public string KeyFor(string owner, string fileName) => KeyFor(owner, fileName, NewGroup());

    /// <summary>
    /// The key of a file of <paramref name="group"/>: the group's id and date, so that the files of one
    /// folder upload share every segment but their {path}{fileName} (docs/key-template.md, "Groups").
    /// </summary>
    public string KeyFor(string owner, string fileName, KeyGroup group)
    {
        var day = group.Date.ToDateTime(TimeOnly.MinValue);
        return Placeholder().Replace(template, match => match.Groups[1].Value switch
        {
            "owner" => Owner.Segment(owner),
            "yyyy" => day.ToString("yyyy", CultureInfo.InvariantCulture),
            "MM" => day.ToString("MM", CultureInfo.InvariantCulture),
            "dd" => day.ToString("dd", CultureInfo.InvariantCulture),
            "id" => group.Id,
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

    /// <summary>A fresh id and today's UTC date: what a file of its own, or the first file of a group, gets.</summary>
    public KeyGroup NewGroup() => new(NewId(), DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));

    /// <summary>Whether <paramref name="id"/> has the form of an id this template hands out.</summary>
    public static bool IsId(string id) => id.Length == IdLength && id.All(c => IdAlphabet.Contains(c, StringComparison.Ordinal));

    private const int IdLength = 12;

    /// <summary>12 characters of Crockford-style base32: 60 random bits.</summary>
    private static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, IdLength);

    [GeneratedRegex(@"\{(owner|yyyy|MM|dd|id|path|fileName)\}")]
    private static partial Regex Placeholder();
}

/// <summary>The {id} and the date ({yyyy}/{MM}/{dd}) that the files of one group share.</summary>
public sealed record KeyGroup(string Id, DateOnly Date);
