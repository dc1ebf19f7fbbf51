using System.Text.RegularExpressions;

namespace Tracing.Domain.Search;

public enum ColumnKind { Text, Integer, Number, Time, Boolean, Json }

/// <summary>A searchable column: its public name, type, the index column behind it, and what it holds (for OpenAPI).</summary>
public sealed record SearchColumn(string Name, ColumnKind Kind, string Sql, string Description)
{
    public string[]? PayloadPath { get; init; }
}

/// <summary>The search vocabulary (docs/search.md): typed columns of the fleet index, and <c>payload.&lt;path&gt;</c>.</summary>
public static partial class SearchColumns
{
    public const string PayloadPrefix = "payload.";

    public static readonly IReadOnlyList<SearchColumn> Typed =
    [
        new("type", ColumnKind.Text, "type", "event type (llm.response, tool.result, error, custom.*...)"),
        new("tool", ColumnKind.Text, "tool", "payload.tool of tool.call / tool.result (a result carrying its call: else the call's)"),
        new("model", ColumnKind.Text, "model", "payload.model of llm.request / llm.response (a response carrying its request: else the request's)"),
        new("provider", ColumnKind.Text, "provider", "payload.provider of llm.request / llm.response (a response carrying its request: else the request's)"),
        new("error.type", ColumnKind.Text, "error_type", "payload.error.type, or payload.type of an error event"),
        new("finish_reason", ColumnKind.Text, "finish_reason", "payload.finish_reason of llm.response"),
        new("agent", ColumnKind.Text, "agent", "the session's agent"),
        new("session_id", ColumnKind.Text, "session_id", "the session id"),
        new("span_id", ColumnKind.Text, "span_id", "the event's span_id"),
        new("parent_span_id", ColumnKind.Text, "parent_span_id", "the event's parent_span_id"),
        new("seq", ColumnKind.Integer, "seq", "the event's seq within its session"),
        new("input_tokens", ColumnKind.Integer, "input_tokens", "usage.input_tokens of llm.response, else its carried request.input_tokens (payload.input_tokens of llm.request)"),
        new("output_tokens", ColumnKind.Integer, "output_tokens", "usage.output_tokens of llm.response"),
        new("cost", ColumnKind.Number, "cost", "USD: usage.cost_usd, or computed from tokens and the price table (cost_computed)"),
        new("duration_ms", ColumnKind.Number, "duration_ms", "LLM/tool step latency: payload.duration_ms, else derived from ts of call and result (or started_at and ts of a result carrying its call)"),
        new("ts", ColumnKind.Time, "ts", "the client's timestamp"),
        new("received_at", ColumnKind.Time, "received_at", "the server's receive time"),
        new("is_error", ColumnKind.Boolean, "is_error", "the event is an error (error event, failed tool result, LLM error)"),
        new("cost_computed", ColumnKind.Boolean, "cost_computed", "cost was computed server-side from the price table"),
    ];

    private static readonly Dictionary<string, SearchColumn> ByName = Typed.ToDictionary(c => c.Name, StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex PathSegment();

    public static SearchColumn? Find(string name)
    {
        if (ByName.TryGetValue(name, out var c)) return c;
        if (!name.StartsWith(PayloadPrefix, StringComparison.Ordinal)) return null;
        var path = name[PayloadPrefix.Length..].Split('.');
        if (path.Length is 0 or > 8 || !path.All(PathSegment().IsMatch)) return null;
        return new SearchColumn(name, ColumnKind.Json, "", "a payload field") { PayloadPath = path };
    }

    public static IReadOnlySet<string> OperatorsFor(ColumnKind kind) => kind switch
    {
        ColumnKind.Text => new HashSet<string> { "eq", "neq", "in", "contains", "prefix", "exists" },
        ColumnKind.Integer or ColumnKind.Number => new HashSet<string> { "eq", "neq", "in", "gt", "gte", "lt", "lte", "exists" },
        ColumnKind.Time => new HashSet<string> { "eq", "neq", "gt", "gte", "lt", "lte", "exists" },
        ColumnKind.Boolean => new HashSet<string> { "eq", "neq", "exists" },
        _ => new HashSet<string> { "eq", "neq", "in", "contains", "prefix", "gt", "gte", "lt", "lte", "exists" },
    };

    public static readonly string[] Operators = ["eq", "neq", "in", "contains", "prefix", "gt", "gte", "lt", "lte", "exists"];
}
