namespace Tracing.Workers.Incidents;

/// <summary>Wolverine handler: a thin adapter over <see cref="RegressionRunner"/>.</summary>
public static class RunRegressionHandler
{
    public static Task Handle(RunRegression msg, RegressionRunner runner, CancellationToken ct) => runner.RunAsync(msg, ct);
}
