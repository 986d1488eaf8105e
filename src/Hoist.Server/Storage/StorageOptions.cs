using System.ComponentModel.DataAnnotations;

namespace Hoist.Server.Storage;

public enum StorageProvider
{
    FileSystem,
    S3,
}

/// <summary>Hoist:Storage — which store holds the uploads, and how to reach it.</summary>
public sealed class StorageOptions
{
    public const string Section = "Hoist:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.FileSystem;

    public FileSystemStorageOptions FileSystem { get; set; } = new();

    public S3StorageOptions S3 { get; set; } = new();
}

public sealed class FileSystemStorageOptions
{
    [Required]
    public string Root { get; set; } = "./data";
}

public sealed class S3StorageOptions
{
    public string? Bucket { get; set; }

    /// <summary>An S3-compatible endpoint (Ceph RGW, MinIO, R2); absent for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public bool ForcePathStyle { get; set; }

    /// <summary>Prepended to every key, so Hoist can share a bucket ("uploads/").</summary>
    public string Prefix { get; set; } = "";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }
}
