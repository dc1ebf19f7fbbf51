namespace Tracing.Api.Export;

public static class ExportDocs
{
    public const string Description =
        "Query: the filters of GET /api/sessions (project_id, status, agent, since, until on created_at) plus incident_id for " +
        "/api/export/sessions; format = jsonl (default: one {\"session\", \"events\"} object per line, events in seq order) | json " +
        "({\"sessions\": [...], \"provenance\": {...}}) | csv (one row per session, metadata only, UTF-8 BOM, RFC 4180, strings " +
        "starting with = + - @ TAB CR prefixed with ') | html (a self-contained printable report: summary, charts, table, provenance); " +
        "raw = true|false (default false: payloads and metadata redacted by the configured rules; true needs the traces:read_raw " +
        "scope or an admin credential, else 403). Headers: X-Export-Sha256 (SHA-256 of the exact body), X-Export-Count (sessions), " +
        "X-Export-Events, X-Export-Truncated (the server cap Tracing:Export:MaxSessions/MaxEvents cut the export), X-Export-Redacted, " +
        "X-Export-Jsonl-Sha256, Content-Disposition with a timestamped file name. Order is stable: sessions by creation, events by seq.";
}
