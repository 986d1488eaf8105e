namespace Hoist.Client.Transfers;

/// <summary>How the server cut the file: every part <see cref="PartSize"/> bytes but the last.</summary>
internal sealed record UploadPlan(string UploadId, long Size, long PartSize, int PartCount)
{
    public long OffsetOf(int partNumber) => (partNumber - 1) * PartSize;

    public long SizeOf(int partNumber) => partNumber < PartCount ? PartSize : Size - ((PartCount - 1) * PartSize);

    /// <summary>True when the server's plan cuts a file of this size the way S3 multipart requires.</summary>
    public bool IsConsistent =>
        PartCount >= 1 && PartSize > 0 && Size >= 0 && Size <= (long)PartCount * PartSize && (PartCount == 1 || Size > (PartCount - 1) * PartSize);
}
