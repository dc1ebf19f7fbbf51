using System.Text.Json;
using Marten;
using Microsoft.Extensions.Options;
using Tracing.Api.Access;
using Tracing.Api.Infrastructure;
using Tracing.Domain.Access;
using Tracing.Domain.Sessions;
using Tracing.Projections.Events;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Export;

/// <summary>GET /api/export/sessions and GET /api/traces/{id}/export (docs/export.md, ADR 0020).</summary>
public static class ExportEndpoints
{
    public const string ReadRawScope = Scopes.ReadRaw;

    public static async Task<IResult> Sessions(Caller caller, IDocumentStore store, EventLog log, ExportOptions options,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock, CancellationToken ct,
        string? format = null, string? raw = null, string? project_id = null, string? status = null, string? agent = null,
        string? since = null, string? until = null, string? incident_id = null)
    {
        if (Check(caller, format, raw, out var fmt, out var redact) is { } problem) return problem;
        var filters = new ExportFilters(project_id, status, agent, since, until, incident_id);
        var (selection, denied) = await ExportSelections.FromQueryAsync(caller, store, options, filters, ct);
        if (denied is not null) return denied;
        return await SpoolAsync(caller, log, options, json.Value.SerializerOptions, clock, fmt, redact, selection!, "sessions", ct);
    }

    public static async Task<IResult> Trace(string id, Caller caller, IDocumentStore store, EventLog log, ExportOptions options,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider clock, CancellationToken ct,
        string? format = null, string? raw = null)
    {
        if (SessionScope.Check(caller, id, out var project) is { } denied) return denied;
        if (Check(caller, format, raw, out var fmt, out var redact) is { } problem) return problem;
        await using var session = store.QuerySession(caller.WorkspaceId);
        var key = SessionIds.StreamKey(project, id);
        var summary = await session.LoadAsync<SessionSummary>(key, ct);
        // Before the async read model has caught up, the inline head still knows the session; its events come from the log.
        if (summary is null && await session.LoadAsync<SessionHead>(key, ct) is { } head)
            summary = new SessionSummary
            {
                Id = head.Id, SessionId = head.SessionId, ProjectId = head.ProjectId, Agent = head.Agent, Name = head.Name,
                Metadata = head.Metadata, Status = head.Status, LastSeq = head.LastSeq, StartedAt = head.StartedAt, CreatedAt = head.CreatedAt,
            };
        if (summary is null) return Problems.SessionNotFound(id);
        var selection = new ExportSelection([summary], 1, false, new SortedDictionary<string, string> { ["session_id"] = id, ["project_id"] = project });
        return await SpoolAsync(caller, log, options, json.Value.SerializerOptions, clock, fmt, redact, selection, id, ct);
    }

    private static IResult? Check(Caller caller, string? format, string? raw, out string fmt, out bool redact)
    {
        fmt = format ?? ExportFormat.Jsonl;
        redact = true;
        if (!ExportFormat.All.Contains(fmt)) return Problems.Validation("format", "format must be one of: jsonl, json, csv, html");
        if (raw is not null && raw is not ("true" or "false")) return Problems.Validation("raw", "raw must be true or false");
        if (raw != "true") return null;
        if (!caller.Scopes.Contains(ReadRawScope) && !caller.Scopes.Contains(Scopes.Admin))
            return Problems.Forbidden($"raw=true needs the {ReadRawScope} scope or an admin credential; without it exports are redacted.");
        redact = false;
        return null;
    }

    private static async Task<IResult> SpoolAsync(Caller caller, EventLog log, ExportOptions options, JsonSerializerOptions json, TimeProvider clock,
        string format, bool redact, ExportSelection selection, string name, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // The SHA-256 header must precede the body, so the body is spooled to a temporary file first (deleted on close).
        var spool = new FileStream(Path.Combine(Path.GetTempPath(), "tracing-export-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var writer = new ExportWriter(log, options, json);
            var result = await writer.WriteAsync(spool, format, caller.WorkspaceId, selection, redact,
                r => new ExportProvenance(r.Sessions, r.Events, r.Truncated, selection.TotalAvailable, selection.Filters, now, "tracing",
                    ExportProvenance.ToolVersion, format, redact, ExportProvenance.OrderDescription, r.JsonlSha256), ct);
            spool.Position = 0;
            return new SpooledExport(spool, format, result, redact, $"tracing-{Safe(name)}-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.{format}");
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    private static string Safe(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());

    private sealed class SpooledExport(FileStream spool, string format, ExportResult result, bool redacted, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            await using var _ = spool;
            var h = http.Response.Headers;
            http.Response.ContentType = ExportFormat.ContentType(format);
            http.Response.ContentLength = spool.Length;
            h.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            h["X-Export-Sha256"] = result.BodySha256;
            h["X-Export-Count"] = result.Sessions.ToString(System.Globalization.CultureInfo.InvariantCulture);
            h["X-Export-Events"] = result.Events.ToString(System.Globalization.CultureInfo.InvariantCulture);
            h["X-Export-Truncated"] = result.Truncated ? "true" : "false";
            h["X-Export-Redacted"] = redacted ? "true" : "false";
            h["X-Export-Jsonl-Sha256"] = result.JsonlSha256;
            h.CacheControl = "no-store";
            await spool.CopyToAsync(http.Response.Body, 64 * 1024, http.RequestAborted);
        }
    }
}
