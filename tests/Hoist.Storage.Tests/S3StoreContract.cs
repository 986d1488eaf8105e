namespace Hoist.Storage.Tests;

/// <summary>The store contract on S3Store against a real S3 server (Ceph RGW here).</summary>
public sealed class S3StoreContract(S3StoreFixture fixture)
    : StoreContract(fixture), IClassFixture<S3StoreFixture>;
