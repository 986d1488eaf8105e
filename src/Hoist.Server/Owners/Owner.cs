using System.Security.Claims;

namespace Hoist.Server.Owners;

/// <summary>
/// Who is uploading. Every key lives under its owner's prefix, and every upload token names its
/// owner: that is what keeps one owner out of another's uploads and files.
/// </summary>
public static class Owner
{
    /// <summary>The owner when authentication is off (local use).</summary>
    public const string Anonymous = "anonymous";

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

    /// <summary>The key prefix of an owner's objects: "owner/".</summary>
    public static string Prefix(string owner) => Uploads.FileNameSanitizer.Segment(owner) + "/";
}
