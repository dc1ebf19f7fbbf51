using Tracing.Api.Infrastructure;
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
        i.Id, i.ProjectId, i.Detector, i.Label, i.Title, i.Fingerprint, i.Status, i.Owner, i.Severity, i.Regressed,
        i.RegressedAt, i.ResolvedAt, i.Occurrences, i.SessionsAffected, i.FirstSeenAt, i.LastSeenAt,
        i.Samples.Select(s => new IncidentSampleView(s.SessionId, s.CriticalStep, s.Summary, s.SeenAt)).ToList(),
        i.FixProposal is { } f
            ? new FixProposalView(f.DispatchId, f.Status, f.Mode, f.Reason, f.Plan, f.Diff, f.ConfigSha256, f.RequestedBy, f.RequestedAt, f.ProposedAt)
            : null,
        i.StreamVersion, ETags.For(i.StreamVersion, i.Reopens), i.UpdatedAt);
}

public sealed record IncidentSampleView(string SessionId, long CriticalStep, string Summary, DateTimeOffset SeenAt);

public sealed record FixProposalView(
    string DispatchId, string Status, string? Mode, string? Reason, string? Plan, string? Diff, string? ConfigSha256,
    string? RequestedBy, DateTimeOffset? RequestedAt, DateTimeOffset? ProposedAt);
