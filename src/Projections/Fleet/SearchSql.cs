using System.Text;
using Npgsql;
using NpgsqlTypes;
using Tracing.Domain.Search;

namespace Tracing.Projections.Fleet;

/// <summary>
/// Builds the search statement from a checked <see cref="SearchQuery"/>: values are always parameters, column names come
/// from the catalogue only. Typed columns filter the fleet index; payload paths join the event row by its primary key
/// (one lookup per candidate, never a scan of mt_events).
/// </summary>
public sealed class SearchSql
{
    private readonly List<NpgsqlParameter> _args = [];
    private readonly StringBuilder _where = new();

    public static NpgsqlCommand Build(NpgsqlDataSource ds, string schema, string tenant, SearchQuery q)
    {
        var b = new SearchSql();
        b.And($"f.tenant_id = {b.Arg(tenant)}");
        if (q.ProjectId is { } p) b.And($"f.project_id = {b.Arg(p)}");
        if (q.Since is { } since) b.And($"f.received_at >= {b.Arg(since)}");
        if (q.Until is { } until) b.And($"f.received_at < {b.Arg(until)}");
        foreach (var f in q.Filters) b.And(b.Condition(f));
        var cmp = q.Descending ? "<" : ">";
        if (q.Cursor is { } c)
            b.And(q.Sort == "time"
                ? $"(f.received_at, f.position) {cmp} ({b.Arg(c.ReceivedAt)}, {b.Arg(c.Position)})"
                : $"f.position {cmp} {b.Arg(c.Position)}");
        var dir = q.Descending ? "desc" : "asc";
        var order = q.Sort == "time" ? $"f.received_at {dir}, f.position {dir}" : $"f.position {dir}";
        var join = q.Filters.Any(f => f.Column.Kind == ColumnKind.Json)
            ? $" join {schema}.mt_events e on e.seq_id = f.position and e.tenant_id = f.tenant_id" : "";
        var cmd = ds.CreateCommand(
            $"select {Columns} from {schema}.{FleetTables.Search} f{join} where {b._where} order by {order} limit {b.Arg(q.Limit + 1)}");
        cmd.Parameters.AddRange(b._args.ToArray());
        return cmd;
    }

    public const string Columns = "f.session_id, f.project_id, f.seq, f.position, f.type, f.ts, f.received_at, f.agent, f.tool, f.model, " +
                                  "f.provider, f.error_type, f.finish_reason, f.span_id, f.parent_span_id, f.input_tokens, f.output_tokens, " +
                                  "f.cost, f.cost_computed, f.duration_ms, f.is_error";

    private void And(string condition)
    {
        if (_where.Length > 0) _where.Append(" and ");
        _where.Append(condition);
    }

    private string Arg(object value, NpgsqlDbType? type = null)
    {
        var p = new NpgsqlParameter { Value = value };
        if (type is { } t) p.NpgsqlDbType = t;
        _args.Add(p);
        return "$" + _args.Count;
    }

    private string Condition(SearchFilter f)
    {
        if (f.Column.Kind == ColumnKind.Json) return JsonCondition(f);
        var col = "f." + f.Column.Sql;
        return f.Operator switch
        {
            "exists" => (bool)f.Value ? $"{col} is not null" : $"{col} is null",
            "eq" => $"{col} = {Arg(f.Value)}",
            "neq" => $"{col} <> {Arg(f.Value)}",
            "in" => $"{col} = any({Arg(f.Value)})",
            "contains" => $"strpos({col}, {Arg(f.Value)}) > 0",
            "prefix" => $"starts_with({col}, {Arg(f.Value)})",
            "gt" => $"{col} > {Arg(f.Value)}",
            "gte" => $"{col} >= {Arg(f.Value)}",
            "lt" => $"{col} < {Arg(f.Value)}",
            _ => $"{col} <= {Arg(f.Value)}",
        };
    }

    private string JsonCondition(SearchFilter f)
    {
        var path = Arg(new[] { "payload" }.Concat(f.Column.PayloadPath!).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        var node = $"(e.data #> {path})";
        var text = $"(e.data #>> {path})";
        string Typed(string jsonType, string condition) => $"(jsonb_typeof({node}) = '{jsonType}' and {condition})";
        return f.Operator switch
        {
            "exists" => (bool)f.Value ? $"coalesce(jsonb_typeof({node}), 'null') <> 'null'" : $"coalesce(jsonb_typeof({node}), 'null') = 'null'",
            "eq" => $"{node} = {Arg(f.Value, NpgsqlDbType.Jsonb)}",
            "neq" => $"{node} <> {Arg(f.Value, NpgsqlDbType.Jsonb)}",
            "in" => $"{node} = any({Arg(f.Value, NpgsqlDbType.Array | NpgsqlDbType.Jsonb)})",
            "contains" => Typed("string", $"strpos({text}, {Arg(f.Value)}) > 0"),
            "prefix" => Typed("string", $"starts_with({text}, {Arg(f.Value)})"),
            _ => f.Value is decimal
                ? $"(case when jsonb_typeof({node}) = 'number' then ({text})::numeric {Op(f.Operator)} {Arg(f.Value)} else false end)"
                : Typed("string", $"{text} collate \"C\" {Op(f.Operator)} {Arg(f.Value)}"),
        };
    }

    private static string Op(string op) => op switch { "gt" => ">", "gte" => ">=", "lt" => "<", _ => "<=" };
}
