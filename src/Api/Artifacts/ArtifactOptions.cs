namespace Tracing.Api.Artifacts;

/// <summary>
/// Artifact configuration: <c>Tracing:DataDir</c> (default <c>.tracing/data</c> under the content root),
/// <c>Tracing:Artifacts:MaxBytes</c> (default 25 MiB), <c>Tracing:Artifacts:UrlTtlSeconds</c> (default 60) and
/// <c>Tracing:Artifacts:WorkspaceQuotaBytes</c> (default 10 GiB; 0 = no quota).
/// </summary>
public sealed record ArtifactOptions(string DataDir, long MaxBytes, TimeSpan UrlTtl)
{
    public const long DefaultMaxBytes = 25 * 1024 * 1024;
    public const long DefaultWorkspaceQuotaBytes = 10L * 1024 * 1024 * 1024;

    /// <summary>Artifact bytes one workspace may hold; an upload past it is refused with 507 (0 = no quota).</summary>
    public long WorkspaceQuotaBytes { get; init; } = DefaultWorkspaceQuotaBytes;
    public const int DefaultUrlTtlSeconds = 60;

    /// <summary>Room for multipart framing and form fields around the file part.</summary>
    public const long MultipartAllowance = 64 * 1024;

    public string StoreRoot => Path.Combine(DataDir, "artifacts");

    /// <summary>Uploads are spooled here, on the store's file system, so moving them into place is a rename.</summary>
    public string TempDir => Path.Combine(StoreRoot, "tmp");

    public static ArtifactOptions From(IConfiguration config, string contentRoot)
    {
        var dataDir = Path.GetFullPath(config["Tracing:DataDir"] ?? Path.Combine(".tracing", "data"), contentRoot);
        var maxBytes = config.GetValue("Tracing:Artifacts:MaxBytes", DefaultMaxBytes);
        var ttl = config.GetValue("Tracing:Artifacts:UrlTtlSeconds", DefaultUrlTtlSeconds);
        if (maxBytes < 1) throw new InvalidOperationException("Tracing:Artifacts:MaxBytes must be at least 1.");
        if (ttl < 1) throw new InvalidOperationException("Tracing:Artifacts:UrlTtlSeconds must be at least 1.");
        var quota = config.GetValue("Tracing:Artifacts:WorkspaceQuotaBytes", DefaultWorkspaceQuotaBytes);
        if (quota < 0) throw new InvalidOperationException("Tracing:Artifacts:WorkspaceQuotaBytes must be 0 (no quota) or more.");
        return new ArtifactOptions(dataDir, maxBytes, TimeSpan.FromSeconds(ttl)) { WorkspaceQuotaBytes = quota };
    }
}
