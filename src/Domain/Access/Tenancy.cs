namespace Tracing.Domain.Access;

/// <summary>A workspace is a Marten tenant; projects live inside one workspace.</summary>
public sealed class Workspace
{
    public string Id { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Project
{
    /// <summary>Document id: "{workspace}/{project}" so project ids only need to be unique per workspace.</summary>
    public string Id { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public static string DocumentId(string workspaceId, string projectId) => $"{workspaceId}/{projectId}";
}
