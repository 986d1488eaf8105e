using Microsoft.Extensions.Options;
using Hoist.Server.Hooks;
using Hoist.Server.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hoist.Server.Uploads;

public static class UploadServiceCollectionExtensions
{
    public static IServiceCollection AddHoistUploads(this IServiceCollection services)
    {
        services.AddOptions<UploadOptions>()
            .BindConfiguration(UploadOptions.Section)
            .Validate(o => o.PreferredPartSize is >= Storage.S3Limits.MinPartSize and <= Storage.S3Limits.MaxPartSize,
                "Hoist:Uploads:PreferredPartSize must be between 5 MiB (5242880) and 5 GiB.")
            .Validate(o => o.MaxFileSize is >= 0 and <= Storage.S3Limits.MaxObjectSize,
                "Hoist:Uploads:MaxFileSize must be between 0 and 5 TiB (S3's object limit).")
            .Validate(o => o.AbandonAfter > TimeSpan.Zero, "Hoist:Uploads:AbandonAfter must be positive.")
            .Validate(o => o.PresignedUrlLifetime > TimeSpan.Zero && o.PresignedUrlLifetime <= Storage.IPresigningStore.MaxLifetime,
                "Hoist:Uploads:PresignedUrlLifetime must be positive and at most 7 days (S3's limit for a presigned URL).")
            .Validate(o => o.SweepInterval >= TimeSpan.Zero, "Hoist:Uploads:SweepInterval must be zero (off) or positive.")
            .Validate(o => ObjectKeyTemplate.Problem(o.KeyTemplate) is null, "Hoist:Uploads:KeyTemplate is not usable: it must start with {owner}/, contain {id}, end with {fileName}, use no other placeholders than {yyyy}, {MM}, {dd} and {path}, and have {path} only as /{path}{fileName} at the end.")
            .ValidateOnStart();
        services.AddOptions<TokenOptions>()
            .BindConfiguration(TokenOptions.Section)
            .Validate(o => o.SigningKey is null || o.SigningKey.Length >= 32, "Hoist:Tokens:SigningKey must have at least 32 characters.")
            .Validate(o => o.PreviousSigningKeys.All(k => k is { Length: >= 32 }), "Hoist:Tokens:PreviousSigningKeys: every key must have at least 32 characters.")
            .Validate(o => o.Lifetime > TimeSpan.Zero, "Hoist:Tokens:Lifetime must be positive.")
            .PostConfigure<IOptions<Storage.StorageOptions>>((tokens, storage) =>
                tokens.KeyFile = string.IsNullOrWhiteSpace(tokens.KeyFile) ? Path.Combine(storage.Value.FileSystem.Root, ".hoist", "signing-key") : tokens.KeyFile)
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UploadTokenSigner>();
        services.AddSingleton<SignedUrlSigner>();
        services.AddSingleton<OwnerCreateGate>();
        services.AddSingleton<DirectParts>();
        services.AddHoistHooks();
        services.AddSingleton<UploadService>();
        services.AddSingleton<AbandonedUploadSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<AbandonedUploadSweeper>());
        return services;
    }
}
