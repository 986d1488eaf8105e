using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    // Named cases: control characters do not belong in test names or result files.
    private static readonly Dictionary<string, string> InvalidKeys = new()
    {
        ["parent segment first"] = "../escape.bin",
        ["parent segment inside"] = "a/../../escape.bin",
        ["parent segment only"] = "..",
        ["current segment"] = "a/./b.bin",
        ["absolute path"] = "/etc/passwd",
        ["drive path"] = "C:/Windows/win.ini",
        ["backslash"] = "a\\..\\b.bin",
        ["NUL"] = "a\0b.bin",
        ["newline"] = "a\nb.bin",
        ["control character"] = "a\u0001b.bin",
        ["DEL"] = "a\u007fb.bin",
        ["empty"] = "",
        ["empty segment"] = "a//b.bin",
        ["trailing slash"] = "a/",
        ["over 1024 bytes"] = new string('k', 1025),
    };

    public static TheoryData<string> InvalidKeyCases => new(InvalidKeys.Keys);

    [Theory]
    [MemberData(nameof(InvalidKeyCases))]
    public async Task Putting_an_invalid_key_is_refused_with_InvalidKey(string invalidKey)
    {
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => PutAsync(InvalidKeys[invalidKey], [1, 2, 3]));
    }

    [Theory]
    [MemberData(nameof(InvalidKeyCases))]
    public async Task Starting_an_upload_under_an_invalid_key_is_refused_with_InvalidKey(string invalidKey)
    {
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => CreateUploadAsync(InvalidKeys[invalidKey]));
    }

    [Theory]
    [MemberData(nameof(InvalidKeyCases))]
    public async Task Heading_an_invalid_key_is_refused_with_InvalidKey(string invalidKey)
    {
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => Store.HeadObjectAsync(InvalidKeys[invalidKey], Ct));
    }

    [Theory]
    [MemberData(nameof(InvalidKeyCases))]
    public async Task Getting_an_invalid_key_is_refused_with_InvalidKey(string invalidKey)
    {
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => Store.GetObjectAsync(InvalidKeys[invalidKey], null, Ct));
    }

    [Theory]
    [MemberData(nameof(InvalidKeyCases))]
    public async Task Deleting_an_invalid_key_is_refused_with_InvalidKey(string invalidKey)
    {
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => Store.DeleteObjectAsync(InvalidKeys[invalidKey], Ct));
    }

    [Theory]
    [InlineData("../")]
    [InlineData("/abs/")]
    [InlineData("a\\b")]
    [InlineData("a//")]
    public async Task Listing_under_an_invalid_prefix_is_refused_with_InvalidKey(string prefix)
    {
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => Store.ListObjectsAsync(prefix, null, 1000, Ct));
        await AssertStoreErrorAsync(StoreErrorCode.InvalidKey, () => ListUploadsAsync(prefix));
    }
}
