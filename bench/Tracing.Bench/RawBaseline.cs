using System.Diagnostics;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Tracing.Bench;

/// <summary>
/// What PostgreSQL itself can do on this machine, without the API or Marten: a bench table shaped like stored
/// trace events, written by plain Npgsql from the same number of concurrent writers as the ingest test.
/// </summary>
public sealed class RawBaseline(NpgsqlDataSource db, string schema)
{
    private string Table => $"{schema}.raw_events";

    public async Task CreateTableAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            create table if not exists {Table} (
                session_id text not null,
                seq bigint not null,
                key text not null,
                type text not null,
                payload jsonb not null,
                unique (session_id, seq),
                unique (key))
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public sealed record Throughput(long Rows, TimeSpan Elapsed, Latencies Latency)
    {
        public double RowsPerSecond => Rows / Elapsed.TotalSeconds;
    }

    /// <summary>Each writer: its own connection and session_id, binary COPY of <paramref name="batch"/> rows per statement.</summary>
    public Task<Throughput> CopyAsync(string label, int writers, int batch, TimeSpan duration, CancellationToken ct) =>
        RunWritersAsync(writers, duration, ct, async (conn, sessionId, nextSeq) =>
        {
            await using var w = await conn.BeginBinaryImportAsync(
                $"copy {Table} (session_id, seq, key, type, payload) from stdin (format binary)", ct);
            for (var i = 0; i < batch; i++)
            {
                var seq = nextSeq + i;
                await w.StartRowAsync(ct);
                await w.WriteAsync(sessionId, NpgsqlDbType.Text, ct);
                await w.WriteAsync(seq, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync($"{sessionId}:{seq}", NpgsqlDbType.Text, ct);
                await w.WriteAsync(Workload.TypeOf(seq), NpgsqlDbType.Text, ct);
                await w.WriteAsync(Workload.PayloadOf(seq), NpgsqlDbType.Jsonb, ct);
            }
            await w.CompleteAsync(ct);
            return batch;
        }, label);

    /// <summary>Each writer: its own connection and session_id, one prepared multi-row INSERT of <paramref name="batch"/> rows per statement.</summary>
    public Task<Throughput> InsertAsync(string label, int writers, int batch, TimeSpan duration, CancellationToken ct)
    {
        var sql = new StringBuilder($"insert into {Table} (session_id, seq, key, type, payload) values ");
        for (var i = 0; i < batch; i++)
            sql.Append(i == 0 ? "" : ",").Append($"(${i * 5 + 1},${i * 5 + 2},${i * 5 + 3},${i * 5 + 4},${i * 5 + 5})");
        var text = sql.ToString();
        var prepared = new Dictionary<NpgsqlConnection, NpgsqlCommand>();

        return RunWritersAsync(writers, duration, ct, async (conn, sessionId, nextSeq) =>
        {
            NpgsqlCommand? cmd;
            lock (prepared) prepared.TryGetValue(conn, out cmd);
            if (cmd is null)
            {
                cmd = new NpgsqlCommand(text, conn);
                for (var i = 0; i < batch; i++)
                {
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb });
                }
                await cmd.PrepareAsync(ct);
                lock (prepared) prepared[conn] = cmd;
            }
            for (var i = 0; i < batch; i++)
            {
                var seq = nextSeq + i;
                cmd.Parameters[i * 5].Value = sessionId;
                cmd.Parameters[i * 5 + 1].Value = seq;
                cmd.Parameters[i * 5 + 2].Value = $"{sessionId}:{seq}";
                cmd.Parameters[i * 5 + 3].Value = Workload.TypeOf(seq);
                cmd.Parameters[i * 5 + 4].Value = Workload.PayloadOf(seq);
            }
            return await cmd.ExecuteNonQueryAsync(ct);
        }, label);
    }

    /// <summary>Seeds one session of <paramref name="rows"/> rows (COPY) for the raw replay comparison.</summary>
    public async Task SeedAsync(string sessionId, int rows, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var w = await conn.BeginBinaryImportAsync(
            $"copy {Table} (session_id, seq, key, type, payload) from stdin (format binary)", ct);
        for (long seq = 1; seq <= rows; seq++)
        {
            await w.StartRowAsync(ct);
            await w.WriteAsync(sessionId, NpgsqlDbType.Text, ct);
            await w.WriteAsync(seq, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync($"{sessionId}:{seq}", NpgsqlDbType.Text, ct);
            await w.WriteAsync(Workload.TypeOf(seq), NpgsqlDbType.Text, ct);
            await w.WriteAsync(Workload.PayloadOf(seq), NpgsqlDbType.Jsonb, ct);
        }
        await w.CompleteAsync(ct);
        await conn.CloseAsync();
        await using var analyze = db.CreateCommand($"analyze {Table}");
        await analyze.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Reads a whole session ordered by seq, every column materialised as the API would need it; returns (rows, ordered).</summary>
    public async Task<(int Rows, bool Ordered, TimeSpan Elapsed)> ReadAsync(string sessionId, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var cmd = db.CreateCommand($"select session_id, seq, key, type, payload::text from {Table} where session_id = $1 order by seq");
        cmd.Parameters.Add(new NpgsqlParameter { Value = sessionId });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        int rows = 0;
        long last = 0;
        var ordered = true;
        long chars = 0;
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(1);
            if (seq <= last) ordered = false;
            last = seq;
            chars += reader.GetString(0).Length + reader.GetString(2).Length + reader.GetString(3).Length + reader.GetString(4).Length;
            rows++;
        }
        GC.KeepAlive(chars);
        return (rows, ordered, Stopwatch.GetElapsedTime(started));
    }

    private async Task<Throughput> RunWritersAsync(int writers, TimeSpan duration, CancellationToken ct,
        Func<NpgsqlConnection, string, long, Task<int>> writeBatch, string label)
    {
        var connections = new NpgsqlConnection[writers];
        for (var i = 0; i < writers; i++) connections[i] = await db.OpenConnectionAsync(ct);
        try
        {
            var latencies = Enumerable.Range(0, writers).Select(_ => new Latencies()).ToArray();
            var rows = new long[writers];
            var run = Guid.NewGuid().ToString("N")[..8];
            var start = Stopwatch.GetTimestamp();
            var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var sessionId = $"raw-{label}-{run}-{w}";
                long seq = 1;
                while (Stopwatch.GetTimestamp() < end)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var n = await writeBatch(connections[w], sessionId, seq);
                    latencies[w].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    rows[w] += n;
                    seq += n;
                }
            }, ct)).ToArray();
            await Task.WhenAll(tasks);
            var elapsed = Stopwatch.GetElapsedTime(start);
            var all = new Latencies();
            foreach (var l in latencies) all.AddRange(l);
            return new Throughput(rows.Sum(), elapsed, all);
        }
        finally
        {
            foreach (var c in connections) await c.DisposeAsync();
        }
    }
}
