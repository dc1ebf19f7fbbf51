using System.Text.Encodings.Web;
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
        // Summaries quote tool names and messages; the default encoder would write every quote as \u0022.
        // This JSON is served as application/json and stored, never inlined into an HTML page.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(AnalysisResult result) => JsonSerializer.Serialize(result, Options);
}
