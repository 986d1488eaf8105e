namespace Hoist.Storage.Tests;

/// <summary>A FileSystemStore on a fresh temporary folder, deleted afterwards.</summary>
public sealed class FileSystemStoreFixture : StoreFixture
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hoist-store-contract-{Guid.NewGuid():N}");

    protected override IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Hoist:Storage:Provider"] = "FileSystem",
        ["Hoist:Storage:FileSystem:Root"] = _root,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
