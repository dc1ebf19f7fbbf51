using System.Text.Json;

namespace Tracing.Domain.Access;

/// <summary>A validated POST /api/projects body: <c>{"id"}</c>.</summary>
public sealed record NewProject(string Id)
{
    public static (NewProject? Command, string? Field, string? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "body", "body must be a JSON object");
        if (!body.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !Membership.IsValidName(id.GetString()))
            return (null, "id", "id is required: 1-64 characters of A-Za-z0-9._-");
        return (new NewProject(id.GetString()!), null, null);
    }
}

/// <summary>A validated POST /api/projects/{id}/keys body: <c>{"name", "scopes"}</c>, both optional.</summary>
public sealed record NewKey(string Name, string[] Scopes)
{
    public const int MaxNameLength = 100;

    public static (NewKey? Command, string? Field, string? Error) Parse(JsonElement? body)
    {
        if (body is not { } b) return (new NewKey("api", ApiKeyFormat.DefaultScopes), null, null);
        if (b.ValueKind != JsonValueKind.Object) return (null, "body", "body must be a JSON object");

        var name = "api";
        if (b.TryGetProperty("name", out var n) && n.ValueKind != JsonValueKind.Null)
        {
            if (n.ValueKind != JsonValueKind.String) return (null, "name", "name must be a string");
            name = n.GetString()!;
            if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
                return (null, "name", $"name must be 1-{MaxNameLength} characters without control characters");
        }

        var scopes = ApiKeyFormat.DefaultScopes;
        if (b.TryGetProperty("scopes", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            var allowed = string.Join(", ", Access.Scopes.KeyScopes.Order(StringComparer.Ordinal));
            if (s.ValueKind != JsonValueKind.Array || s.GetArrayLength() == 0 ||
                s.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String || !Access.Scopes.KeyScopes.Contains(x.GetString()!)))
                return (null, "scopes", $"scopes must be a non-empty array of: {allowed}");
            scopes = s.EnumerateArray().Select(x => x.GetString()!).Distinct(StringComparer.Ordinal).ToArray();
        }
        return (new NewKey(name, scopes), null, null);
    }
}
