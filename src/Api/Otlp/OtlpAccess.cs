using Tracing.Api.Access;
using Tracing.Api.Infrastructure;

namespace Tracing.Api.Otlp;

/// <summary>
/// Who may export: a credential bound to one project (a project API key with traces:write). The workspace and
/// project come from it alone; a header that names another one is refused rather than ignored (403), since an
/// exporter configured that way expects its spans somewhere they will not go.
/// </summary>
public static class OtlpAccess
{
    public static IResult? Check(HttpRequest request, Caller caller)
    {
        if (caller.ProjectId is null)
            return Problems.Forbidden("OTLP export needs a project API key (scope traces:write): workspace and project come from the key.");
        var workspace = request.Headers[ServiceCredential.WorkspaceHeader].ToString();
        var project = request.Headers[ServiceCredential.ProjectHeader].ToString();
        if ((workspace.Length > 0 && workspace != caller.WorkspaceId) || (project.Length > 0 && project != caller.ProjectId))
            return Problems.Forbidden("The X-Tracing-Workspace / X-Tracing-Project header names a workspace or project this key does not belong to.");
        return null;
    }
}
