namespace Tracing.Api.Projects;

public sealed record ProjectView(string Id, string WorkspaceId, DateTimeOffset CreatedAt);

/// <summary>A newly issued key. <c>key</c> is shown in this response only; the server keeps a hash.</summary>
public sealed record IssuedKeyView(string Id, string Key, string Name, string WorkspaceId, string ProjectId,
    IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt);

/// <summary>Documentation shapes of the request bodies.</summary>
public sealed record ProjectInput(string Id);

public sealed record KeyInput(string? Name, IReadOnlyList<string>? Scopes);
