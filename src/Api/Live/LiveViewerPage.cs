namespace Tracing.Api.Live;

/// <summary>
/// GET /live?session=ID&amp;ticket=T: a minimal live viewer for one session, served by the API itself.
/// It uses EventSource (so reconnects resume by Last-Event-ID) and keeps its own record in window.__record,
/// which the browser test reads. The page carries no data; the ticket authorises the stream.
/// </summary>
public static class LiveViewerPage
{
    public static void MapLiveViewer(this WebApplication app) =>
        app.MapGet("/live", () => Results.Content(Html, "text/html; charset=utf-8")).ExcludeFromDescription();

    private const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Tracing live</title>
        <style>body{font:14px system-ui;margin:1rem}pre{background:#f6f6f6;padding:.5rem;max-height:80vh;overflow:auto}</style>
        </head><body>
        <h1>Live session <span id="sid"></span></h1>
        <p>connections: <span id="opens">0</span>, events: <span id="count">0</span></p>
        <pre id="log"></pre>
        <script>
        const q = new URLSearchParams(location.search);
        const session = q.get('session') || '';
        document.getElementById('sid').textContent = session;
        const rec = window.__record = { seqs: [], ids: [], opens: 0, errors: 0 };
        const url = '/api/stream?session_id=' + encodeURIComponent(session) + '&ticket=' + encodeURIComponent(q.get('ticket') || '');
        const es = new EventSource(url);
        es.onopen = () => { rec.opens++; document.getElementById('opens').textContent = rec.opens; };
        es.onerror = () => { rec.errors++; };
        es.addEventListener('event.appended', e => {
          const ev = JSON.parse(e.data);
          rec.seqs.push(ev.seq); rec.ids.push(e.lastEventId);
          document.getElementById('count').textContent = rec.seqs.length;
          const line = document.createElement('div');
          line.textContent = ev.seq + '  ' + ev.type;
          document.getElementById('log').appendChild(line);
        });
        </script></body></html>
        """;
}
