namespace Tracing.Workers.Incidents;

/// <summary>
/// Tracing:FixAgent:* — the OpenAI-compatible model endpoint. Server-side only: never returned by the API, never
/// logged, never recorded in events (ToString redacts everything).
/// </summary>
public sealed class FixAgentOptions
{
    public string? BaseUrl { get; set; }
    public string? ApiKey { get; set; }
    public string? Model { get; set; }
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How long POST fix-agent waits for the proposal before answering 202 + Location (default: the model timeout plus
    /// 5 s, so a timed-out model still ends in a labelled fallback within the wait).
    /// </summary>
    public int? WaitSeconds { get; set; }

    public TimeSpan Wait => TimeSpan.FromSeconds(Math.Max(0, WaitSeconds ?? TimeoutSeconds + 5));

    /// <summary>A dispatch pending longer than this is taken as lost (its worker died for good): a new one may be made.</summary>
    public TimeSpan PendingStaleAfter => TimeSpan.FromSeconds(2 * TimeoutSeconds + 60);

    public bool Configured => !string.IsNullOrWhiteSpace(BaseUrl) && !string.IsNullOrWhiteSpace(Model)
        && Uri.TryCreate(BaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";

    public override string ToString() => $"FixAgentOptions {{ configured = {Configured} }}";
}
