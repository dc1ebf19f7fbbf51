using System.Text.Json.Nodes;
using Tracing.Domain.Events;

namespace Tracing.Domain.Otlp;

/// <summary>
/// One event a span becomes. <see cref="Role"/> names its part of the span (<c>response</c>, <c>result</c>,
/// <c>step</c>, <c>error</c>, <c>end</c>) and is part of its idempotency key.
/// </summary>
public sealed record MappedEvent(string Role, string Type, DateTimeOffset Ts, JsonObject Payload);

/// <summary>
/// Turns one span into events of the existing vocabulary (docs/otlp.md has the table). Pure. A span arrives complete,
/// so an LLM span is one <c>llm.response</c> that carries its request, and a tool span one <c>tool.result</c> that
/// carries its call (ADR 0034): one stored event a span, read downstream as the pair it stands for.
/// </summary>
public static class SpanEvents
{
    public static IReadOnlyList<MappedEvent> Map(SpanData span)
    {
        var a = new SpanAttributes(span.Attributes);
        if (SessionRouting.RoutedBy(span) is { } routing) a.Use(routing); // the stream says it; not repeated in every event
        var (role, rule) = SpanRoleRules.Decide(a);
        var error = SpanErrors.Of(span, a);
        List<MappedEvent> events = role switch
        {
            SpanRole.Llm => Llm(span, a, error),
            SpanRole.Tool => Tool(span, a, error),
            _ => Step(span, a, role, error),
        };

        // The span's first event carries where the span came from and every attribute no rule used. Nothing a reader can
        // derive is stored again (ADR 0035): an LLM or tool span's duration is ts - started_at, its role the event type.
        var open = events[0].Payload;
        open["span_name"] = span.Name;
        open["trace_id"] = span.TraceId;
        if (!open.ContainsKey(CarriedParts.StartedAtField)) open["duration_ms"] = Math.Round((span.End - span.Start).TotalMilliseconds, 3);
        open["otel"] = new JsonObject { ["rule"] = rule, ["span_kind"] = span.Kind, ["scope"] = span.ScopeName };
        if (OtherEvents(span) is { } others) events[^1].Payload["span_events"] = others;
        if (a.Unused() is { } rest) open["attributes"] = rest;
        return events;
    }

    private static List<MappedEvent> Llm(SpanData s, SpanAttributes a, JsonObject? error)
    {
        var model = a.Str("gen_ai.request.model", "llm.model_name");
        var provider = a.Str("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system");
        var inputTokens = a.Long("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt");
        var responseModel = a.Str("gen_ai.response.model") ?? model;
        // The request leaves out what it would inherit from its response (CarriedParts): the provider, and the model
        // unless the response names another (a dated snapshot of the requested alias, say).
        var request = Obj(
            ("model", model == responseModel ? null : model), ("operation", a.Str("gen_ai.operation.name", "llm.request.type")),
            ("input_tokens", inputTokens), ("messages", GenAiMessages.Input(a)),
            ("temperature", a.Json("gen_ai.request.temperature")), ("max_tokens", a.Json("gen_ai.request.max_tokens")));

        var output = GenAiMessages.Output(a);
        var reasons = a.Json("gen_ai.response.finish_reasons");
        var raw = reasons is JsonArray { Count: > 0 } r ? GenAiMessages.TextOf(r[0]) : GenAiMessages.TextOf(reasons) ?? GenAiMessages.FinishReasonOf(output);
        var usage = Obj(
            ("input_tokens", inputTokens),
            ("output_tokens", a.Long("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion")),
            ("cache_read_input_tokens", a.Long("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
                "llm.token_count.prompt_details.cache_read")),
            ("cache_creation_input_tokens", a.Long("gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens",
                "llm.token_count.prompt_details.cache_write")),
            ("total_tokens", a.Long("gen_ai.usage.total_tokens", "llm.usage.total_tokens", "llm.token_count.total")));
        var response = Obj(
            ("model", responseModel), ("provider", provider), ("response_id", a.Str("gen_ai.response.id")),
            ("content", GenAiMessages.ContentOf(output)), ("finish_reason", error is not null ? "error" : FinishReasons.Map(raw)),
            ("finish_reasons", reasons), ("output_messages", GenAiMessages.IsPlainText(output) ? null : output), ("usage", usage.Count > 0 ? usage : null), ("error", error),
            (CarriedParts.RequestField, request), (CarriedParts.StartedAtField, StartedAt(s)));
        // Role "response", as the response event had before ADR 0034: a retried export keeps its key.
        return [new("response", EventTypes.LlmResponse, s.End, response)];
    }

