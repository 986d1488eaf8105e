namespace Hoist.Server.Tests.Support;

/// <summary>The embedded FileSystemStore on a fresh temporary folder, deleted afterwards.</summary>
public sealed class FileSystemFixture : StoreFixture
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hoist-server-tests-{Guid.NewGuid():N}");

    public override string StoreName => "FileSystem";

    public override IReadOnlyDictionary<string, string?> StoreSettings => new Dictionary<string, string?>
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
