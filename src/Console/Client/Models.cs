using System.Text.Json;

namespace Tracing.WebConsole.Client;

// The API's documented response shapes, as this client reads them (snake_case on the wire).

public sealed record Page<T>(List<T> Data, string? NextCursor);

/// <summary>The sessions list: a page and the log position it reflects (follow the live stream from there, ADR 0044).</summary>
public sealed record SessionPage(List<SessionRow> Data, string? NextCursor, long AsOfPosition);

public sealed record SessionRow(
    string Id, string ProjectId, string? Agent, string? Name, string Status, string? EndReason, long EventCount,
    long LastSeq, long GapCount, long ErrorCount, DateTimeOffset? StartedAt, DateTimeOffset CreatedAt,
    DateTimeOffset? FirstEventAt, DateTimeOffset? LastEventAt, long InputTokens, long OutputTokens, decimal CostUsd)
{
    public TimeSpan? Duration => FirstEventAt is { } a && LastEventAt is { } b ? b - a : null;
}

public sealed record EventPage(List<JsonElement> Data, long NextAfterSeq, bool HasMore);

public sealed record FindingRow(
    string Detector, string Label, decimal Confidence, long CriticalStep, long[] EvidenceSeqs, string Fingerprint, string Summary);

public sealed record AnalysisRow(
    string SessionId, string DetectorVersion, long LastSeq, List<FindingRow> Findings, List<string> IncidentLinks,
    string Trigger, DateTimeOffset AnalyzedAt, bool? Recorded);

public sealed record IncidentSample(string SessionId, long CriticalStep, string Summary, DateTimeOffset SeenAt);

public sealed record FixProposal(
    string DispatchId, string Status, string? Mode, string? Reason, string? Plan, string? Diff, string? ConfigSha256,
    string? RequestedBy, DateTimeOffset? RequestedAt, DateTimeOffset? ProposedAt);

public sealed record IncidentRow(
    string Id, string ProjectId, string Detector, string Label, string Title, string Fingerprint, string Status,
    string? Owner, string Severity, bool Regressed, DateTimeOffset? RegressedAt, DateTimeOffset? ResolvedAt,
    long Occurrences, int SessionsAffected, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt,
    List<IncidentSample> Samples, FixProposal? FixProposal, long Version, string Etag, DateTimeOffset UpdatedAt);

public sealed record SessionReplayRow(string SessionId, string Phase, bool? Reproduced, long? CriticalStep, int Findings, string? Error);

public sealed record RegressionRunRow(
    string Id, string IncidentId, string ProjectId, string Status, string? Verdict, string? Reason,
    List<SessionReplayRow> Sessions, int MinAfterSessions, DateTimeOffset RequestedAt, DateTimeOffset? CompletedAt);

public sealed record AuditRow(
    string Id, string? ProjectId, string Action, string Target, string Actor, DateTimeOffset At,
    JsonElement? Before, JsonElement? After, string? RequestId);

public sealed record TicketRow(string Ticket, DateTimeOffset ExpiresAt);

public sealed record ProjectRow(string Id, string WorkspaceId, DateTimeOffset CreatedAt);

public sealed record KeyCreated(string Id, string Key, string Name, string ProjectId);

public sealed record KeyRow(string Id, string Name, string ProjectId, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record AgentConfigRow(string ProjectId, string Content, string Sha256, int Version, DateTimeOffset UpdatedAt, string UpdatedBy);
