namespace Tracing.Domain.Artifacts;

/// <summary>What an artifact shows about a run. The client says which; nothing is inferred.</summary>
public static class ArtifactKinds
{
    public const string Screenshot = "screenshot";
    public const string Replay = "replay";
    public const string Dom = "dom";
    public const string Log = "log";
    public const string Other = "other";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Screenshot, Replay, Dom, Log, Other,
    };

    public static bool IsValid(string? kind) => kind is not null && All.Contains(kind);
}
