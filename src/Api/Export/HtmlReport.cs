using System.Globalization;
using System.Net;
using System.Text;
using Tracing.Domain.Export;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Export;

/// <summary>
/// A single self-contained, printable HTML report: inline CSS and SVG only (no scripts, fonts or images to fetch), a summary,
/// two bar charts (sessions by status, events by agent), the session table and the provenance block.
/// </summary>
public static class HtmlReport
{
    public static async Task WriteAsync(Stream body, IReadOnlyList<SessionSummary> sessions, ExportProvenance p, RedactionRules? redaction,
        CancellationToken ct)
    {
        string E(string? s) => WebUtility.HtmlEncode(redaction is not null && s is not null ? redaction.RedactString(s) : s ?? "");
        static string N(decimal v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tracing export</title><style>")
          .Append("body{font:14px system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;width:100%}")
          .Append("th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#eee}.n{text-align:right}")
          .Append("pre{white-space:pre-wrap;background:#f6f6f6;padding:8px}@media print{body{margin:0}a{color:inherit}}")
          .Append("</style></head><body><h1>Tracing export</h1>");
        sb.Append("<h2>Summary</h2><table><tr><th>sessions</th><th>events</th><th>errors</th><th>input tokens</th><th>output tokens</th><th>cost (USD)</th><th>truncated</th></tr><tr>")
          .Append($"<td class=n>{p.Count}</td><td class=n>{sessions.Sum(s => s.EventCount)}</td><td class=n>{sessions.Sum(s => s.ErrorCount)}</td>")
          .Append($"<td class=n>{sessions.Sum(s => s.InputTokens)}</td><td class=n>{sessions.Sum(s => s.OutputTokens)}</td>")
          .Append($"<td class=n>{N(sessions.Sum(s => s.CostUsd))}</td><td>{(p.Truncated ? "yes" : "no")}</td></tr></table>");
        Chart(sb, "Sessions by status", sessions.GroupBy(s => s.Status).Select(g => (E(g.Key), (double)g.Count())));
        Chart(sb, "Events by agent", sessions.GroupBy(s => s.Agent ?? "(none)").Select(g => (E(g.Key), (double)g.Sum(s => s.EventCount))));
        sb.Append("<h2>Sessions</h2><table><tr><th>session</th><th>project</th><th>agent</th><th>status</th><th>created</th>")
          .Append("<th>events</th><th>errors</th><th>tokens in/out</th><th>cost (USD)</th></tr>");
        await Flush(body, sb, ct);
        foreach (var s in sessions)
        {
            sb.Append($"<tr><td>{E(s.SessionId)}</td><td>{E(s.ProjectId)}</td><td>{E(s.Agent)}</td><td>{E(s.Status)}</td>")
              .Append($"<td>{s.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z</td><td class=n>{s.EventCount}</td><td class=n>{s.ErrorCount}</td>")
              .Append($"<td class=n>{s.InputTokens}/{s.OutputTokens}</td><td class=n>{N(s.CostUsd)}</td></tr>");
            if (sb.Length > 32 * 1024) await Flush(body, sb, ct);
        }
        sb.Append("</table><h2>Provenance</h2><pre id=\"provenance\">")
          .Append(WebUtility.HtmlEncode(System.Text.Json.JsonSerializer.Serialize(p, new System.Text.Json.JsonSerializerOptions
          {
              PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
          })))
          .Append("</pre></body></html>");
        await Flush(body, sb, ct);
    }

    private static void Chart(StringBuilder sb, string title, IEnumerable<(string Label, double Value)> bars)
    {
        var list = bars.OrderByDescending(b => b.Value).Take(20).ToList();
        var max = Math.Max(1, list.Count == 0 ? 1 : list.Max(b => b.Value));
        sb.Append($"<h2>{title}</h2><svg role=\"img\" width=\"640\" height=\"{list.Count * 22 + 4}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < list.Count; i++)
        {
            var w = (int)(400 * list[i].Value / max);
            sb.Append($"<text x=\"0\" y=\"{i * 22 + 16}\" font-size=\"12\">{list[i].Label}</text>")
              .Append($"<rect x=\"180\" y=\"{i * 22 + 4}\" width=\"{w}\" height=\"16\" fill=\"#4a78c2\"/>")
              .Append($"<text x=\"{186 + w}\" y=\"{i * 22 + 16}\" font-size=\"12\">{list[i].Value.ToString(CultureInfo.InvariantCulture)}</text>");
        }
        sb.Append("</svg>");
    }

    private static async Task Flush(Stream body, StringBuilder sb, CancellationToken ct)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
        sb.Clear();
    }
}
