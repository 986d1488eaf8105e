namespace Hoist.Client;

/// <summary>
/// Bytes do not match: the server's checksum of a part or of the whole object differs from the one
/// computed here, or the local file is not the one an upload was started from.
/// </summary>
public sealed class HoistIntegrityException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What does not match.</param>
    public HoistIntegrityException(string message) : base(message)
    {
    }
}