    private static List<MappedEvent> Tool(SpanData s, SpanAttributes a, JsonObject? error)
    {
        var tool = a.Str("gen_ai.tool.name", "tool.name", "traceloop.entity.name") ?? s.Name;
        var callId = a.Str("gen_ai.tool.call.id", "tool_call.id");
        var call = Obj(("type", a.Str("gen_ai.tool.type")),
            ("description", a.Str("gen_ai.tool.description", "tool.description")),
            ("args", a.Json("gen_ai.tool.call.arguments", "input.value", "traceloop.entity.input")));
        var result = Obj(("tool", tool), ("call_id", callId), ("ok", error is null),
            ("output", a.Json("gen_ai.tool.call.result", "output.value", "traceloop.entity.output")), ("error", error),
            (CarriedParts.CallField, call), (CarriedParts.StartedAtField, StartedAt(s)));
        return [new("result", EventTypes.ToolResult, s.End, result)];
    }

    private static List<MappedEvent> Step(SpanData s, SpanAttributes a, SpanRole role, JsonObject? error)
    {
        var step = Obj(("name", s.Name), ("kind", role == SpanRole.Agent ? "agent" : "span"),
            ("agent", a.Str("gen_ai.agent.name", "agent.name")), ("agent_id", a.Str("gen_ai.agent.id")),
            ("operation", a.Str("gen_ai.operation.name")),
            ("input", a.Json("traceloop.entity.input", "input.value")), ("output", a.Json("traceloop.entity.output", "output.value")),
            ("ok", error is null));
        List<MappedEvent> events = [new("step", EventTypes.AgentStep, s.Start, step)];
        if (error is not null)
            events.Add(new("error", EventTypes.Error, s.End, Obj(("type", error["type"]?.DeepClone()), ("message", error["message"]?.DeepClone()),
                ("stacktrace", error["stacktrace"]?.DeepClone()), ("source", "span"))));
        return events;
    }

    /// <summary>
    /// A merged event split back into the pair it stands for (roles <c>request</c>/<c>call</c> at the span's start, then
    /// the answer without its carried part): for a span whose one event would exceed the payload cap while each half
    /// fits. Null when <paramref name="merged"/> carries nothing. Deterministic, so a retried export splits the same way.
    /// </summary>
    public static IReadOnlyList<MappedEvent>? Split(MappedEvent merged, SpanData span)
    {
        var (field, role, type) = merged.Type switch
        {
            EventTypes.LlmResponse => (CarriedParts.RequestField, "request", EventTypes.LlmRequest),
            EventTypes.ToolResult => (CarriedParts.CallField, "call", EventTypes.ToolCall),
            _ => ("", "", ""),
        };
        if (field == "" || merged.Payload[field] is not JsonObject carried) return null;
        var answer = merged.Payload.DeepClone().AsObject();
        answer.Remove(field);
        answer.Remove(CarriedParts.StartedAtField);
        var opening = carried.DeepClone().AsObject();
        foreach (var f in CarriedParts.RuleFor(merged.Type)!.Value.Inherited) // stored apart, it names its call itself
            if (!opening.ContainsKey(f) && answer[f] is { } v) opening[f] = v.DeepClone();
        return [new(role, type, span.Start, opening), merged with { Payload = answer }];
    }

    /// <summary>The span's start in UTC, to the tick (<c>2026-03-01T09:00:00.1234567Z</c>).</summary>
    private static string StartedAt(SpanData s) =>
        s.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonArray? OtherEvents(SpanData s)
    {
        var others = s.Events.Where(e => e.Name != SpanErrors.ExceptionEvent).ToList();
        if (others.Count == 0) return null;
        return new JsonArray(others.Select(e => (JsonNode)Obj(("name", e.Name), ("ts", SpanData.FromUnixNano(e.TimeUnixNano).ToString("O")),
            ("attributes", e.Attributes.Count == 0 ? null : new JsonObject(e.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())))))).ToArray());
    }

    /// <summary>A JSON object of the non-null fields, in the order given.</summary>
    internal static JsonObject Obj(params (string Key, object? Value)[] fields)
    {
        var o = new JsonObject();
        foreach (var (k, v) in fields)
            switch (v)
            {
                case null: break;
                case JsonNode n: o[k] = n.Parent is null ? n : n.DeepClone(); break;
                case string str: o[k] = str; break;
                case long l: o[k] = l; break;
                case bool b: o[k] = b; break;
                case double d: o[k] = d; break;
                default: throw new ArgumentException($"unsupported value for {k}: {v.GetType()}");
            }
        return o;
    }
}
