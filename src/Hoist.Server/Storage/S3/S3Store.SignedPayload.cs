using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3.Model;

namespace Hoist.Server.Storage.S3;

/// <summary>
/// Parts whose SHA-256 the client declared are sent with it signed as the payload's hash, so the
/// store checks the bytes and this server hashes nothing (docs/store-contract.md#s3store). Only
/// where the store is seen to refuse a mismatching signed payload: a store that ignored it would
/// take altered bytes under the declared checksum.
/// </summary>
public sealed partial class S3Store
{
    private const int PayloadCheckUnknown = 0, PayloadChecked = 1, PayloadNotChecked = -1;

    /// <summary>Whether the store refuses a body that does not match its signed SHA-256: learned once, by <see cref="ProbePayloadCheckAsync"/>.</summary>
    private int _payloadCheck = PayloadCheckUnknown;

    /// <summary>The configured keys, else the SDK's default chain (resolved at first use, as the client does).</summary>
    private AWSCredentials? _signingCredentials;

    /// <summary>The part's URL signed with its SHA-256, or null when the store will not check it (the caller then hashes the bytes).</summary>
    private async Task<Uri?> SignPayloadAsync(string presigned, byte[] sha256, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _payloadCheck) == PayloadNotChecked || await CredentialsAsync() is not { } credentials)
        {
            return null;
        }
        if (Volatile.Read(ref _payloadCheck) == PayloadCheckUnknown && !await ProbePayloadCheckAsync(credentials, cancellationToken))
        {
            return null;
        }
        return S3PayloadSigner.SignPayload(presigned, sha256, credentials);
    }

    /// <summary>The credentials the SDK signs with (a mismatch only makes <see cref="S3PayloadSigner"/> decline).</summary>
    private async Task<ImmutableCredentials?> CredentialsAsync()
    {
        try
        {
            _signingCredentials ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(_s3.Config);
            return await _signingCredentials.GetCredentialsAsync();
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    /// <summary>
    /// PUTs 5 bytes under a signed SHA-256 of other bytes to a probe key under .hoist/: a store that
    /// checks refuses it (AWS S3, Ceph RGW: XAmzContentSHA256Mismatch). Only a clear answer is kept;
    /// after a failure the next part asks again.
    /// </summary>
    private async Task<bool> ProbePayloadCheckAsync(ImmutableCredentials credentials, CancellationToken cancellationToken)
    {
        var presign = new GetPreSignedUrlRequest { Key = ToS3Key($"{ObjectKey.ReservedSegment}/probe/{Guid.NewGuid():N}") };
        try
        {
            var url = await PresignPutAsync(presign, S3Target.Object, null, cancellationToken);
            if (S3PayloadSigner.SignPayload(url, SHA256.HashData([]), credentials) is not { } signed)
            {
                Volatile.Write(ref _payloadCheck, PayloadNotChecked);
                return false;
            }
            await SendPutAsync(presign, signed, new MemoryStream("hoist"u8.ToArray()), 5, SHA256.HashData([]), S3Target.Object, null, cancellationToken);
            // Taken: the store does not check the payload's hash. Hash every part here.
            Volatile.Write(ref _payloadCheck, PayloadNotChecked);
            await CallAsync(() => _s3.DeleteObjectAsync(_bucket, presign.Key, cancellationToken), S3Target.Object, null, cancellationToken);
            return false;
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.BadDigest)
        {
            Volatile.Write(ref _payloadCheck, PayloadChecked);
            return true;
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.Unavailable)
        {
            return false;
        }
        catch (Exception e) when (e is StoreException or AmazonServiceException)
        {
            // Any other answer (a refused signature, no access to .hoist/): hash here.
            Volatile.Write(ref _payloadCheck, PayloadNotChecked);
            return false;
        }
    }
}
