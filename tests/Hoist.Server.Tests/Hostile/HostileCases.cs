using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hoist.Server.Tests.Security;
using Hoist.Server.Tests.Support;
using Hoist.Server.Uploads;

namespace Hoist.Server.Tests.Hostile;

/// <summary>
/// The table of hostile requests. Each row names what it sends and what it must get;
/// <see cref="HostileInputTests"/> runs every row on both stores and checks that the store is unchanged,
/// and CASES.md is generated from these rows.
/// </summary>
public static class HostileCases
{
    private const string AnotherKey = "another-servers-signing-key-0123456789abcdef";

    public static IReadOnlyList<HostileCase> All { get; } =
    [
        .. FileNames(),
        .. UploadIds(),
        .. UploadGroups(),
        .. AnotherOwner(),
        .. PartNumbers(),
        .. PartBodies(),
        .. SinglePuts(),
        .. CreateBodies(),
        .. Lifecycle(),
        .. DownloadKeys(),
        .. DeleteKeys(),
        .. ShareLinks(),
        .. Authentication(),
        .. S3Face(),
    ];

    public static IReadOnlyDictionary<string, HostileCase> ById { get; } = All.ToDictionary(c => c.Id, StringComparer.Ordinal);

    /// <summary>The ids of every <paramref name="of"/>-th row from row <paramref name="share"/>: a test class's share of the table.</summary>
    public static TheoryData<string> Share(int share, int of) => [.. All.Where((_, i) => i % of == share).Select(c => c.Id)];

