namespace Hoist.Storage.Tests;

/// <summary>The store contract on the embedded FileSystemStore.</summary>
public sealed class FileSystemStoreContract(FileSystemStoreFixture fixture)
    : StoreContract(fixture), IClassFixture<FileSystemStoreFixture>;
