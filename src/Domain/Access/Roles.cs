namespace Tracing.Domain.Access;

/// <summary>The scopes a credential can carry. Policies of the API require one of them per route.</summary>
public static class Scopes
{
    public const string Read = "traces:read";
    public const string Write = "traces:write";
    public const string IncidentsWrite = "incidents:write";
    public const string Admin = "admin";
    public const string Service = "service";

    /// <summary>Exports without redaction (raw=true); admins have it implicitly.</summary>
    public const string ReadRaw = "traces:read_raw";

    /// <summary>What a project API key may carry; anything else stored on a key is ignored.</summary>
    public static readonly IReadOnlySet<string> KeyScopes = new HashSet<string>(StringComparer.Ordinal) { Read, Write, ReadRaw };
}

/// <summary>Console roles in a workspace, from the least to the most privileged.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Member = "member";
    public const string Admin = "admin";

    private static readonly string[] Ordered = [Viewer, Member, Admin];

    public static bool IsKnown(string? role) => role is not null && Array.IndexOf(Ordered, role) >= 0;

    /// <summary>0 for viewer, 2 for admin; -1 when unknown.</summary>
    public static int Rank(string role) => Array.IndexOf(Ordered, role);

    /// <summary>viewer reads; member also writes traces and incidents; admin also manages projects and keys.</summary>
    public static IReadOnlyList<string> ScopesOf(string role) => role switch
    {
        Viewer => [Scopes.Read],
        Member => [Scopes.Read, Scopes.Write, Scopes.IncidentsWrite],
        Admin => [Scopes.Read, Scopes.Write, Scopes.IncidentsWrite, Scopes.Admin],
        _ => [],
    };
}
