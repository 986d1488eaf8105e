using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Hoist.Server.Errors;
using Hoist.Server.Keys;

namespace Hoist.Server.Uploads;

/// <summary>
/// Group ids: what lets the files of one folder upload share their key's {id} and date without the server
/// keeping anything (docs/api.md, "Groups"; docs/key-template.md). Every create answers the
/// <c>groupId</c> of the id and date it used; a later create of the same owner that sends it back gets
/// them again. The form is <c>id.yyyyMMdd.expires.signature</c>, the signature the base64url
/// HMAC-SHA256 of <c>"hoist-group/1\nowner\nid\nyyyyMMdd\nexpires"</c> under the upload-token key
/// (rotation included): a client cannot choose an id, move the date or the expiry, or use another owner's group.
/// </summary>
public sealed class UploadGroupSigner(UploadTokenSigner keys, TimeProvider time)
{
    private const int MaxLength = 256;
    private const string DateFormat = "yyyyMMdd";

    // Never starts with '{': no payload of a group can be taken for an upload token's JSON.
    private const string Purpose = "hoist-group/1";

    /// <summary>The group id that hands <paramref name="group"/> to <paramref name="owner"/>'s later creates until <paramref name="expiresAt"/>.</summary>
    public string Sign(string owner, KeyGroup group, DateTimeOffset expiresAt)
    {
        var expires = SignedUrlSigner.WholeSecondsAfterEpoch(expiresAt);
        var date = group.Date.ToString(DateFormat, CultureInfo.InvariantCulture);
        var signature = keys.SignatureOf(Payload(owner, group.Id, date, expires));
        return $"{group.Id}.{date}.{expires.ToString(CultureInfo.InvariantCulture)}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>
    /// The group a create names: <c>403 group_id_forged</c> when it is not one this server signed for
    /// this owner (altered, made up, another owner's, another key's), else <c>410 group_id_expired</c> once past.
    /// </summary>
    public KeyGroup Read(string groupId, string owner)
    {
        var fields = groupId.Length <= MaxLength ? groupId.Split('.') : [];
        if (fields is not [var id, var date, var expiresText, var signatureText]
            || !ObjectKeyTemplate.IsId(id)
            || !DateOnly.TryParseExact(date, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            || !long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !SignedUrlSigner.TryDecode(signatureText, out var signature)
            || !keys.IsSignedWithAKnownKey(Payload(owner, id, date, expires), signature))
        {
            // One answer for all: whether a group exists for someone else is nobody else's business.
            throw ApiErrors.GroupIdForged.With("It was altered, belongs to another owner, or was signed with another key: send the groupId a create of yours answered.");
        }
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (time.GetUtcNow() >= expiresAt)
        {
            throw ApiErrors.GroupIdExpired.With($"It expired at {expiresAt:O}; upload the folder again as a new group.");
        }
        return new KeyGroup(id, day);
    }

    private static byte[] Payload(string owner, string id, string date, long expires) =>
        Encoding.UTF8.GetBytes($"{Purpose}\n{owner}\n{id}\n{date}\n{expires.ToString(CultureInfo.InvariantCulture)}");
}
