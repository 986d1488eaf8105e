using System.Net;
using Hoist.Server.Storage;

namespace Hoist.Storage.Tests;

public abstract partial class StoreContract
{
    private static readonly HttpClient Anybody = new();

    [Fact]
    public void The_store_presigns_exactly_when_it_says_it_can()
    {
        Assert.Equal(Fixture.Presigns, Fixture.Capabilities.Presigning is not null);
    }

    [Fact]
    public async Task A_presigned_GET_reads_the_object_without_credentials_with_the_headers_asked_for()
    {
        if (Fixture.Capabilities.Presigning is not { } presigning)
        {
            return; // a store without the capability: checked above
        }
        var bytes = TestData.Bytes(seed: 700, 4000);
        var key = Key("shared/a b.bin");
        await PutAsync(key, bytes, "text/html");

        var url = await presigning.PresignGetAsync(key, DateTimeOffset.UtcNow.AddMinutes(5), "attachment; filename=\"x.bin\"", "application/octet-stream", Ct);
        using var whole = await Anybody.GetAsync(url, Ct);
        using var ranged = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new System.Net.Http.Headers.RangeHeaderValue(10, 19) } };
        using var part = await Anybody.SendAsync(ranged, Ct);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("attachment; filename=\"x.bin\"", whole.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("application/octet-stream", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[10..20], await part.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_presigned_GET_of_a_missing_object_answers_404_and_one_past_its_time_403()
    {
        if (Fixture.Capabilities.Presigning is not { } presigning)
        {
            return; // a store without the capability: checked above
        }
        var key = Key("shared/short.bin");
        await PutAsync(key, TestData.Bytes(seed: 701, 10));
        var missing = await presigning.PresignGetAsync(Key("shared/never.bin"), DateTimeOffset.UtcNow.AddMinutes(5), "attachment", "application/octet-stream", Ct);
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var brief = await presigning.PresignGetAsync(key, expiresAt, "attachment", "application/octet-stream", Ct);

        using var notFound = await Anybody.GetAsync(missing, Ct);
        await Task.Delay(expiresAt.AddSeconds(2) - DateTimeOffset.UtcNow, Ct);
        using var expired = await Anybody.GetAsync(brief, Ct);

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
    }

    [Fact]
    public async Task A_presigned_part_PUT_stores_the_part_and_one_signed_with_an_MD5_refuses_other_bytes()
    {
        if (Fixture.Capabilities.Presigning is not { } presigning)
        {
            return; // a store without the capability: checked above
        }
        var key = Key("presigned/parts.bin");
        var uploadId = await Store.CreateMultipartUploadAsync(key, "application/octet-stream", new Dictionary<string, string>(), null, Ct);
        var one = TestData.Bytes(seed: 702, 3000);
        var two = TestData.Bytes(seed: 703, 2000);
        var plain = await presigning.PresignUploadPartAsync(key, uploadId, 1, DateTimeOffset.UtcNow.AddMinutes(5), null, Ct);
        var withMd5 = await presigning.PresignUploadPartAsync(key, uploadId, 2, DateTimeOffset.UtcNow.AddMinutes(5), System.Security.Cryptography.MD5.HashData(two), Ct);

        using var first = await Anybody.PutAsync(plain, new ByteArrayContent(one), Ct);
        using var corrupted = await PutWithMd5Async(withMd5, [.. two.Reverse()], two);
        using var unsigned = await Anybody.PutAsync(withMd5, new ByteArrayContent(two), Ct);
        var afterRefusals = await Store.ListPartsAsync(key, uploadId, Ct).ToListAsync(Ct);
        using var second = await PutWithMd5Async(withMd5, two, two);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(TestData.Md5Hex(one), first.Headers.ETag?.Tag.Trim('"'));
        Assert.Equal(HttpStatusCode.BadRequest, corrupted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal([1], afterRefusals.Select(p => p.PartNumber));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var parts = await Store.ListPartsAsync(key, uploadId, Ct).ToListAsync(Ct);
        Assert.Equal([(1, 3000L, TestData.Md5Hex(one)), (2, 2000L, TestData.Md5Hex(two))], parts.Select(p => (p.PartNumber, p.Size, p.ETag)));
        await Store.AbortMultipartUploadAsync(key, uploadId, Ct);
    }

    private async Task<HttpResponseMessage> PutWithMd5Async(Uri url, byte[] body, byte[] md5Of)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentMD5 = System.Security.Cryptography.MD5.HashData(md5Of);
        return await Anybody.PutAsync(url, content, Ct);
    }
}
