using System.Text.Json;
using Tracing.Api.Access;
using Tracing.Domain.Access;
using Xunit;

namespace Tracing.Tests.Access;

public sealed class MembershipRules
{
    private static readonly MembershipClaims Defaults = new();

    private static IReadOnlyList<Grant> Grants(string json, MembershipClaims? claims = null) =>
        Membership.Grants(JsonDocument.Parse(json).RootElement, claims ?? Defaults);

    [Fact]
    public void a_workspace_claim_with_a_role_grants_that_workspace()
    {
        Assert.Equal([new Grant("acme", "member")], Grants("""{"workspace_id":"acme","role":"member"}"""));
    }

    [Theory]
    [InlineData("""{"workspace_id":"acme"}""")]
    [InlineData("""{"workspace_id":"acme","role":"authenticated"}""")]
    [InlineData("""{"workspace_id":"ac me","role":"admin"}""")]
    [InlineData("""{"workspace_id":7,"role":"admin"}""")]
    [InlineData("""{"app_metadata":{"workspaces":[{"id":"acme"},{"role":"admin"},{"id":"x/y","role":"admin"},"acme"]}}""")]
    [InlineData("""{"app_metadata":{"workspaces":{"id":"acme","role":"admin"}}}""")]
    public void entries_without_a_known_role_or_a_valid_id_grant_nothing(string payload)
    {
        Assert.Empty(Grants(payload));
    }

    [Fact]
    public void the_workspaces_array_grants_each_entry_and_a_duplicate_keeps_the_lesser_role()
    {
        var grants = Grants("""
            {"workspace_id":"acme","role":"admin",
             "app_metadata":{"workspaces":[{"id":"acme","role":"viewer"},{"id":"beta","role":"member"}]}}
            """);
        Assert.Equal([new Grant("acme", "viewer"), new Grant("beta", "member")], grants);
    }

    [Fact]
    public void claim_names_are_tried_whole_before_as_dotted_paths()
    {
        var claims = new MembershipClaims("https://tracing.dev/ws", "app_metadata.tracing.role", "none");
        var grants = Grants("""{"https://tracing.dev/ws":"acme","app_metadata":{"tracing":{"role":"admin"}}}""", claims);
        Assert.Equal([new Grant("acme", "admin")], grants);
    }

    [Fact]
    public void a_single_grant_is_chosen_without_naming_it()
    {
        Assert.Equal(new Grant("acme", "viewer"), Membership.Choose([new("acme", "viewer")], null, null).Grant);
    }

    [Theory]
    [InlineData(null, null, 400, "workspace-required")]
    [InlineData("beta", null, null, null)]
    [InlineData(null, "beta", null, null)]
    [InlineData("beta", "beta", null, null)]
    [InlineData("acme", "beta", 400, "workspace-ambiguous")]
    [InlineData("gamma", null, 403, "not-a-member")]
    public void several_grants_need_the_request_to_name_one(string? header, string? query, int? status, string? slug)
    {
        var (grant, denial) = Membership.Choose([new("acme", "admin"), new("beta", "viewer")], header, query);
        Assert.Equal(status, denial?.Status);
        Assert.Equal(slug, denial?.Slug);
        if (status is null) Assert.Equal(new Grant("beta", "viewer"), grant);
    }

    [Fact]
    public void no_grant_is_403()
    {
        Assert.Equal(403, Membership.Choose([], null, null).Denial!.Status);
    }

    [Fact]
    public void roles_map_to_scopes()
    {
        Assert.Equal(["traces:read"], Roles.ScopesOf("viewer"));
        Assert.Equal(["traces:read", "traces:write", "incidents:write"], Roles.ScopesOf("member"));
        Assert.Equal(["traces:read", "traces:write", "incidents:write", "admin"], Roles.ScopesOf("admin"));
        Assert.Empty(Roles.ScopesOf("owner"));
    }

    [Theory]
    [InlineData("a.b.c", true)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.", true)]
    [InlineData("trk_0123456789ab_secret-part", false)]
    [InlineData("a.b", false)]
    [InlineData("a.b.c.d", false)]
    public void three_dot_separated_parts_make_a_jwt(string token, bool jwt)
    {
        Assert.Equal(jwt, ConsoleTokens.LooksLikeJwt(token));
    }

    [Theory]
    [InlineData("""{"id":"web"}""", "web", null)]
    [InlineData("""{"id":"web/x"}""", null, "id")]
    [InlineData("""{"id":""}""", null, "id")]
    [InlineData("""{"id":5}""", null, "id")]
    [InlineData("""{}""", null, "id")]
    [InlineData("""[]""", null, "body")]
    public void a_new_project_needs_a_valid_id(string body, string? id, string? field)
    {
        var (command, f, _) = NewProject.Parse(JsonDocument.Parse(body).RootElement);
        Assert.Equal(id, command?.Id);
        Assert.Equal(field, f);
    }

    [Theory]
    [InlineData(null, "api", "traces:read,traces:write", null)]
    [InlineData("""{"name":"ci","scopes":["traces:write"]}""", "ci", "traces:write", null)]
    [InlineData("""{"scopes":["admin"]}""", null, null, "scopes")]
    [InlineData("""{"scopes":["service"]}""", null, null, "scopes")]
    [InlineData("""{"scopes":[]}""", null, null, "scopes")]
    [InlineData("""{"scopes":"traces:read"}""", null, null, "scopes")]
    [InlineData("""{"name":""}""", null, null, "name")]
    [InlineData("""{"name":"a\u0000b"}""", null, null, "name")]
    [InlineData("""{"name":3}""", null, null, "name")]
    public void a_new_key_takes_only_key_scopes(string? body, string? name, string? scopes, string? field)
    {
        var (command, f, _) = NewKey.Parse(body is null ? null : JsonDocument.Parse(body).RootElement);
        Assert.Equal(field, f);
        Assert.Equal(name, command?.Name);
        Assert.Equal(scopes, command is null ? null : string.Join(",", command.Scopes));
    }
}
