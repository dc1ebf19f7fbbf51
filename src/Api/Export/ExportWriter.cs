using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracing.Api.Sessions;
using Tracing.Domain.Export;
using Tracing.Domain.Sessions;
using Tracing.Projections.Events;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Export;

/// <summary>
/// Writes an export into a spool (ADR 0020): sessions in creation order, each with its events in seq order, read page by
/// page from the event log and written through as they come, so memory stays bounded by a page. The body is hashed as it
/// is written; the jsonl form of the same selection (one session object per line) is hashed alongside for the provenance
/// block of json and html. Redaction rewrites each JSON value on its way through.
/// </summary>
public sealed class ExportWriter(EventLog log, ExportOptions options, JsonSerializerOptions json)
{
    private const int Page = 2000;
    private const int FlushEvery = 64 * 1024;

    public async Task<ExportResult> WriteAsync(Stream spool, string format, string tenant, ExportSelection selection, bool redact,
        Func<ExportResult, ExportProvenance> provenance, CancellationToken ct)
    {
        using var bodyHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var jsonlHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var body = new HashingStream(bodyHash, spool);
        // jsonl: the body is the jsonl form. json: session objects go to both. html: to the jsonl hash only. csv: none.
        var jsonl = format == ExportFormat.Jsonl ? body : new HashingStream(jsonlHash);
        Stream? objects = format switch
        {
            ExportFormat.Jsonl => body,
            ExportFormat.Json => new HashingStream(jsonlHash, body),
            ExportFormat.Html => jsonl,
            _ => null,
        };

        if (format == ExportFormat.Json) await Raw(body, "{\"sessions\":[", ct);
        if (format == ExportFormat.Csv) await CsvHeaderAsync(body, ct);
        var sessions = 0;
        long events = 0;
        var truncated = selection.CappedBySessions;
        foreach (var s in selection.Sessions)
        {
            if (events >= options.MaxEvents) { truncated = true; break; }
            if (format == ExportFormat.Json && sessions > 0) await Raw(body, ",", ct);
            if (format == ExportFormat.Csv) await CsvRowAsync(body, s, redact, ct);
            if (objects is not null)
            {
                var (written, cut) = await SessionObjectAsync(objects, tenant, s, redact, options.MaxEvents - events, ct);
                events += written;
                truncated |= cut;
                await Raw(jsonl, "\n", ct);
            }
            sessions++;
        }

        if (format == ExportFormat.Json)
        {
            await Raw(body, "],\"provenance\":", ct);
            var partial = new ExportResult(sessions, events, truncated, "", Hex(jsonlHash));
            await body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(provenance(partial), json), ct);
            await Raw(body, "}", ct);
        }
        var jsonlSha = format == ExportFormat.Jsonl ? Hex(bodyHash, peek: true) : Hex(jsonlHash);
        if (format == ExportFormat.Html)
            await HtmlReport.WriteAsync(body, selection.Sessions.Take(sessions).ToList(), provenance(new ExportResult(sessions, events, truncated, "", jsonlSha)),
                redact ? options.Redaction : null, ct);
        await body.FlushAsync(ct);
        return new ExportResult(sessions, events, truncated, Hex(bodyHash), jsonlSha);
    }

    /// <summary>{"session": {...}, "events": [...]}: one line of the jsonl form; at most <paramref name="budget"/> events.</summary>
    private async Task<(long Written, bool Cut)> SessionObjectAsync(Stream target, string tenant, SessionSummary s, bool redact, long budget, CancellationToken ct)
    {
        await using var w = new Utf8JsonWriter(target, new JsonWriterOptions { SkipValidation = true });
        w.WriteStartObject();
        w.WritePropertyName("session");
        var view = JsonSerializer.SerializeToUtf8Bytes(SessionView.From(s), json);
        if (redact) JsonRedactor.Write(w, view, options.Redaction);
        else w.WriteRawValue(view, skipInputValidation: true);
        w.WritePropertyName("events");
        w.WriteStartArray();
        long written = 0, after = 0;
        var key = SessionIds.StreamKey(s.ProjectId, s.SessionId);
        var cut = false;
        while (true)
        {
            var take = (int)Math.Min(Page, budget - written + 1);
            if (take <= 0) { cut = true; break; }
            var rows = await log.ReadAsync(tenant, key, after, take, ct);
            foreach (var row in rows)
            {
                if (written == budget) { cut = true; break; }
                if (redact) JsonRedactor.Write(w, row.Utf8Json, options.Redaction);
                else w.WriteRawValue(row.Utf8Json, skipInputValidation: true);
                written++;
                after = row.Seq;
                if (w.BytesPending >= FlushEvery) await w.FlushAsync(ct);
            }
            if (cut || rows.Count < take) break;
        }
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(ct);
        return (written, cut);
    }

    private static readonly string[] CsvColumns =
        ["session_id", "project_id", "agent", "name", "status", "end_reason", "created_at", "started_at", "first_event_at",
         "last_event_at", "event_count", "error_count", "gap_count", "input_tokens", "output_tokens", "cost_usd"];

    private static async Task CsvHeaderAsync(Stream body, CancellationToken ct)
    {
        await body.WriteAsync(CsvField.Bom, ct);
        await Raw(body, CsvField.Row(CsvColumns), ct);
    }

    private Task CsvRowAsync(Stream body, SessionSummary s, bool redact, CancellationToken ct)
    {
        string T(string? v) => CsvField.Text(redact && v is not null ? options.Redaction.RedactString(v) : v);
        static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'") ?? "";
        static string N(IFormattable n) => n.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
        return Raw(body, CsvField.Row([T(s.SessionId), T(s.ProjectId), T(s.Agent), T(s.Name), T(s.Status), T(s.EndReason),
            Time(s.CreatedAt), Time(s.StartedAt), Time(s.FirstEventAt), Time(s.LastEventAt), N(s.EventCount), N(s.ErrorCount),
            N(s.GapCount), N(s.InputTokens), N(s.OutputTokens), N(s.CostUsd)]), ct);
    }

    private static async Task Raw(Stream s, string text, CancellationToken ct) => await s.WriteAsync(Encoding.UTF8.GetBytes(text), ct);

    private static string Hex(IncrementalHash h, bool peek = false) =>
        Convert.ToHexStringLower(peek ? h.GetCurrentHash() : h.GetCurrentHash());
}
