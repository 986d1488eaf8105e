using System.Security.Cryptography;
using System.Text;
using Hoist.Server.Uploads;

namespace Hoist.Server.Auth;

/// <summary>
/// The owner a JWT stands for: its <c>sub</c>. The owner is also the first segment of every key, made
/// safe by sanitizing; a sub that sanitizing would change (Auth0's "auth0|123", one with a '/') could
/// then share a prefix with another sub ("a|b" and "a_b"). Such a sub becomes "~" and the hex of its
/// SHA-256 instead, so that two subs never share a space; a sub that is already one clean segment stays itself.
/// </summary>
public static class JwtOwner
{
    public const string HashedMarker = "~";

    public static string For(string sub) =>
        FileNameSanitizer.Segment(sub) == sub && !sub.StartsWith(HashedMarker, StringComparison.Ordinal)
            ? sub
            : HashedMarker + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sub)))[..32];
}
