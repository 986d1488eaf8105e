namespace Hoist.Client;

/// <summary>
/// The upload is complete and its size is right, but its content could not be verified: the server
/// answered no whole-object checksum although the upload was created with <c>sha256</c> (an older
/// server, or a store that lost the part checksums), or the part plan needed to compute the local
/// checksum is not known. Not a mismatch (that is <see cref="HoistIntegrityException"/>): the bytes
/// may well be right, but nothing here proves it. <see cref="Result"/> holds what the server answered.
/// </summary>
public sealed class HoistVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be verified, and why.</param>
    /// <param name="result">The stored object as the server answered it (<see cref="UploadResult.ChecksumVerified"/> is false).</param>
    public HoistVerificationException(string message, UploadResult result) : base(message)
    {
        Result = result;
    }

    /// <summary>The stored object, unverified: the caller may still accept it, knowingly.</summary>
    public UploadResult Result { get; }
}
