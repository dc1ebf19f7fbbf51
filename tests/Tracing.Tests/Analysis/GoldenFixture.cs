using System.Text.Json;
using Tracing.Domain.Analysis;
using Tracing.Domain.Events;

namespace Tracing.Tests.Analysis;

/// <summary>
/// One golden case: <c>Golden/NAME.events.json</c> (events, optional session metadata and settings overrides)
/// and the committed <c>Golden/NAME.expected.json</c> it must produce, byte for byte.
/// </summary>
public sealed record GoldenFixture(string Name, IReadOnlyList<TraceEventRecorded> Events, SessionContext Context, DetectorSettings Settings)
{
    public static string OutputDir => Path.Combine(AppContext.BaseDirectory, "Analysis", "Golden");

    public static IEnumerable<string> Names() =>
        Directory.GetFiles(OutputDir, "*.events.json")
            .Select(f => Path.GetFileName(f)[..^".events.json".Length])
            .Order(StringComparer.Ordinal);

    public static GoldenFixture Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(OutputDir, name + ".events.json")));
        var root = doc.RootElement;
        var events = root.GetProperty("events").EnumerateArray()
            .Select(e => TraceEvents.Of(e.GetProperty("seq").GetInt64(), e.GetProperty("type").GetString()!, e.GetProperty("payload")))
            .ToList();
        var context = SessionContext.FromMetadata(root.TryGetProperty("metadata", out var m) ? m : null);
        var settings = root.TryGetProperty("settings", out var s)
            ? s.Deserialize<DetectorSettings>(AnalysisJson.Options)!
            : DetectorSettings.Default;
        return new GoldenFixture(name, events, context, settings);
    }

    public string Run() => AnalysisJson.Serialize(new DetectorSet(Settings).Analyze(Events, Context)) + "\n";
}
