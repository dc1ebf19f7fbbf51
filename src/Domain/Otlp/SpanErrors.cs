using System.Text.Json.Nodes;

namespace Tracing.Domain.Otlp;

/// <summary>
/// A span's error in the shape the detectors read (<c>{type, message}</c>): from its <c>exception</c> event, else
/// <c>error.type</c> and the status message. Null when the span did not fail.
/// </summary>
public static class SpanErrors
{
    public const string ExceptionEvent = "exception";

    public static JsonObject? Of(SpanData span, SpanAttributes a)
    {
        var exception = span.Events.FirstOrDefault(e => e.Name == ExceptionEvent);
        if (!span.Status.IsError && exception is null && !a.Has("error.type")) return null;
        var errorType = a.Str("error.type");
        var type = Text(exception, "exception.type") ?? errorType ?? "error";
        var message = Text(exception, "exception.message") ?? NonEmpty(span.Status.Message) ?? type;
        return SpanEvents.Obj(("type", type), ("message", message), ("stacktrace", Text(exception, "exception.stacktrace")));
    }

    private static string? Text(SpanEventData? e, string key) =>
        e is not null && e.Attributes.TryGetValue(key, out var v) && v is JsonValue j && j.TryGetValue<string>(out var s) ? NonEmpty(s) : null;

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