    private static IEnumerable<HostileCase> FileNames()
    {
        const string group = "file name";
        yield return Named("Unix traversal `../../etc/passwd`", "../../etc/passwd", "etc/passwd");
        yield return Named("Windows traversal `..\\..\\x`", "..\\..\\x", "x");
        yield return Named("mixed separators `a/b\\c/../d.txt`", "a/b\\c/../d.txt", "a/b/c/d.txt");
        yield return Named("absolute `/etc/passwd`", "/etc/passwd", "etc/passwd");
        yield return Named("drive path `C:\\Windows\\x`", "C:\\Windows\\x", "Windows/x");
        yield return Named("UNC path `\\\\server\\share\\x.txt`", "\\\\server\\share\\x.txt", "server/share/x.txt");
        yield return Named("trailing slash `dir/`", "dir/", "dir");
        yield return Named("percent-encoded traversal", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd");
        yield return Named("division-slash lookalikes `..∕..∕x`", "..\u2215..\u2215x", "\u2215..\u2215x");
        yield return Named("NUL inside", "a\0b.txt", "ab.txt");
        yield return Named("control characters", "a\u0001\u001f\u007fb\t.txt", "ab.txt");
        yield return Named("CR LF header injection", "a\r\nSet-Cookie: x=1.txt", "aSet-Cookie_ x=1.txt");
        yield return Named("right-to-left override U+202E", "evil\u202Etxt.exe", "eviltxt.exe");
        yield return Named("zero-width and BOM characters", "\uFEFFa\u200Bb\u200D.txt", "ab.txt");
        yield return Named("Windows-forbidden characters", "a<b>c:d|e?f*g\"h.txt", "a_b_c_d_e_f_g_h.txt");
        yield return Named("10 KB of UTF-8 (3,414 × 文 + .txt)", string.Concat(Enumerable.Repeat("文", 3414)) + ".txt", string.Concat(Enumerable.Repeat("文", 65)) + ".txt");
        yield return Named("only a dot `.`", ".", "file");
        yield return Named("only dots `...`", "...", "file");
        yield return Named("only dot segments `../..`", "../..", "file");
        yield return Named("the store's folder `.hoist`", ".hoist", "hoist");
        yield return Named("Windows reserved `CON`", "CON", "_CON");
        yield return Named("Windows reserved `nul.txt`", "nul.txt", "_nul.txt");
        yield return Named("Windows reserved `LPT9.tar.gz`", "LPT9.tar.gz", "_LPT9.tar.gz");
        yield return Named("emoji `📦 parcel 🎉.bin`", "📦 parcel 🎉.bin", "📦 parcel 🎉.bin");
        yield return Named("a folder that climbs `../x`", "../x", "x");
        yield return Named("a folder that climbs `a/../../b`", "a/../../b", "a/b");
        yield return Named("a folder of dot segments `./a/./.../b`", "./a/./.../b", "a/b");
        yield return Named("the store's folder as a folder `.hoist/records/x`", ".hoist/records/x", "hoist/records/x");
        yield return Named("a folder of backslashes and empty segments `a\\\\b\\/c`", "a\\\\b\\/c", "a/b/c");
        yield return new(group, "a folder over 512 bytes once cleaned", Setup.None, 400, "invalid_file_name", c => Create(c, string.Concat(Enumerable.Repeat("folder-of-forty-characters-0123456789ab/", 13)) + "x.txt"));
        yield return new(group, "empty", Setup.None, 400, "invalid_file_name", c => Create(c, ""));
        yield return new(group, "only spaces", Setup.None, 400, "invalid_file_name", c => Create(c, "   "));
        yield return new(group, "10 KB of ASCII (10,240 characters)", Setup.None, 400, "invalid_file_name", c => Create(c, new string('a', 10_236) + ".txt"));
        yield return new(group, "missing", Setup.None, 400, "invalid_file_name", c => CreateJson(c, "{\"size\": 1}"));
    }

    private static IEnumerable<HostileCase> UploadIds()
    {
        const string group = "upload id";
        yield return new(group, "a payload character changed", Setup.Open, 403, "upload_id_forged", c => ListParts(c, Flip(c.UploadId, c.UploadId.IndexOf('.', StringComparison.Ordinal) / 2)));
        yield return new(group, "a signature character changed", Setup.Open, 403, "upload_id_forged", c =>
        {
            var dot = c.UploadId.IndexOf('.', StringComparison.Ordinal);
            return ListParts(c, Flip(c.UploadId, dot + ((c.UploadId.Length - dot) / 2)));
        });
        yield return new(group, "re-signed with another key", Setup.Open, 403, "upload_id_forged", c => ListParts(c, Sign(Decode(c.UploadId), AnotherKey)));
        yield return new(group, "re-signed with another key, owner changed to Bob", Setup.Open, 403, "upload_id_forged", c => SendAs(c.Bob, "list", Sign(Decode(c.UploadId) with { Owner = "bob" }, AnotherKey), c));
        yield return new(group, "truncated by 10 characters", Setup.Open, 400, "upload_id_malformed", c => ListParts(c, c.UploadId[..^10]));
        yield return new(group, "signature cut off (`payload.`)", Setup.Open, 400, "upload_id_malformed", c => ListParts(c, c.UploadId[..(c.UploadId.IndexOf('.', StringComparison.Ordinal) + 1)]));
        yield return new(group, "payload alone", Setup.Open, 400, "upload_id_malformed", c => ListParts(c, c.UploadId[..c.UploadId.IndexOf('.', StringComparison.Ordinal)]));
        yield return new(group, "expired (signed with the server's key)", Setup.Open, 410, "upload_expired", c => ListParts(c, Sign(Decode(c.UploadId) with { ExpiresAtUnix = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds() })));
        yield return new(group, "unknown version (signed with the server's key)", Setup.Open, 400, "upload_id_unsupported", c => ListParts(c, Sign(Decode(c.UploadId) with { Version = 2 })));
        yield return new(group, "signed payload that is not JSON", Setup.None, 400, "upload_id_malformed", c => ListParts(c, SignRaw("not json"u8.ToArray())));
        yield return new(group, "signed JSON of the wrong types", Setup.None, 400, "upload_id_malformed", c => ListParts(c, SignRaw("{\"v\":1,\"s\":\"huge\",\"o\":[]}"u8.ToArray())));
        yield return new(group, "JWT-shaped with alg none", Setup.None, 400, "upload_id_malformed", c => ListParts(c, "eyJhbGciOiJub25lIn0.eyJvIjoiYWxpY2UifQ."));
        yield return new(group, "4,097 characters", Setup.None, 400, "upload_id_malformed", c => ListParts(c, new string('A', 2000) + "." + new string('B', 2096)));
        yield return new(group, "empty payload `.x`", Setup.None, 400, "upload_id_malformed", c => ListParts(c, ".x"));
        yield return new(group, "encoded traversal `..%2F..%2Fetc`", Setup.None, 400, "upload_id_malformed", c => ListParts(c, "..%2F..%2Fetc"));
        yield return new(group, "NULs around a dot `%00.%00`", Setup.None, 400, null, c => ListParts(c, "%00.%00")) { Answer = "400 (Kestrel refuses a NUL in the path; no ProblemDetails)" };
    }

    private static IEnumerable<HostileCase> UploadGroups()
    {
        // A create naming the setup's group (Alice's "setup.bin", key alice/…/<id>/setup.bin) with a group id made or changed here.
        const string group = "upload group";
        var hour = TimeSpan.FromHours(1);
        yield return new(group, "a signature character changed", Setup.Open, 403, "group_id_forged", c => CreateInGroup(c, c.Alice, "x.txt", FlipLast(c.Upload!.GroupId!)));
        yield return new(group, "the id changed by one character", Setup.Open, 403, "group_id_forged", c =>
        {
            var fields = c.Upload!.GroupId!.Split('.');
            fields[0] = fields[0][..^1] + (fields[0][^1] == '0' ? "1" : "0");
            return CreateInGroup(c, c.Alice, "x.txt", string.Join('.', fields));
        });
        yield return new(group, "the date moved a day", Setup.Open, 403, "group_id_forged", c =>
        {
            var fields = c.Upload!.GroupId!.Split('.');
            fields[1] = DateOnly.ParseExact(fields[1], "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            return CreateInGroup(c, c.Alice, "x.txt", string.Join('.', fields));
        });
        yield return new(group, "signed with another key", Setup.Open, 403, "group_id_forged", c => CreateInGroup(c, c.Alice, "x.txt", SignGroup("alice", c.Upload!, hour, AnotherKey)));
        yield return new(group, "Bob uses Alice's group id", Setup.Open, 403, "group_id_forged", c => CreateInGroup(c, c.Bob, "x.txt", c.Upload!.GroupId!));
        yield return new(group, "Alice's group id re-signed for Bob (server's key) sent by Alice", Setup.Open, 403, "group_id_forged", c => CreateInGroup(c, c.Alice, "x.txt", SignGroup("bob", c.Upload!, hour)));
        yield return new(group, "expired (signed with the server's key)", Setup.Open, 410, "group_id_expired", c => CreateInGroup(c, c.Alice, "x.txt", SignGroup("alice", c.Upload!, -TimeSpan.FromMinutes(1))));
        yield return new(group, "not a group id (an upload id)", Setup.Open, 403, "group_id_forged", c => CreateInGroup(c, c.Alice, "x.txt", c.UploadId));
        yield return new(group, "4,097 characters", Setup.Open, 403, "group_id_forged", c => CreateInGroup(c, c.Alice, "x.txt", new string('a', 4097)));
        yield return new(group, "the open upload's path again", Setup.Open, 409, "key_taken", c => CreateInGroup(c, c.Alice, "setup.bin", c.Upload!.GroupId!));
        yield return new(group, "the stored file's path again", Setup.Completed, 409, "key_taken", c => CreateInGroup(c, c.Alice, "setup.bin", c.Upload!.GroupId!));
        yield return new(group, "the stored file's path through `../`", Setup.Completed, 409, "key_taken", c => CreateInGroup(c, c.Alice, "../setup.bin", c.Upload!.GroupId!));
    }

    private static IEnumerable<HostileCase> AnotherOwner()
    {
        const string group = "another owner";
        yield return new(group, "Bob lists the parts of Alice's upload", Setup.OpenWithPart, 404, "upload_not_found", c => SendAs(c.Bob, "list", c.UploadId, c));
        yield return new(group, "Bob sends a part to Alice's upload", Setup.OpenWithPart, 404, "upload_not_found", c => SendAs(c.Bob, "put", c.UploadId, c));
        yield return new(group, "Bob completes Alice's ready upload", Setup.Ready, 404, "upload_not_found", c => SendAs(c.Bob, "complete", c.UploadId, c));
        yield return new(group, "Bob aborts Alice's upload", Setup.OpenWithPart, 404, "upload_not_found", c => SendAs(c.Bob, "abort", c.UploadId, c));
        yield return new(group, "Bob uses Alice's expired id", Setup.Open, 404, "upload_not_found", c => SendAs(c.Bob, "list", Sign(Decode(c.UploadId) with { ExpiresAtUnix = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds() }), c));
        yield return new(group, "Bob downloads Alice's file", Setup.Completed, 404, "file_not_found", async c => await c.Bob.DownloadAsync(c.Completed!.Key, cancellationToken: c.Ct));
        yield return new(group, "Bob asks for Alice's file with HEAD", Setup.Completed, 404, null, async c => await c.Bob.DownloadAsync(c.Completed!.Key, method: HttpMethod.Head, cancellationToken: c.Ct)) { Answer = "404 (HEAD: no body)" };
        yield return new(group, "Bob downloads through `bob/../alice/…`", Setup.Completed, 404, "file_not_found", c => Raw(c, "GET", "/api/files/bob/../" + c.Completed!.Key, HostileContext.BobAuthorization));
        yield return new(group, "Bob downloads through `bob%2F..%2Falice…`", Setup.Completed, 404, "file_not_found", c => Raw(c, "GET", "/api/files/bob%2F..%2F" + c.Completed!.Key.Replace("/", "%2F", StringComparison.Ordinal), HostileContext.BobAuthorization));
        yield return new(group, "Bob deletes Alice's file", Setup.Completed, 404, "file_not_found", async c => await c.Bob.DeleteFileAsync(c.Completed!.Key, c.Ct));
        yield return new(group, "Bob deletes through `bob/../alice/…`", Setup.Completed, 404, "file_not_found", c => Raw(c, "DELETE", "/api/files/bob/../" + c.Completed!.Key, HostileContext.BobAuthorization));
        yield return new(group, "Bob deletes through `bob%2F..%2Falice…`", Setup.Completed, 404, "file_not_found", c => Raw(c, "DELETE", "/api/files/bob%2F..%2F" + c.Completed!.Key.Replace("/", "%2F", StringComparison.Ordinal), HostileContext.BobAuthorization));
        yield return new(group, "a JWT whose sub is `{fileName}` uploads a file named `bob`", Setup.None, 201, null, async c =>
        {
            using var mallory = c.Server.JwtApp.CreateApi(Jwts.Create("{fileName}"));
            return await mallory.CreateRawAsync(new { fileName = "bob", size = 1 }, c.Ct);
        })
        {
            Answer = "201, key `~<hash of the sub>/…/bob`, not `bob/…` (then aborted)",
            Then = async (c, response) =>
            {
                var upload = await HoistApi.ReadAsync<CreatedUpload>(response, HttpStatusCode.Created, c.Ct);
                Assert.Matches("^~[0-9a-f]{32}/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-z]{12}/bob$", upload.Key);
                using var mallory = c.Server.JwtApp.CreateApi(Jwts.Create("{fileName}"));
                using var aborted = await mallory.AbortRawAsync(upload.UploadId, c.Ct);
                Assert.Equal(HttpStatusCode.NoContent, aborted.StatusCode);
            },
        };
        yield return new(group, "Bob lists with `prefix=alice/`", Setup.Completed, 200, null, async c => await c.Bob.Http.GetAsync(new Uri("/api/files?prefix=alice%2F", UriKind.Relative), c.Ct))
        {
            Answer = "200, no files",
            Then = async (c, response) => Assert.Empty((await HoistApi.ReadAsync<FilesAnswer>(response, HttpStatusCode.OK, c.Ct)).Files),
        };
    }

    private static IEnumerable<HostileCase> PartNumbers()
    {
        const string group = "part number";
        foreach (var (name, number) in new[]
        {
            ("0", "0"), ("-1", "-1"), ("10001", "10001"), ("partCount + 1", "2"), ("99999999999", "99999999999"),
            ("non-numeric `abc`", "abc"), ("fraction `1.0`", "1.0"), ("exponent `1e3`", "1e3"), ("signed `+1`", "+1"),
            ("hex `0x1`", "0x1"), ("leading space `%201`", "%201"),
        })
        {
            yield return new(group, name, Setup.Open, 400, "invalid_part_number", c => Put(c, number, c.File));
        }
    }

    private static IEnumerable<HostileCase> PartBodies()
    {
        const string group = "part body";
        yield return new(group, "larger than planned (11 of 10 bytes)", Setup.Open, 400, "part_size_mismatch", c => Put(c, "1", new byte[11]));
        yield return new(group, "smaller than planned (9 of 10 bytes)", Setup.Open, 400, "part_size_mismatch", c => Put(c, "1", new byte[9]));
        yield return new(group, "empty (0 of 10 bytes)", Setup.Open, 400, "part_size_mismatch", c => Put(c, "1", []));
        yield return new(group, "Content-Length of 5 GiB + 1 declared, no body sent", Setup.Open, 400, "part_size_mismatch", c =>
            Raw(c, "PUT", PartPath(c, 1), HostileContext.AliceAuthorization, "Content-Type: application/octet-stream", "Content-Length: 5368709121"));
        yield return new(group, "chunked (no Content-Length)", Setup.Open, 411, "length_required", async c => await c.Alice.PutPartRawAsync(c.UploadId, "1", new ChunkedContent(c.File), c.Ct));
        yield return new(group, "missing Content-Length, no body", Setup.Open, 411, "length_required", c => Raw(c, "PUT", PartPath(c, 1), HostileContext.AliceAuthorization));
        yield return new(group, "Content-Length and chunked together", Setup.Open, 411, "length_required", c =>
            Raw(c, "PUT", PartPath(c, 1), [HostileContext.AliceAuthorization, "Content-Length: 10", "Transfer-Encoding: chunked"], [.. "a\r\n"u8, .. c.File, .. "\r\n0\r\n\r\n"u8]));
        yield return new(group, "negative Content-Length", Setup.Open, 400, null, c => Raw(c, "PUT", PartPath(c, 1), HostileContext.AliceAuthorization, "Content-Length: -1"))
        {
            Answer = "400 (Kestrel refuses the header; no ProblemDetails)",
        };
        yield return new(group, "Content-Length not a number", Setup.Open, 400, null, c => Raw(c, "PUT", PartPath(c, 1), HostileContext.AliceAuthorization, "Content-Length: ten"))
        {
            Answer = "400 (Kestrel refuses the header; no ProblemDetails)",
        };
        yield return new(group, "client disconnects after half the body", Setup.Open, null, null, c =>
            RawHttp.SendAsync(c.Server.Address, "PUT", PartPath(c, 1), [HostileContext.AliceAuthorization, "Content-Length: 10"], c.File, c.Ct, sendBytes: 5, disconnect: true));
        yield return new(group, "client disconnects halfway through a 5 MiB part sent again (the stored copy stays)", Setup.OpenWithPart, null, null, c =>
            RawHttp.SendAsync(c.Server.Address, "PUT", PartPath(c, 1), [HostileContext.AliceAuthorization, $"Content-Length: {TestData.PartSize}"], TestData.Bytes(seed: 702, TestData.PartSize), c.Ct, sendBytes: TestData.PartSize / 2, disconnect: true));
        yield return new(group, "wrong SHA-256", Setup.Open, 400, "checksum_mismatch", c => Put(c, "1", c.File, TestData.Sha256Base64(new byte[10])));
        yield return new(group, "wrong SHA-256 on a part sent again (the stored copy stays)", Setup.OpenWithPart, 400, "checksum_mismatch", c =>
            Put(c, "1", TestData.Bytes(seed: 703, TestData.PartSize), TestData.Sha256Base64(c.File.AsSpan(0, TestData.PartSize))));
        yield return new(group, "checksum header not base64", Setup.Open, 400, "invalid_checksum", c => Put(c, "1", c.File, "not base64!"));
        yield return new(group, "checksum header of 16 bytes (an MD5)", Setup.Open, 400, "invalid_checksum", c => Put(c, "1", c.File, Convert.ToBase64String(MD5.HashData(c.File))));
        yield return new(group, "checksum header in base64url", Setup.Open, 400, "invalid_checksum", c => Put(c, "1", c.File, "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU="));
    }

    private static IEnumerable<HostileCase> SinglePuts()
    {
        const string group = "one-part file in one PUT";
        yield return new(group, "wrong SHA-256", Setup.SinglePutOpen, 400, "checksum_mismatch", c => Put(c, "1", c.File, TestData.Sha256Base64(new byte[10])));
        yield return new(group, "no checksum header", Setup.SinglePutOpen, 400, "checksum_required", c => Put(c, "1", c.File));
        yield return new(group, "part 2", Setup.SinglePutOpen, 400, "invalid_part_number", c => Put(c, "2", c.File, TestData.Sha256Base64(c.File)));
        yield return new(group, "client disconnects after half the body", Setup.SinglePutOpen, null, null, c =>
            RawHttp.SendAsync(c.Server.Address, "PUT", PartPath(c, 1), [HostileContext.AliceAuthorization, "Content-Length: 10", $"x-hoist-checksum-sha256: {TestData.Sha256Base64(c.File)}"], c.File, c.Ct, sendBytes: 5, disconnect: true));
        yield return new(group, "Bob sends the part of Alice's upload", Setup.SinglePutOpen, 404, "upload_not_found", async c =>
            await c.Bob.PutPartRawAsync(c.UploadId, "1", HoistApi.Part(c.File, TestData.Sha256Base64(c.File)), c.Ct));
        yield return new(group, "its id with the one-PUT flag removed, signature kept", Setup.SinglePutOpen, 403, "upload_id_forged", async c =>
        {
            var signature = c.UploadId[(c.UploadId.IndexOf('.', StringComparison.Ordinal) + 1)..];
            var altered = $"{Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(Decode(c.UploadId) with { SinglePut = false }))}.{signature}";
            return await c.Alice.ListPartsRawAsync(altered, c.Ct);
        });
        yield return new(group, "complete before the part", Setup.SinglePutOpen, 409, "incomplete_upload", async c => await c.Alice.CompleteRawAsync(c.UploadId, c.Ct));
    }

    private static IEnumerable<HostileCase> CreateBodies()
    {
        const string group = "create body";
        yield return new(group, "not JSON", Setup.None, 400, "malformed_json", c => CreateJson(c, "hello"));
        yield return new(group, "truncated JSON", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": "));
        yield return new(group, "empty body", Setup.None, 400, "malformed_json", c => CreateJson(c, ""));
        yield return new(group, "JSON null", Setup.None, 400, "malformed_json", c => CreateJson(c, "null"));
        yield return new(group, "JSON array", Setup.None, 400, "malformed_json", c => CreateJson(c, "[{\"fileName\": \"a.txt\", \"size\": 1}]"));
        yield return new(group, "nested 10,000 deep", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": " + new string('[', 10_000)));
        yield return new(group, "invalid UTF-8", Setup.None, 400, "malformed_json", async c =>
            await c.Alice.CreateRawAsync(Json([.. "{\"fileName\": \"a"u8, 0xFF, 0xFE, .. ".txt\", \"size\": 1}"u8]), c.Ct));
        yield return new(group, "a lone surrogate in fileName", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": \"a\\ud800.txt\", \"size\": 1}"));
        yield return new(group, "100 KiB, with Content-Length", Setup.None, 413, "body_too_large", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": 1" + new string(' ', 100 * 1024) + "}"));
        yield return new(group, "100 KiB, chunked", Setup.None, 413, "body_too_large", async c =>
            await c.Alice.CreateRawAsync(Chunked("{\"fileName\": \"a.txt\", \"size\": 1" + new string(' ', 100 * 1024) + "}"), c.Ct));
        yield return new(group, "size as a string `\"10\"`", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": \"10\"}"));
        yield return new(group, "size as a word", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": \"ten\"}"));
        yield return new(group, "size as a fraction `10.5`", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": 10.5}"));
        yield return new(group, "size `1e30`", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": 1e30}"));
        yield return new(group, "size 2^64 (past a long)", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": 18446744073709551616}"));
        yield return new(group, "size `true`", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": true}"));
        yield return new(group, "fileName as a number", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": 12, \"size\": 1}"));
        yield return new(group, "fileName as an object", Setup.None, 400, "malformed_json", c => CreateJson(c, "{\"fileName\": {\"name\": \"a\"}, \"size\": 1}"));
        yield return new(group, "size -1", Setup.None, 400, "invalid_size", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": -1}"));
        yield return new(group, "size missing", Setup.None, 400, "invalid_size", c => CreateJson(c, "{\"fileName\": \"a.txt\"}"));
        yield return new(group, "size null", Setup.None, 400, "invalid_size", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": null}"));
        yield return new(group, "size 2^63 - 1", Setup.None, 413, "file_too_large", c => CreateJson(c, $"{{\"fileName\": \"a.txt\", \"size\": {long.MaxValue}}}"));
        yield return new(group, "size 5 TiB + 1", Setup.None, 413, "file_too_large", c => CreateJson(c, $"{{\"fileName\": \"a.txt\", \"size\": {(5L << 40) + 1}}}"));
        yield return new(group, "contentType with a header injection", Setup.None, 400, "invalid_content_type", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": 1, \"contentType\": \"text/plain\\r\\nX-Injected: 1\"}"));
        yield return new(group, "checksumAlgorithm `md5`", Setup.None, 400, "unsupported_checksum_algorithm", c => CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": 1, \"checksumAlgorithm\": \"md5\"}"));
        yield return new(group, "extra fields naming Bob, a key and a part size", Setup.None, 201, null, c =>
            CreateJson(c, "{\"fileName\": \"a.txt\", \"size\": 1, \"owner\": \"bob\", \"key\": \"bob/x/a.txt\", \"partSize\": 1, \"o\": \"bob\", \"k\": \"bob/x\"}"))
        {
            Answer = "201, key `alice/…/a.txt`, the server's part size (then aborted)",
            Then = async (c, response) =>
            {
                var upload = await AcceptedAsync(c, response, "a.txt");
                Assert.Equal(TestData.PartSize, upload.PartSize);
            },
        };
    }

    private static IEnumerable<HostileCase> Lifecycle()
    {
        const string group = "lifecycle";
        yield return new(group, "complete twice", Setup.Completed, 200, null, async c => await c.Alice.CompleteRawAsync(c.UploadId, c.Ct))
        {
            Answer = "200, the same key, size and ETag",
            Then = async (c, response) =>
            {
                var again = await HoistApi.ReadAsync<CompletedUpload>(response, HttpStatusCode.OK, c.Ct);
                Assert.Equal((c.Completed!.Key, c.Completed.Size, c.Completed.ETag), (again.Key, again.Size, again.ETag));
            },
        };
        yield return new(group, "two completes at once", Setup.Ready, 200, null, async c =>
        {
            var answers = await Task.WhenAll(c.Alice.CompleteRawAsync(c.UploadId, c.Ct), c.Alice.CompleteRawAsync(c.UploadId, c.Ct));
            var completed = new List<CompletedUpload>();
            foreach (var answer in answers)
            {
                completed.Add(await HoistApi.ReadAsync<CompletedUpload>(answer, HttpStatusCode.OK, c.Ct));
            }
            Assert.All(completed, done => Assert.Equal((c.Upload!.Key, (long)c.File.Length, c.Server.StoreFixture.TestStore.MultipartETag(c.File, TestData.PartSize)), (done.Key, done.Size, done.ETag)));
            answers[1].Dispose();
            return answers[0];
        })
        {
            Answer = "200 twice, the same ETag; one whole object",
            Effect = StoreEffect.OneObject,
        };
        yield return new(group, "complete with a part missing", Setup.OpenWithPart, 409, "incomplete_upload", async c => await c.Alice.CompleteRawAsync(c.UploadId, c.Ct));
        yield return new(group, "complete with nothing sent", Setup.Open, 409, "incomplete_upload", async c => await c.Alice.CompleteRawAsync(c.UploadId, c.Ct));
        yield return new(group, "complete after abort", Setup.Aborted, 404, "upload_not_found", async c => await c.Alice.CompleteRawAsync(c.UploadId, c.Ct));
        yield return new(group, "abort twice", Setup.Aborted, 404, "upload_not_found", async c => await c.Alice.AbortRawAsync(c.UploadId, c.Ct));
        yield return new(group, "part after abort", Setup.Aborted, 404, "upload_not_found", c => Put(c, "1", c.File));
        yield return new(group, "list parts after abort", Setup.Aborted, 404, "upload_not_found", c => ListParts(c, c.UploadId));
        yield return new(group, "part after complete", Setup.Completed, 409, "upload_completed", c => Put(c, "1", c.File));
        yield return new(group, "list parts after complete", Setup.Completed, 409, "upload_completed", c => ListParts(c, c.UploadId));
        yield return new(group, "abort after complete (the file stays)", Setup.Completed, 409, "upload_completed", async c => await c.Alice.AbortRawAsync(c.UploadId, c.Ct));
    }

    private static IEnumerable<HostileCase> DownloadKeys()
    {
        const string group = "download key";
        yield return new(group, "`alice/../../../etc/passwd` (dot segments resolved before routing)", Setup.None, 404, "not_found", c => Raw(c, "GET", "/api/files/alice/../../../etc/passwd", HostileContext.AliceAuthorization));
        yield return new(group, "`alice/%2E%2E/%2E%2E/%2E%2E/etc/passwd`", Setup.None, 404, "not_found", c => Raw(c, "GET", "/api/files/alice/%2E%2E/%2E%2E/%2E%2E/etc/passwd", HostileContext.AliceAuthorization));
        yield return new(group, "`alice/..%2F..%2Fbob/x` (encoded slashes stay in the key)", Setup.None, 404, "file_not_found", c => Raw(c, "GET", "/api/files/alice/..%2F..%2Fbob/x", HostileContext.AliceAuthorization));
        yield return new(group, "`alice\\..\\bob\\x` (backslashes)", Setup.None, 404, "file_not_found", c => Raw(c, "GET", "/api/files/alice%5C..%5Cbob%5Cx", HostileContext.AliceAuthorization));
        yield return new(group, "a NUL in the key `alice/x%00y`", Setup.None, 400, null, c => Raw(c, "GET", "/api/files/alice/x%00y", HostileContext.AliceAuthorization))
        {
            Answer = "400 (Kestrel refuses a NUL in the path; no ProblemDetails)",
        };
        yield return new(group, "the store's own folder `.hoist/…`", Setup.None, 404, "file_not_found", c => Raw(c, "GET", "/api/files/.hoist/signing-key", HostileContext.AliceAuthorization));
        yield return new(group, "an empty segment `alice//x`", Setup.None, 404, "file_not_found", c => Raw(c, "GET", "/api/files/alice//x", HostileContext.AliceAuthorization));
        yield return new(group, "a range past the end of the file", Setup.Completed, 416, "range_not_satisfiable", async c => await c.Alice.DownloadAsync(c.Completed!.Key, range: "bytes=100-", cancellationToken: c.Ct));
    }

    private static IEnumerable<HostileCase> DeleteKeys()
    {
        const string group = "delete key";
        yield return new(group, "a file that does not exist", Setup.None, 404, "file_not_found", c => Raw(c, "DELETE", "/api/files/alice/no-such-file.bin", HostileContext.AliceAuthorization));
        yield return new(group, "`alice/../../../etc/passwd` (dot segments resolved before routing)", Setup.None, 404, "not_found", c => Raw(c, "DELETE", "/api/files/alice/../../../etc/passwd", HostileContext.AliceAuthorization));
        yield return new(group, "`alice/..%2F..%2Fbob/x` (encoded slashes stay in the key)", Setup.None, 404, "file_not_found", c => Raw(c, "DELETE", "/api/files/alice/..%2F..%2Fbob/x", HostileContext.AliceAuthorization));
        yield return new(group, "the store's own folder `.hoist/…`", Setup.None, 404, "file_not_found", c => Raw(c, "DELETE", "/api/files/.hoist/signing-key", HostileContext.AliceAuthorization));
        yield return new(group, "an empty segment `alice//x`", Setup.None, 404, "file_not_found", c => Raw(c, "DELETE", "/api/files/alice//x", HostileContext.AliceAuthorization));
    }

    private static IEnumerable<HostileCase> ShareLinks()
    {
        const string group = "share link";
        var hour = TimeSpan.FromHours(1);
        yield return new(group, "Bob asks for a link to Alice's file", Setup.Completed, 404, "file_not_found", async c => await c.Bob.CreateLinkRawAsync(c.Completed!.Key, new { expiresIn = 60 }, c.Ct));
        yield return new(group, "Bob asks through `bob/../alice/…/links`", Setup.Completed, 404, "file_not_found", c => Raw(c, "POST", "/api/files/bob/../" + c.Completed!.Key + "/links", HostileContext.BobAuthorization));
        yield return new(group, "a link to the store's own folder `.hoist/…`", Setup.None, 404, "file_not_found", c => Raw(c, "POST", "/api/files/.hoist/signing-key/links", HostileContext.AliceAuthorization));
        yield return new(group, "no credentials", Setup.Completed, 401, "unauthorized", async c => await c.Nobody.CreateLinkRawAsync(c.Completed!.Key, null, c.Ct));
        yield return new(group, "`expiresIn` 0", Setup.Completed, 400, "invalid_expires_in", async c => await c.Alice.CreateLinkRawAsync(c.Completed!.Key, new { expiresIn = 0 }, c.Ct));
        yield return new(group, "`expiresIn` over 7 days", Setup.Completed, 400, "invalid_expires_in", async c => await c.Alice.CreateLinkRawAsync(c.Completed!.Key, new { expiresIn = 604_801 }, c.Ct));
        yield return new(group, "`expiresIn` as a string", Setup.Completed, 400, "malformed_json", async c => await c.Alice.CreateLinkRawAsync(c.Completed!.Key, new { expiresIn = "3600" }, c.Ct));
        yield return new(group, "a signature character changed", Setup.Completed, 403, "link_forged", c => Shared(c, c.Completed!.Key, FlipLast(SignLink(c.Completed!.Key, hour))));
        yield return new(group, "signed with another key", Setup.Completed, 403, "link_forged", c => Shared(c, c.Completed!.Key, SignLink(c.Completed!.Key, hour, AnotherKey)));
        yield return new(group, "`expires` moved a day later", Setup.Completed, 403, "link_forged", c =>
        {
            var query = SignLink(c.Completed!.Key, hour);
            var expires = long.Parse(query[(query.IndexOf('=', StringComparison.Ordinal) + 1)..query.IndexOf('&', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            return Shared(c, c.Completed!.Key, query.Replace($"expires={expires}", $"expires={expires + 86_400}", StringComparison.Ordinal));
        });
        yield return new(group, "Alice's link pointed at Bob's key", Setup.Completed, 403, "link_forged", c => Shared(c, "bob/2026/01/01/abcdefghijkl/x.bin", SignLink(c.Completed!.Key, hour)));
        yield return new(group, "no signature", Setup.Completed, 403, "link_forged", c => Shared(c, c.Completed!.Key, SignLink(c.Completed!.Key, hour).Split('&')[0]));
        yield return new(group, "expired (signed with the server's key)", Setup.Completed, 410, "link_expired", c => Shared(c, c.Completed!.Key, SignLink(c.Completed!.Key, -TimeSpan.FromMinutes(1))));
        yield return new(group, "genuine, for a file that does not exist", Setup.None, 404, "file_not_found", c => Shared(c, "alice/2026/01/01/abcdefghijkl/gone.bin", SignLink("alice/2026/01/01/abcdefghijkl/gone.bin", hour)));
    }

    private static IEnumerable<HostileCase> Authentication()
    {
        const string group = "authentication";
        yield return new(group, "no Authorization header", Setup.None, 401, "unauthorized", async c => await c.Nobody.CreateRawAsync(new { fileName = "a.txt", size = 1 }, c.Ct));
        yield return new(group, "an unknown key", Setup.None, 401, "unauthorized", c => CreateWithAuthorization(c, "Bearer not-a-key-anyone-was-given"));
        yield return new(group, "the upload limits (`GET /api/limits`) with no credentials", Setup.None, 401, "unauthorized", async c => await c.Nobody.Http.GetAsync(new Uri("/api/limits", UriKind.Relative), c.Ct));
        yield return new(group, "Alice's key with one character changed", Setup.None, 401, "unauthorized", c => CreateWithAuthorization(c, "Bearer " + Security.ApiKeyOwners.AliceKey[..^1] + "X"));
        yield return new(group, "Alice's key in the Basic scheme", Setup.None, 401, "unauthorized", c =>
            CreateWithAuthorization(c, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + Security.ApiKeyOwners.AliceKey))));
        yield return new(group, "a JWT issued for another application (audience `another-app`)", Setup.None, 401, "unauthorized", async c =>
        {
            using var carol = c.Server.JwtApp.CreateApi(Jwts.Create("carol", audience: "another-app"));
            return await carol.CreateRawAsync(new { fileName = "a.txt", size = 1 }, c.Ct);
        });
        yield return new(group, "a JWT with no audience", Setup.None, 401, "unauthorized", async c =>
        {
            using var carol = c.Server.JwtApp.CreateApi(Jwts.Create("carol", audience: null));
            return await carol.CreateRawAsync(new { fileName = "a.txt", size = 1 }, c.Ct);
        });
        yield return new(group, "`Bearer` with nothing after it", Setup.None, 401, "unauthorized", c => CreateWithAuthorization(c, "Bearer "));
        yield return new(group, "Alice's key in the query string", Setup.None, 401, "unauthorized", async c =>
            await c.Nobody.Http.PostAsync(new Uri($"/api/uploads?access_token={Security.ApiKeyOwners.AliceKey}", UriKind.Relative), Json("{\"fileName\": \"a.txt\", \"size\": 1}"u8.ToArray()), c.Ct));
    }

    private static IEnumerable<HostileCase> S3Face()
    {
        const string group = "/s3/ face";
        yield return new(group, "a `key` under another owner's prefix", Setup.S3Open, 400, "s3_key_mismatch", c =>
            SignS3(c.Alice, c, "1", "bob/" + c.Upload!.Key["alice/".Length..]));
        yield return new(group, "Alice's uploadId and key sent by Bob", Setup.S3Open, 404, "upload_not_found", c => SignS3(c.Bob, c, "1", c.Upload!.Key));
        yield return new(group, "part number 0", Setup.S3Open, 400, "invalid_part_number", c => SignS3(c.Alice, c, "0", c.Upload!.Key));
        yield return new(group, "part number 10001", Setup.S3Open, 400, "invalid_part_number", c => SignS3(c.Alice, c, "10001", c.Upload!.Key));
        yield return new(group, "a Hoist-signed URL with a forged signature", Setup.S3Open, 403, "link_forged", async c =>
        {
            var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            using var form = new MultipartFormDataContent { { new StringContent(c.Upload!.Key), "key" }, { new ByteArrayContent([1, 2, 3]), "file", "blob" } };
            return await c.Nobody.Http.PostAsync(new Uri($"/s3/objects/{c.UploadId}?expires={expires}&signature={Base64Url.EncodeToString(new byte[32])}", UriKind.Relative), form, c.Ct);
        });
        yield return new(group, "a Hoist-signed URL used after it expires (lifetime 1 s)", Setup.None, 410, "link_expired", async c =>
        {
            using var s3 = new Support.S3Face(c.Alice);
            var parameters = await s3.ParamsAsync("late.txt", "text/plain", c.Ct);
            await Task.Delay(TimeSpan.FromSeconds(2.5), c.Ct);
            var late = await s3.PostFormAsync(parameters, [1, 2, 3], c.Ct);
            // The upload /s3/params began is aborted, so that the store is as before.
            var uploadId = Uri.UnescapeDataString(new Uri(parameters.Url).AbsolutePath.Split('/')[^1]);
            using var aborted = await s3.AbortRawAsync(uploadId, parameters.Fields["key"], c.Ct);
            Assert.Equal(HttpStatusCode.OK, aborted.StatusCode);
            return late;
        });
    }

    private static async Task<HttpResponseMessage?> SignS3(HoistApi api, HostileContext c, string partNumber, string key) =>
        await api.Http.GetAsync(new Uri(Support.S3Face.Path(c.UploadId, partNumber, key), UriKind.Relative), c.Ct);

    // ---- how the rows send ----

    private static HostileCase Named(string name, string fileName, string expected) =>
        new("file name", name, Setup.None, 201, null, c => Create(c, fileName))
        {
            Answer = $"201, key `alice/…/{Printable(expected)}` (then aborted)",
            Then = async (c, response) => await AcceptedAsync(c, response, expected),
        };

    /// <summary>An accepted create: one clean last segment under Alice's prefix. Aborts it, so that the store is as before.</summary>
    private static async Task<CreatedUpload> AcceptedAsync(HostileContext c, HttpResponseMessage response, string expected)
    {
        var upload = await HoistApi.ReadAsync<CreatedUpload>(response, HttpStatusCode.Created, c.Ct);
        var segments = upload.Key.Split('/');
        Assert.Equal("alice", segments[0]);
        Assert.Matches("^[0-9a-z]{12}$", segments[4]);
        Assert.Equal(expected, string.Join('/', segments[5..])); // alice/yyyy/MM/dd/id/{path}{fileName}: under the id, whatever the name
        Assert.DoesNotContain(segments, s => s is "" or "." or "..");
        Assert.DoesNotContain(upload.Key, ch => char.IsControl(ch) || ch == '\\' || CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.Format);
        using var aborted = await c.Alice.AbortRawAsync(upload.UploadId, c.Ct);
        Assert.Equal(HttpStatusCode.NoContent, aborted.StatusCode);
        return upload;
    }

    private static async Task<HttpResponseMessage?> Create(HostileContext c, string fileName) =>
        await c.Alice.CreateRawAsync(new { fileName, size = 1 }, c.Ct);

    private static async Task<HttpResponseMessage?> CreateInGroup(HostileContext c, HoistApi api, string fileName, string groupId) =>
        await api.CreateRawAsync(new { fileName, size = 1, groupId }, c.Ct);

    /// <summary>The group id of <paramref name="upload"/>'s id and date for <paramref name="owner"/>, as a server with <paramref name="key"/> would sign it.</summary>
    private static string SignGroup(string owner, CreatedUpload upload, TimeSpan lifetime, string key = StoreFixture.SigningKey)
    {
        var fields = upload.GroupId!.Split('.');
        var date = DateOnly.ParseExact(fields[1], "yyyyMMdd", CultureInfo.InvariantCulture);
        return new UploadGroupSigner(new UploadTokenSigner(Encoding.UTF8.GetBytes(key), TimeProvider.System), TimeProvider.System)
            .Sign(owner, new Keys.KeyGroup(fields[0], date), DateTimeOffset.UtcNow + lifetime);
    }

    private static async Task<HttpResponseMessage?> CreateJson(HostileContext c, string json) =>
        await c.Alice.CreateRawAsync(Json(Encoding.UTF8.GetBytes(json)), c.Ct);

    private static async Task<HttpResponseMessage?> CreateWithAuthorization(HostileContext c, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/uploads") { Content = Json("{\"fileName\": \"a.txt\", \"size\": 1}"u8.ToArray()) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await c.Nobody.Http.SendAsync(request, c.Ct);
    }

    private static ByteArrayContent Json(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ChunkedContent Chunked(string json)
    {
        var content = new ChunkedContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<HttpResponseMessage?> Put(HostileContext c, string partNumber, byte[] bytes, string? checksum = null) =>
        await c.Alice.PutPartRawAsync(c.UploadId, partNumber, HoistApi.Part(bytes, checksum), c.Ct);

    private static async Task<HttpResponseMessage?> ListParts(HostileContext c, string uploadId) =>
        await c.Alice.ListPartsRawAsync(uploadId, c.Ct);

    private static async Task<HttpResponseMessage?> SendAs(HoistApi api, string operation, string uploadId, HostileContext c) => operation switch
    {
        "list" => await api.ListPartsRawAsync(uploadId, c.Ct),
        "put" => await api.PutPartRawAsync(uploadId, "2", HoistApi.Part(c.File.AsMemory(TestData.PartSize)), c.Ct),
        "complete" => await api.CompleteRawAsync(uploadId, c.Ct),
        "abort" => await api.AbortRawAsync(uploadId, c.Ct),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    private static string PartPath(HostileContext c, int partNumber) => $"/api/uploads/{c.UploadId}/parts/{partNumber}";

    private static Task<HttpResponseMessage?> Raw(HostileContext c, string method, string path, params string[] headers) =>
        RawHttp.SendAsync(c.Server.Address, method, path, headers, null, c.Ct);

    private static Task<HttpResponseMessage?> Raw(HostileContext c, string method, string path, string[] headers, byte[] body) =>
        RawHttp.SendAsync(c.Server.Address, method, path, headers, body, c.Ct);

    // ---- upload ids made here ----

    private static UploadToken Decode(string uploadId) =>
        JsonSerializer.Deserialize<UploadToken>(Base64Url.DecodeFromChars(uploadId.AsSpan(0, uploadId.IndexOf('.', StringComparison.Ordinal))))!;

    /// <summary>Signs as a server with <paramref name="key"/> would: the tests know the test servers' key.</summary>
    private static string Sign(UploadToken token, string key = StoreFixture.SigningKey) =>
        new UploadTokenSigner(Encoding.UTF8.GetBytes(key), TimeProvider.System).Sign(token);

    /// <summary>A share link's query as the test servers sign it (or as a server with <paramref name="key"/> would).</summary>
    private static string SignLink(string objectKey, TimeSpan lifetime, string key = StoreFixture.SigningKey) =>
        new SignedUrlSigner(new UploadTokenSigner(Encoding.UTF8.GetBytes(key), TimeProvider.System), TimeProvider.System)
            .Sign("GET", objectKey, DateTimeOffset.UtcNow + lifetime);

    private static async Task<HttpResponseMessage?> Shared(HostileContext c, string objectKey, string query) =>
        await c.Nobody.Http.GetAsync(new Uri($"/api/shared/{string.Join('/', objectKey.Split('/').Select(Uri.EscapeDataString))}?{query}", UriKind.Relative), c.Ct);

    private static string FlipLast(string text) => string.Concat(text.AsSpan(0, text.Length - 2), text[^2] == 'A' ? "B" : "A", text.AsSpan(text.Length - 1));

    private static string SignRaw(byte[] payload) =>
        $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(StoreFixture.SigningKey), payload))}";

    private static string Flip(string id, int index) =>
        string.Concat(id.AsSpan(0, index), id[index] == 'A' ? "B" : "A", id.AsSpan(index + 1));

    /// <summary>A name as the table can show it: invisible characters as \uXXXX, long runs counted.</summary>
    public static string Printable(string text)
    {
        if (text.Length > 40)
        {
            return $"{Printable(text[..3])}…({text.Length} characters)…{Printable(text[^4..])}";
        }
        var builder = new StringBuilder();
        foreach (var ch in text)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(ch);
            builder.Append(char.IsControl(ch) || category == UnicodeCategory.Format ? $"\\u{(int)ch:X4}" : ch == '|' ? "\\|" : ch.ToString());
        }
        return builder.ToString();
    }
}
