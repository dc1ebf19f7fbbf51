namespace Tracing.Domain.Incidents;

public static class IncidentStatus
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public const string Ignored = "ignored";

    public static readonly IReadOnlyList<string> All = [Open, Acknowledged, Resolved, Ignored];

    public static bool IsValid(string? s) => s is Open or Acknowledged or Resolved or Ignored;
}
