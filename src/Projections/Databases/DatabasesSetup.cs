using Marten;
using Marten.Storage;
using Microsoft.Extensions.Configuration;

namespace Tracing.Projections.Databases;

/// <summary>Workspaces over several databases (ADR 0031): configuration and the Marten tenancy.</summary>
public static class DatabasesSetup
{
    /// <summary><c>Tracing:Databases:NAME</c> = connection string, and <c>Tracing:Placement:NewWorkspaces</c>, onto the store settings.</summary>
    public static TracingStoreSettings WithDatabases(this TracingStoreSettings settings, IConfiguration config) => settings with
    {
        Databases = config.GetSection("Tracing:Databases").GetChildren()
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal),
        NewWorkspacesIn = config["Tracing:Placement:NewWorkspaces"] is { Length: > 0 } n ? n : null,
    };

    /// <summary>
    /// One Marten database per configured database, the main one the default (registry documents); workspaces are
    /// conjoined tenants of the database they are placed in. The async daemon runs per database (its own HotCold lock
    /// in each), and Wolverine keeps envelope tables in each, with the main database for node and leader state.
    /// </summary>
    public static void UseWorkspaceDatabases(this StoreOptions opts, TracingStoreSettings settings, WorkspaceDatabases databases)
    {
        opts.MultiTenantedDatabases(x =>
        {
            x.AddMultipleTenantDatabase(settings.ConnectionString, WorkspaceDatabases.MainName).ForTenants().AsDefault();
            foreach (var (name, cs) in settings.Databases) x.AddMultipleTenantDatabase(cs, name);
        });
        opts.Tenancy = new WorkspaceTenancy((StaticMultiTenancy)opts.Tenancy, databases);
        // Marten turns the default tenant off with database tenancy; ours is the main database, where the registry lives.
        opts.Advanced.DefaultTenantUsageEnabled = true;
    }
}
