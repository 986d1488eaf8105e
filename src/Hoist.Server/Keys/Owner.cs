using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace Hoist.Server.Keys;

/// <summary>
/// Who is uploading. Every key lives under its owner's prefix, and every upload token names its
/// owner: that is what keeps one owner out of another's uploads and files (docs/key-template.md).
/// </summary>
public static class Owner
{
    /// <summary>The owner when authentication is off (local use).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Starts every hashed owner segment; never part of a plain one.</summary>
    public const string HashedMarker = "~";

    /// <summary>An owner longer than this (in UTF-8) is hashed, so that keys keep room for the rest of the template.</summary>
    public const int MaxPlainBytes = 128;

    public static string Of(HttpContext context) => Of(context.User);

    public static string Of(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }
        var name = user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.FindFirstValue("sub") ?? user.Identity.Name;
        return string.IsNullOrEmpty(name) ? Anonymous : name;
    }

    /// <summary>The key prefix of an owner's objects: "segment/".</summary>
    public static string Prefix(string owner) => Segment(owner) + "/";

    /// <summary>
    /// The owner as the first key segment. A plain owner (letters, digits, marks and <c>. _ @ + -</c>,
    /// not starting or ending with a dot, not a Windows device name, NFC, at most <see cref="MaxPlainBytes"/> bytes) is itself; any other
    /// becomes "~" and 32 hex digits of its SHA-256. A plain owner never starts with "~", so the two
    /// kinds never meet; neither can hold a '/', a brace of a template placeholder, or "..":
    /// no owner can name another owner's prefix, a reserved folder or a placeholder.
    /// </summary>
    public static string Segment(string owner) => IsHashed(owner) ? owner : OfName(owner);

    /// <summary>
    /// The owner a name from outside stands for (a JWT's sub): itself when plain, else its hash, even
    /// when it looks like a hash already, so nobody can claim another's hashed segment.
    /// </summary>
    public static string OfName(string name) =>
        IsPlain(name) ? name : HashedMarker + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..32];

    /// <summary>
    /// A segment made by <see cref="OfName"/> from a non-plain name: it stays itself, so a JWT owner
    /// (kept as its segment from the start) is not hashed twice. No name from outside reaches here
    /// unhashed: <see cref="OfName"/> hashes a sub "~…" like any other non-plain name.
    /// </summary>
    public static bool IsHashed(string owner) =>
        owner.Length == 33 && owner.StartsWith(HashedMarker, StringComparison.Ordinal) && !owner.AsSpan(1).ContainsAnyExcept(LowerHex);

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>Whether an owner is its own key segment (see <see cref="Segment"/>).</summary>
    public static bool IsPlain(string owner)
    {
        if (owner.Length == 0 || owner[0] == '.' || owner[^1] == '.' || Encoding.UTF8.GetByteCount(owner) > MaxPlainBytes || !owner.IsNormalized(NormalizationForm.FormC)
            || FileNameSanitizer.IsWindowsReserved(owner))
        {
            return false;
        }
        foreach (var rune in owner.EnumerateRunes())
        {
            var allowed = rune.Value is '.' or '_' or '@' or '+' or '-' || Rune.GetUnicodeCategory(rune) is
                UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (!allowed)
            {
                return false;
            }
        }
        return true;
    }
}
