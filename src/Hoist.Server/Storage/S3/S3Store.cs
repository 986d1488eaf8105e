using System.Globalization;
using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Hoist.Server.Storage.S3;

/// <summary>
/// The store on AWS S3 or an S3-compatible server (Ceph RGW, MinIO, R2), through AWSSDK.S3.
/// <para>
/// Part and single-object bodies are forward-only request streams, which the SDK cannot send
/// (it wants a seekable stream), so they go to a presigned PUT URL through this store's own
/// <see cref="HttpClient"/>, wrapped in a <see cref="PartBodyStream"/>: a bad body throws before
/// its last bytes leave, the PUT never completes and the store discards it. Everything else goes
/// through the SDK. Where S3-compatible servers differ from AWS (see docs/s3-test-server.md) the
/// store checks S3's rules itself, so callers see the same errors as from the FileSystemStore.
/// </para>
/// <para><see cref="S3StorageOptions.Prefix"/> is added to every key on the way in and removed on the way out.</para>
/// </summary>
public sealed partial class S3Store : IObjectStore, IPresigningStore, IDisposable
{
    private const string DefaultRegion = "us-east-1";

    private readonly AmazonS3Client _s3;

    /// <summary>Signs the URLs handed to clients: for <see cref="S3StorageOptions.PublicServiceUrl"/> when set (a signature covers the host), else <see cref="_s3"/>.</summary>
    private readonly AmazonS3Client _clientFacing;
    private readonly Protocol _clientFacingProtocol;
    private readonly HttpClient _http;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly Protocol _presignProtocol;
    private readonly S3ErrorTranslator _errors;
    private readonly S3ChecksumMarkers _markers;

    public S3Store(S3StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _bucket = string.IsNullOrWhiteSpace(options.Bucket)
            ? throw new ArgumentException("An S3 bucket is required.", nameof(options))
            : options.Bucket;
        _prefix = options.Prefix;
        Endpoint = string.IsNullOrEmpty(options.ServiceUrl) ? $"AWS S3 ({(string.IsNullOrEmpty(options.Region) ? "the SDK's default region" : options.Region)})" : options.ServiceUrl;

        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // The SDK's default (a trailing CRC32 on streamed bodies) is refused by Ceph 16 over http.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = string.IsNullOrEmpty(options.Region) ? DefaultRegion : options.Region;
        }
        else if (!string.IsNullOrEmpty(options.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        _s3 = ClientFor(options, config);
        if (string.IsNullOrEmpty(options.PublicServiceUrl))
        {
            _clientFacing = _s3;
        }
        else
        {
            var publicConfig = new AmazonS3Config
            {
                ServiceURL = options.PublicServiceUrl,
                ForcePathStyle = options.ForcePathStyle,
                AuthenticationRegion = config.AuthenticationRegion ?? config.RegionEndpoint?.SystemName ?? DefaultRegion,
            };
            _clientFacing = ClientFor(options, publicConfig);
        }
        _errors = new S3ErrorTranslator(Endpoint, _bucket);
        _markers = new S3ChecksumMarkers(_s3, _bucket, ToS3Key, _errors);

        // Presigned URLs default to https whatever the endpoint says; follow the endpoint.
        VerifyETags = options.VerifyPartETags;
        _presignProtocol = ProtocolOf(options.ServiceUrl);
        _clientFacingProtocol = ProtocolOf(string.IsNullOrEmpty(options.PublicServiceUrl) ? options.ServiceUrl : options.PublicServiceUrl);
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(15),
            // Lets the store refuse a part (unknown upload, no access) before its body is sent.
            Expect100ContinueTimeout = TimeSpan.FromSeconds(1),
        })
        {
            // A part of 5 GiB may take long; callers cancel through their token.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    private static AmazonS3Client ClientFor(S3StorageOptions options, AmazonS3Config config) =>
        string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);

    private static Protocol ProtocolOf(string? url) =>
        url is not null && url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;

    /// <summary>The endpoint, as an operator wrote it (or AWS and its region).</summary>
    public string Endpoint { get; }

    public string Location => $"S3 bucket '{_bucket}' at {Endpoint}" + (_prefix.Length > 0 ? $", prefix '{_prefix}'" : "");

    /// <summary>Lists the bucket (it exists, the keys are known and may read), then writes and deletes a probe under .hoist/ (they may write).</summary>
    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ProbeAsync(cancellationToken);
        }
        catch (StoreException e) when (e.Code == StoreErrorCode.Unavailable)
        {
            var cause = e.InnerException;
            while (cause?.InnerException is not null)
            {
                cause = cause.InnerException;
            }
            throw new StoreException(StoreErrorCode.Unavailable, $"The S3 store at {Endpoint} does not answer ({cause?.Message ?? e.Message}).", e);
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var list = new Amazon.S3.Model.ListObjectsV2Request { BucketName = _bucket, Prefix = ToS3Key(ObjectKey.ReservedSegment + "/"), MaxKeys = 1 };
        await CallAsync(() => _s3.ListObjectsV2Async(list, cancellationToken), S3Target.Object, null, cancellationToken);
        var probe = ToS3Key($"{ObjectKey.ReservedSegment}/probe/{Guid.NewGuid():N}");
        await CallAsync(() => _s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = _bucket, Key = probe, ContentBody = "" }, cancellationToken), S3Target.Object, null, cancellationToken);
        await CallAsync(() => _s3.DeleteObjectAsync(new Amazon.S3.Model.DeleteObjectRequest { BucketName = _bucket, Key = probe }, cancellationToken), S3Target.Object, null, cancellationToken);
    }

    /// <summary>From <see cref="S3StorageOptions.VerifyPartETags"/>: each part's ETag checked against the MD5 of the bytes sent.</summary>
    internal bool VerifyETags { get; init; }

    /// <summary>Page size of the listing calls (S3's maximum is 1000); smaller in tests, to exercise paging.</summary>
    internal int ListPageSize { get; init; } = 1000;

    public void Dispose()
    {
        _s3.Dispose();
        if (!ReferenceEquals(_clientFacing, _s3))
        {
            _clientFacing.Dispose();
        }
        _http.Dispose();
    }

    private string ToS3Key(string key) => _prefix + key;

    /// <summary>Runs an SDK call, its failures turned into <see cref="StoreException"/>s.</summary>
    private Task<T> CallAsync<T>(Func<Task<T>> call, S3Target target, string? uploadId, CancellationToken cancellationToken) =>
        _errors.CallAsync(call, target, uploadId, cancellationToken);

    private string FromS3Key(string s3Key) =>
        s3Key.StartsWith(_prefix, StringComparison.Ordinal)
            ? s3Key[_prefix.Length..]
            : throw new InvalidOperationException($"The store answered the key '{s3Key}', outside the prefix '{_prefix}'.");

    /// <summary>An empty upload id would turn an UploadPart URL into a PutObject one.</summary>
    private static void ValidateUploadId(string uploadId)
    {
        if (string.IsNullOrWhiteSpace(uploadId))
        {
            throw StoreException.NoSuchUpload(uploadId);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Unquote(string? etag) => (etag ?? "").Trim('"');

    private static DateTimeOffset ToOffset(DateTime? time) =>
        time is { } t ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()) : DateTimeOffset.UtcNow;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
