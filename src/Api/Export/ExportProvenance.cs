namespace Tracing.Api.Export;

/// <summary>
/// Where an export came from, carried inside json and html exports: what was selected and how, when, by which version,
/// and the SHA-256 of the jsonl export of the same selection, so a report can be checked against the data.
/// </summary>
public sealed record ExportProvenance(
    int Count, long Events, bool Truncated, long TotalAvailable, IReadOnlyDictionary<string, string> Filters,
    DateTimeOffset ExportedAt, string Tool, string Version, string Format, bool Redacted, string Order, string JsonlSha256)
{
    public const string OrderDescription = "sessions by creation (store position) ascending; events by seq ascending";

    public static string ToolVersion { get; } =
        typeof(ExportProvenance).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
}
