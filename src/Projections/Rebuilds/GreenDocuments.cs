using System.Diagnostics;
using System.Reflection;
using Marten;
using Npgsql;

namespace Tracing.Projections.Rebuilds;

/// <summary>
/// The green copy's documents of a replay from the log, written as Marten stores a projected document: its body, its
/// type, the stream version as its revision (<c>mt_version</c>), and the green shard's position in the same transaction.
/// Our SQL on Marten's tables (ADR 0039); <c>ReplayingFromTheLog</c> compares the rows with Marten's own rebuild.
/// </summary>
public sealed class GreenDocuments<TDoc>(DocumentStore green, NpgsqlDataSource source, string eventSchema, string shard, LogEvents parser,
    ReplayTimings timings) where TDoc : class
{
    /// <summary>A page's changed documents, serialised, and the position after the page.</summary>
    public sealed record Changes(string[] Tenants, string[] Ids, string[] Json, long[] Versions, long Position)
    {
        public static Changes None(long position) => new([], [], [], [], position);
    }

    // Table, identity and duplicated columns, all from Marten's own mapping of the document type.
    private readonly string _table = MappingOf(green).TableName.QualifiedName;
    private readonly Action<TDoc, string> _setId = IdSetter(MappingOf(green));
    private readonly string _upsertSql = UpsertSql(MappingOf(green));

    private static Marten.Schema.DocumentMapping MappingOf(DocumentStore store) =>
        (Marten.Schema.DocumentMapping)((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(TDoc));

    /// <summary>
    /// The upsert of a page's documents. Duplicated fields (ADR 0041: a column kept beside the body, which Marten's own
    /// upsert writes) take their value from the body through Marten's own selector, which reads the column <c>data</c>.
    /// </summary>
    private static string UpsertSql(Marten.Schema.DocumentMapping mapping)
    {
        var table = mapping.TableName.QualifiedName;
        // UpdateSqlFragment() is `"column" = <selector over data>`: the selector is what follows the first " = ".
        var fields = mapping.DuplicatedFields.Select(f => (Column: $"\"{f.ColumnName}\"", Value: Selector(f.UpdateSqlFragment()))).ToArray();
        return $"insert into {table} (tenant_id, id, data, mt_dotnet_type, mt_version, mt_last_modified{string.Concat(fields.Select(f => ", " + f.Column))}) " +
            $"select t, i, data, $4, v, transaction_timestamp(){string.Concat(fields.Select(f => ", " + f.Value))} " +
            "from (select t, i, d::jsonb as data, v from unnest($1::text[], $2::text[], $3::text[], $5::bigint[]) u(t, i, d, v)) page " +
            "on conflict (tenant_id, id) do update set data = excluded.data, mt_dotnet_type = excluded.mt_dotnet_type, " +
            $"mt_version = excluded.mt_version, mt_last_modified = excluded.mt_last_modified{string.Concat(fields.Select(f => $", {f.Column} = excluded.{f.Column}"))}";

        static string Selector(string assignment) => assignment[(assignment.IndexOf(" = ", StringComparison.Ordinal) + 3)..];
    }

    /// <summary>Assigns the document's identity, as Marten does to a projected document it creates.</summary>
    public void SetId(TDoc doc, string id) => _setId(doc, id);

    /// <summary>What Marten's rebuild tears down first: the green copy's documents and its shard's position.</summary>
    public async Task ResetAsync(CancellationToken ct)
    {
        await using var batch = source.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"truncate {_table}"));
        var progress = new NpgsqlBatchCommand($"delete from {eventSchema}.mt_event_progression where name = $1");
        progress.Parameters.Add(new NpgsqlParameter { Value = shard });
        batch.BatchCommands.Add(progress);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The changed documents and the green shard's new position, in one transaction.</summary>
    public async Task WriteAsync(Changes changes, CancellationToken ct)
    {
        var since = Stopwatch.GetTimestamp();
        await using var batch = source.CreateBatch();
        if (changes.Ids.Length > 0)
        {
            var upsert = new NpgsqlBatchCommand(_upsertSql);
            upsert.Parameters.Add(new NpgsqlParameter { Value = changes.Tenants });
            upsert.Parameters.Add(new NpgsqlParameter { Value = changes.Ids });
            upsert.Parameters.Add(new NpgsqlParameter { Value = changes.Json });
            upsert.Parameters.Add(new NpgsqlParameter { Value = typeof(TDoc).FullName! });
            upsert.Parameters.Add(new NpgsqlParameter { Value = changes.Versions });
            batch.BatchCommands.Add(upsert);
        }
        var progress = new NpgsqlBatchCommand(
            $"insert into {eventSchema}.mt_event_progression (name, last_seq_id, last_updated) values ($1, $2, transaction_timestamp()) " +
            "on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated");
        progress.Parameters.Add(new NpgsqlParameter { Value = shard });
        progress.Parameters.Add(new NpgsqlParameter { Value = changes.Position });
        batch.BatchCommands.Add(progress);
        await batch.ExecuteNonQueryAsync(ct); // one implicit transaction for the whole batch
        timings.Written(since);
    }

    /// <summary>Documents written earlier, by tenant and id, with their revisions.</summary>
    public async Task<List<(string Tenant, string Id, TDoc Doc, long Version)>> LoadAsync(IReadOnlyCollection<(string Tenant, string Id)> keys, CancellationToken ct)
    {
        var found = new List<(string, string, TDoc, long)>(keys.Count);
        await using var cmd = source.CreateCommand(
            $"select d.tenant_id, d.id, d.data, d.mt_version from {_table} d join unnest($1::text[], $2::text[]) k(t, i) on d.tenant_id = k.t and d.id = k.i");
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Tenant).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Id).ToArray() });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found.Add((r.GetString(0), r.GetString(1), (TDoc)parser.Deserialize(typeof(TDoc), r.GetFieldValue<byte[]>(2)), r.GetInt64(3)));
        return found;
    }

    private static Action<TDoc, string> IdSetter(Marten.Schema.DocumentMapping mapping)
    {
        var member = mapping.IdMember;
        return member switch
        {
            PropertyInfo { SetMethod: { } set } => set.CreateDelegate<Action<TDoc, string>>(),
            FieldInfo f => (doc, id) => f.SetValue(doc, id),
            _ => throw new InvalidOperationException($"{typeof(TDoc).Name} has no identity member Marten can name."),
        };
    }
}
