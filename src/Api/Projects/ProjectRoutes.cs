using Tracing.Api.Access;

namespace Tracing.Api.Projects;

/// <summary>Project and key management for workspace admins (console tokens with role admin).</summary>
public static class ProjectRoutes
{
    public static void MapTracingProjects(this RouteGroupBuilder api)
    {
        api.MapGet("/projects", ListProjectsEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("ListProjects").WithTags("Projects")
            .WithSummary("The projects the caller can see (a key: its own)")
            .Produces<ProjectList>(200);

        api.MapGet("/projects/{id}/keys", ListProjectsEndpoint.Keys)
            .RequireAuthorization(AccessSetup.Admin)
            .WithName("ListKeys").WithTags("Projects")
            .WithSummary("A project's API keys, without secrets (admin console token)")
            .Produces<KeyList>(200);

        api.MapPost("/projects", CreateProjectEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Admin)
            .WithName("CreateProject").WithTags("Projects")
            .WithSummary("Create a project in the caller's workspace (admin console token)")
            .Accepts<ProjectInput>("application/json")
            .Produces<ProjectView>(201).Produces<ProjectView>(200)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

        api.MapPost("/projects/{id}/keys", CreateKeyEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Admin)
            .WithName("CreateKey").WithTags("Projects")
            .WithSummary("Issue an API key for a project (admin console token); the key is shown once")
            .WithDescription("Body optional: {\"name\", \"scopes\"} with scopes from traces:read, traces:write (default both). " +
                             "Only a SHA-256 of the secret is stored.")
            .Accepts<KeyInput>("application/json")
            .Produces<IssuedKeyView>(201)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

        api.MapDelete("/keys/{id}", RevokeKeyEndpoint.Handle)
            .RequireAuthorization(AccessSetup.Admin)
            .WithName("RevokeKey").WithTags("Projects")
            .WithSummary("Revoke an API key of the caller's workspace (admin console token); effective on every node within 10 s")
            .Produces(204);

        api.MapPut("/projects/{project_id}/agent-config", AgentConfigEndpoints.Put)
            .RequireAuthorization(AccessSetup.Write)
            .WithName("PutAgentConfig").WithTags("Incidents")
            .WithSummary("Register the project's agent configuration text (text/plain, or JSON {\"content\"})")
            .Produces<AgentConfigView>(200).ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

        api.MapGet("/projects/{project_id}/agent-config", AgentConfigEndpoints.Get)
            .RequireAuthorization(AccessSetup.Read)
            .WithName("GetAgentConfig").WithTags("Incidents")
            .WithSummary("The project's registered agent configuration")
            .Produces<AgentConfigView>(200);
    }
}
