using System.Security.Cryptography;

namespace Hoist.Server.Uploads;

/// <summary>
/// Names the object of a new upload from the configured template. The client only contributes a
/// sanitized file name; a fresh random id makes every key unique, so no upload overwrites another.
/// </summary>
public sealed class ObjectKeyTemplate(string template, TimeProvider time)
{
    public const string Default = "{owner}/{yyyy}/{MM}/{dd}/{id}/{fileName}";
    private const string IdAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public string KeyFor(string owner, string fileName)
    {
        var now = time.GetUtcNow();
        return template
            .Replace("{owner}", FileNameSanitizer.Segment(owner), StringComparison.Ordinal)
            .Replace("{yyyy}", now.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{MM}", now.ToString("MM", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{dd}", now.ToString("dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{id}", NewId(), StringComparison.Ordinal)
            .Replace("{fileName}", FileNameSanitizer.FileName(fileName), StringComparison.Ordinal);
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
        return null;
    }

    /// <summary>12 characters of Crockford-style base32: 60 random bits.</summary>
    private static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, 12);
}
