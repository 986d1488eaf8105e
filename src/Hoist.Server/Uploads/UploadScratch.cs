using System.Security.Cryptography;
using System.Text;

namespace Hoist.Server.Uploads;

/// <summary>
/// Where an upload keeps scratch objects (see <see cref="Storage.IObjectStore.PutScratchAsync"/>): one
/// folder per store upload, named by a hash of its key and store upload id, so that anything that
/// knows the upload (a tus PATCH, the sweeper) finds them without a table. The sweeper counts them as
/// the upload's activity and removes them with it.
/// </summary>
public static class UploadScratch
{
    public const string Root = "uploads/";

    public static string Prefix(UploadToken token) => Prefix(token.Key, token.StoreUploadId);

    public static string Prefix(string key, string storeUploadId) => Root + Folder(key, storeUploadId) + "/";

    /// <summary>The folder name of an upload's scratch objects: 32 hex digits.</summary>
    public static string Folder(string key, string storeUploadId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(storeUploadId + "\n" + key)))[..32];

    /// <summary>The folder a scratch name belongs to, or null when it is not under <see cref="Root"/>.</summary>
    public static string? FolderOf(string name)
    {
        if (!name.StartsWith(Root, StringComparison.Ordinal))
        {
            return null;
        }
        var slash = name.IndexOf('/', Root.Length);
        return slash < 0 ? null : name[Root.Length..slash];
    }
}
