namespace Tracing.Api.Sessions;

/// <summary>Erasure and retention: registration.</summary>
public static class ErasureSetup
{
    public static IServiceCollection AddTracingErasure(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(ErasureOptions.From(config));
        services.AddSingleton<SessionEraser>();
        services.AddSingleton(RetentionOptions.From(config));
        services.AddSingleton<RetentionJob>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionJob>());
        return services;
    }
}
