using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tracing.Domain.Access;

/// <summary>Where a console token says which workspaces its holder belongs to, and with which role.</summary>
/// <param name="WorkspaceClaim">A claim holding one workspace id (paired with <paramref name="RoleClaim"/>).</param>
/// <param name="RoleClaim">The role in that workspace: admin, member or viewer.</param>
/// <param name="WorkspacesClaim">A claim holding an array of <c>{"id", "role"}</c> objects.</param>
/// <remarks>Each name is tried first as a top-level claim (namespaced claims contain dots), then as a dotted path.</remarks>
public sealed record MembershipClaims(
    string WorkspaceClaim = "workspace_id", string RoleClaim = "role", string WorkspacesClaim = "app_metadata.workspaces");

public sealed record Grant(string WorkspaceId, string Role);

/// <summary>Why a valid token still cannot act: the status and problem it answers with.</summary>
public sealed record Denial(int Status, string Slug, string Title, string Detail);

/// <summary>Token claims to the workspace a request acts in. Pure: claims and the request's choice in, a grant or a denial out.</summary>
public static partial class Membership
{
    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidName();

    public static bool IsValidName(string? name) => name is not null && ValidName().IsMatch(name);

    /// <summary>
    /// Every (workspace, role) the token grants. Entries with an invalid id or an unknown role grant nothing; a workspace
    /// granted twice keeps the lesser role.
    /// </summary>
    public static IReadOnlyList<Grant> Grants(JsonElement payload, MembershipClaims claims)
    {
        var found = new List<Grant>();
        if (Find(payload, claims.WorkspaceClaim) is { ValueKind: JsonValueKind.String } ws &&
            Find(payload, claims.RoleClaim) is { ValueKind: JsonValueKind.String } role)
            Add(found, ws.GetString(), role.GetString());
        if (Find(payload, claims.WorkspacesClaim) is { ValueKind: JsonValueKind.Array } list)
            foreach (var entry in list.EnumerateArray())
                if (entry.ValueKind == JsonValueKind.Object &&
                    entry.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String &&
                    entry.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String)
                    Add(found, id.GetString(), r.GetString());

        return found.GroupBy(g => g.WorkspaceId, StringComparer.Ordinal)
            .Select(g => g.MinBy(x => Roles.Rank(x.Role))!)
            .ToList();
    }

    /// <summary>
    /// The workspace this request acts in: the one it names (header or query; both must agree), else the token's only one.
    /// </summary>
    public static (Grant? Grant, Denial? Denial) Choose(IReadOnlyList<Grant> grants, string? fromHeader, string? fromQuery)
    {
        if (!string.IsNullOrEmpty(fromHeader) && !string.IsNullOrEmpty(fromQuery) && fromHeader != fromQuery)
            return (null, new Denial(400, "workspace-ambiguous", "Ambiguous workspace",
                "X-Tracing-Workspace and ?workspace_id= name different workspaces."));
        var requested = string.IsNullOrEmpty(fromHeader) ? fromQuery : fromHeader;
        if (string.IsNullOrEmpty(requested))
        {
            return grants.Count switch
            {
                1 => (grants[0], null),
                0 => (null, new Denial(403, "no-workspace", "No workspace",
                    "This token grants no role (admin, member or viewer) in any workspace.")),
                _ => (null, new Denial(400, "workspace-required", "Workspace required",
                    "This token grants several workspaces: name one with the X-Tracing-Workspace header or ?workspace_id=.")),
            };
        }
        var grant = grants.FirstOrDefault(g => g.WorkspaceId == requested);
        return grant is not null
            ? (grant, null)
            : (null, new Denial(403, "not-a-member", "Not a member", "This token grants no role in the workspace it names."));
    }

    private static void Add(List<Grant> found, string? workspace, string? role)
    {
        if (IsValidName(workspace) && Roles.IsKnown(role)) found.Add(new Grant(workspace!, role!));
    }

    private static JsonElement? Find(JsonElement payload, string name)
    {
        if (payload.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(name)) return null;
        if (payload.TryGetProperty(name, out var direct)) return direct;
        var current = payload;
        foreach (var part in name.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current)) return null;
        }
        return current;
    }
}
