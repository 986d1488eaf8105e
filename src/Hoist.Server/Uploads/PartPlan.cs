using Hoist.Server.Storage;

namespace Hoist.Server.Uploads;

/// <summary>
/// How a file of a given size is cut into parts. The preferred size is kept unless the file would
/// need more than S3's 10,000 parts; then the part size grows, to a whole MiB, until it fits.
/// A file no larger than one part (0 bytes included) is a single part.
/// </summary>
public readonly record struct PartPlan(long FileSize, long PartSize, int PartCount)
{
    public static PartPlan For(long fileSize, long preferredPartSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fileSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fileSize, S3Limits.MaxObjectSize);
        var partSize = Math.Max(preferredPartSize, S3Limits.MinPartSize);
        if (Ceiling(fileSize, partSize) > S3Limits.MaxPartNumber)
        {
            partSize = Ceiling(Ceiling(fileSize, S3Limits.MaxPartNumber), UploadOptions.MiB) * UploadOptions.MiB;
        }
        var count = (int)Math.Max(1, Ceiling(fileSize, partSize));
        return new PartPlan(fileSize, partSize, count);
    }

    /// <summary>The exact size of a part: <see cref="PartSize"/>, or the remainder for the last one.</summary>
    public long SizeOf(int partNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partNumber, PartCount);
        return partNumber < PartCount ? PartSize : FileSize - ((long)(PartCount - 1) * PartSize);
    }

    public bool Contains(int partNumber) => partNumber >= 1 && partNumber <= PartCount;

    private static long Ceiling(long value, long divisor) => (value + divisor - 1) / divisor;
}
