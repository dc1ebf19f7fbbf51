using System.Text.Json;
using Tracing.Domain.Events;
using static Tracing.Domain.Analysis.Summaries;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// An LLM answer with nothing in it: a successful <c>llm.response</c> (no error, not a refusal, not a tool call)
/// whose <c>content</c> is missing, empty or whitespace. When JSON output was declared (session metadata
/// <c>output_format: "json"</c>, or the preceding request's <c>response_format</c> of type json_object / json_schema),
/// text content that does not parse as JSON is reported too.
/// </summary>
public sealed class EmptyOutputDetector : IDetector
{
    public const string EmptyContent = "empty_content";
    public const string UnparseableStructuredOutput = "unparseable_structured_output";

    public string Name => "empty_output";

    public IEnumerable<Finding> Detect(AnalysisInput input)
    {
        var jsonDeclaredByRequest = false;
        foreach (var e in input.Events)
        {
            if (e.Type == EventTypes.LlmRequest) jsonDeclaredByRequest = DeclaresJson(e.Payload);
            if (e.Type != EventTypes.LlmResponse || EventFacts.IsError(e)) continue;
            var finish = EventFacts.Str(e.Payload, "finish_reason");
            if (finish is "tool_call" or "content_filter") continue;

            var content = Content.TextOf(e.Payload);
            if (content.Kind == ContentKind.Empty)
            {
                yield return new Finding(Name, EmptyContent, finish is null ? 0.7m : 0.9m, e.Seq, [e.Seq],
                    Fingerprint.Of(Name, EmptyContent, finish ?? "none"),
                    Inv($"LLM response at seq {e.Seq} has empty content (finish_reason {finish ?? "not given"})."));
            }
            else if ((input.Context.ExpectsJsonOutput || jsonDeclaredByRequest) && content.Kind == ContentKind.Text && !Content.IsJson(content.Text))
            {
                yield return new Finding(Name, UnparseableStructuredOutput, finish == "length" ? 0.95m : 0.85m, e.Seq, [e.Seq],
                    Fingerprint.Of(Name, UnparseableStructuredOutput, finish ?? "none"),
                    Inv($"LLM response at seq {e.Seq} should be JSON but does not parse: \"{Clip(content.Text)}\"."));
            }
        }
    }

    private static bool DeclaresJson(JsonElement request) =>
        Json.TryGet(request, "response_format", out var f)
        && (f.ValueKind == JsonValueKind.Object ? EventFacts.Str(f, "type") : f.ValueKind == JsonValueKind.String ? f.GetString() : null)
            is "json_object" or "json_schema" or "json";
}
