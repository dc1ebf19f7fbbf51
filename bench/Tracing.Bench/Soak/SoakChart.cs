using System.Globalization;
using System.Net;
using System.Text;

namespace Tracing.Bench.Soak;

/// <summary>A small self-contained HTML page: one inline SVG line chart per figure, no script, no external asset.</summary>
public static class SoakChart
{
    private static readonly (string Title, Func<SoakSample, double> Read)[] Series =
    [
        ("append p50 (ms)", s => s.AppendP50Ms), ("append p99 (ms)", s => s.AppendP99Ms),
        ("read-model lag p50 (ms)", s => s.LagP50Ms), ("shard lag (events)", s => s.ShardLagEvents),
        ("events appended per sample", s => s.Events),
        ("RSS (MB)", s => s.RssMb), ("GC heap (MB)", s => s.GcHeapMb),
        ("dead tuples, hot tables", s => s.DeadTuples), ("hot tables size (MB)", s => s.HotTablesMb),
        ("oldest backend_xmin age (xids)", s => s.OldestXminAge), ("open connections", s => s.Connections),
        ("SSE events delivered per sample", s => s.SseDelivered),
    ];

    public static string Html(IReadOnlyList<SoakSample> samples, IReadOnlyList<SoakTrends.Check> checks, string heading)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Tracing soak</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}div.c{display:inline-block;margin:8px;vertical-align:top}")
            .Append("svg{background:#fafafa;border:1px solid #ddd}.fail{color:#b00}td{padding:2px 8px}</style></head><body>")
            .Append("<h1>Tracing soak</h1><p>").Append(WebUtility.HtmlEncode(heading)).Append("</p><table>");
        foreach (var c in checks)
            html.Append("<tr class=\"").Append(c.Passed ? "" : "fail").Append("\"><td>").Append(WebUtility.HtmlEncode(c.Describe())).Append("</td></tr>");
        html.Append("</table>");
        foreach (var (title, read) in Series) html.Append(Chart(title, samples.Select(s => (s.Minute, read(s))).ToList()));
        return html.Append("</body></html>").ToString();
    }

    private static string Chart(string title, List<(double X, double Y)> points)
    {
        const int W = 420, H = 160, Pad = 36;
        var valid = points.Where(p => !double.IsNaN(p.Y)).ToList();
        var svg = new StringBuilder($"<div class=\"c\"><div>{WebUtility.HtmlEncode(title)}</div><svg width=\"{W}\" height=\"{H}\">");
        if (valid.Count > 0)
        {
            var maxX = Math.Max(valid.Max(p => p.X), 1e-9);
            var maxY = Math.Max(valid.Max(p => p.Y), 1e-9);
            string Pt((double X, double Y) p) => string.Create(CultureInfo.InvariantCulture,
                $"{Pad + p.X / maxX * (W - Pad - 8):0.0},{H - 20 - p.Y / maxY * (H - 30):0.0}");
            svg.Append($"<polyline fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\" points=\"{string.Join(' ', valid.Select(Pt))}\"/>");
            svg.Append(string.Create(CultureInfo.InvariantCulture,
                $"<text x=\"2\" y=\"14\" font-size=\"11\">{maxY:0.##}</text><text x=\"2\" y=\"{H - 20}\" font-size=\"11\">0</text>" +
                $"<text x=\"{W - 60}\" y=\"{H - 4}\" font-size=\"11\">{maxX:0.#} min</text>"));
        }
        return svg.Append("</svg></div>").ToString();
    }
}
