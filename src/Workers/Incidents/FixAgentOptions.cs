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

    public bool Configured => !string.IsNullOrWhiteSpace(BaseUrl) && !string.IsNullOrWhiteSpace(Model)
        && Uri.TryCreate(BaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";

    public override string ToString() => $"FixAgentOptions {{ configured = {Configured} }}";
}
