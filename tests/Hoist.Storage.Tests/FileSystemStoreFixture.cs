namespace Hoist.Storage.Tests;

/// <summary>A FileSystemStore on a fresh temporary folder, deleted afterwards.</summary>
public sealed class FileSystemStoreFixture() : StoreFixture(new FileSystemTestStore("hoist-store-contract"));

/// <summary>An S3Store on the real S3 server, under a prefix of its own per run, emptied afterwards. These tests never skip.</summary>
public sealed class S3StoreFixture() : StoreFixture(new S3TestStore("store-contract"))
{
    public override bool Presigns => true;
}
