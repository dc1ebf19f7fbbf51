using Tracing.Api.Infrastructure;
using Tracing.Domain.Incidents;
using Tracing.Projections.Incidents;

namespace Tracing.Api.Incidents;

/// <summary>An incident as the API shows it (list items and the detail are the same shape).</summary>
public sealed record IncidentView(
    string Id,
    string ProjectId,
    string Detector,
    string Label,
    string Title,
    string Fingerprint,
    string Status,
    string? Owner,
    string Severity,
    bool Regressed,
    DateTimeOffset? RegressedAt,
    DateTimeOffset? ResolvedAt,
    long Occurrences,
    int SessionsAffected,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    IReadOnlyList<IncidentSampleView> Samples,
    FixProposalView? FixProposal,
    long Version,
    string Etag,
    DateTimeOffset UpdatedAt)
{
    public static IncidentView From(Incident i) => new(
        i.Id, i.ProjectId, i.Detector, i.Label, i.Title, i.Fingerprint, i.Triage.Status, i.Triage.Owner, i.Severity, i.Triage.Regressed,
        i.Triage.RegressedAt, i.Triage.ResolvedAt, i.Occurrences, i.SessionsAffected, i.FirstSeenAt, i.LastSeenAt,
        i.Samples.Select(s => new IncidentSampleView(s.SessionId, s.CriticalStep, s.Summary, s.SeenAt)).ToList(),
        i.Triage.FixProposal is { } f
            ? new FixProposalView(f.DispatchId, f.Status, f.Mode, f.Reason, f.Plan, f.Diff, f.ConfigSha256, f.RequestedBy, f.RequestedAt, f.ProposedAt)
            : null,
        i.Triage.UserVersion, ETagOf(i.Triage), i.UpdatedAt);

    /// <summary>User changes and regression reopens: both make a read-modify-write based on an older read stale.</summary>
    public static string ETagOf(IncidentTriage t) => ETags.For(t.UserVersion, t.Reopens);
}

public sealed record IncidentSampleView(string SessionId, long CriticalStep, string Summary, DateTimeOffset SeenAt);

public sealed record FixProposalView(
    string DispatchId, string Status, string? Mode, string? Reason, string? Plan, string? Diff, string? ConfigSha256,
    string? RequestedBy, DateTimeOffset? RequestedAt, DateTimeOffset? ProposedAt);
