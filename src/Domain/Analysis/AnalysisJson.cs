using System.Text.Json;

namespace Tracing.Domain.Analysis;

/// <summary>
/// The one serialization of analysis results (API, storage, golden files): snake_case names, fixed "\n"
/// newlines, so stored and recomputed results can be compared byte for byte on any OS.
/// </summary>
public static class AnalysisJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NewLine = "\n",
    };

    public static string Serialize(AnalysisResult result) => JsonSerializer.Serialize(result, Options);
}
