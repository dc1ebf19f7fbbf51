using System.Text.Json;

namespace Tracing.Domain.Analysis;

/// <summary>What the session declared up front that the detectors judge the events against.</summary>
/// <param name="MaxSteps">Declared step budget (metadata <c>max_steps</c>); null means use the configured default.</param>
/// <param name="ExpectsJsonOutput">Metadata <c>output_format: "json"</c>: every final LLM answer must parse as JSON.</param>
public sealed record SessionContext(int? MaxSteps = null, bool ExpectsJsonOutput = false)
{
    public static readonly SessionContext None = new();

    /// <summary>Reads the declarations from session metadata; anything malformed is ignored rather than guessed.</summary>
    public static SessionContext FromMetadata(JsonElement? metadata)
    {
        if (metadata is not { ValueKind: JsonValueKind.Object } m) return None;
        int? maxSteps = m.TryGetProperty("max_steps", out var s) && s.ValueKind == JsonValueKind.Number
                        && s.TryGetInt32(out var n) && n > 0 ? n : null;
        var json = m.TryGetProperty("output_format", out var f) && f.ValueKind == JsonValueKind.String
                   && string.Equals(f.GetString(), "json", StringComparison.OrdinalIgnoreCase);
        return new SessionContext(maxSteps, json);
    }
}
