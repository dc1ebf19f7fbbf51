namespace Tracing.Api.Artifacts;

public static class ArtifactSetup
{
    /// <summary>Options, the default local-disk store, the signing key and the recorder.</summary>
    public static IServiceCollection AddTracingArtifacts(this IServiceCollection services, IConfiguration config, string contentRoot)
    {
        services.AddSingleton(ArtifactOptions.From(config, contentRoot));
        services.AddSingleton<IArtifactStore, LocalDiskArtifactStore>();
        services.AddSingleton(sp => SigningKey.From(config, sp.GetRequiredService<ILoggerFactory>().CreateLogger<SigningKey>()));
        services.AddSingleton<ArtifactRecorder>();
        return services;
    }
}
