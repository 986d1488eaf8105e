using Hoist.Server.Tests.Support;

namespace Hoist.Server.Tests.Hostile;

/// <summary>What exists before a case's request: all of it Alice's.</summary>
public enum Setup
{
    /// <summary>Nothing of the case's own.</summary>
    None,

    /// <summary>A 10-byte upload (one part), nothing sent.</summary>
    Open,

    /// <summary>A 5 MiB + 10 byte upload (two parts), part 1 stored.</summary>
    OpenWithPart,

    /// <summary>A 5 MiB + 10 byte upload with both parts stored, not completed.</summary>
    Ready,

    /// <summary>A 10-byte upload completed: its file is stored.</summary>
    Completed,

    /// <summary>A 10-byte upload, aborted.</summary>
    Aborted,

    /// <summary>A 10-byte upload with SHA-256 checksums, which its one PUT stores whole (docs/api.md, "One-part files"), nothing sent.</summary>
    SinglePutOpen,

    /// <summary>An upload begun through the /s3/ face (POST /s3/multipart: no part plan), nothing sent.</summary>
    S3Open,
}

/// <summary>What a case may do to the store.</summary>
public enum StoreEffect
{
    /// <summary>Nothing: no file, no upload, no part appears, changes or goes (a part cut off mid-body included).</summary>
    Unchanged,

    /// <summary>The setup's upload becomes exactly one whole file, and nothing else changes.</summary>
    OneObject,
}

/// <summary>
/// One hostile request: what it finds (<see cref="Setup"/>), what it sends, the status and code it
/// must get (no status: the client hangs up and gets none), and what it may change.
/// </summary>
public sealed record HostileCase(string Group, string Name, Setup Setup, int? Status, string? Code, Func<HostileContext, Task<HttpResponseMessage?>> Send)
{
    /// <summary>Further checks on the answer (an accepted create checks its key and aborts the upload).</summary>
    public Func<HostileContext, HttpResponseMessage, Task>? Then { get; init; }

    public StoreEffect Effect { get; init; } = StoreEffect.Unchanged;

    /// <summary>The answer as the table shows it, when status and code alone do not say it.</summary>
    public string? Answer { get; init; }

    public string Id => $"{Group}: {Name}";

    public string ExpectedAnswer => Answer ?? (Status, Code) switch
    {
        (null, _) => "no answer (the client hung up)",
        ({ } s, null) => $"{s}",
        ({ } s, { } c) => $"{s} `{c}`",
    };

    public override string ToString() => Id;
}

/// <summary>A case's world: the server, the owners' clients, and what its setup made.</summary>
public sealed class HostileContext(HostileServer server, CancellationToken cancellationToken)
{
    public HostileServer Server => server;

    public HoistApi Alice => server.Alice;

    public HoistApi Bob => server.Bob;

    public HoistApi Nobody => server.Nobody;

    public CancellationToken Ct => cancellationToken;

    /// <summary>The setup's upload (none for <see cref="Setup.None"/>).</summary>
    public CreatedUpload? Upload { get; set; }

    public string UploadId => Upload?.UploadId ?? throw new InvalidOperationException("This case has no upload.");

    /// <summary>The setup's file: 10 bytes, or 5 MiB + 10.</summary>
    public byte[] File { get; set; } = [];

    /// <summary>The setup's completed file (<see cref="Setup.Completed"/>).</summary>
    public CompletedUpload? Completed { get; set; }

    /// <summary>"Authorization: Bearer" with Alice's key, for raw requests.</summary>
    public static string AliceAuthorization => $"Authorization: Bearer {Security.ApiKeyOwners.AliceKey}";

    public static string BobAuthorization => $"Authorization: Bearer {Security.ApiKeyOwners.BobKey}";
}
