using JasperFx;
using JasperFx.Descriptors;
using JasperFx.MultiTenancy;
using Marten;
using Marten.Schema;
using Marten.Storage;
using Weasel.Core.Migrations;

namespace Tracing.Projections.Databases;

/// <summary>
/// Marten's static multi-database tenancy with placements looked up at run time (ADR 0031). Marten's
/// <see cref="StaticMultiTenancy"/> builds one <c>MartenDatabase</c> per configured database (so the async daemon, schema
/// migration and Wolverine's envelope storage run per database), but only knows tenants listed at start-up; workspaces are
/// created while the service runs, so this decorator asks <see cref="WorkspaceDatabases"/> where a workspace lives and
/// answers a conjoined tenant of that database. The default tenant (registry documents) is the main database.
/// </summary>
public sealed class WorkspaceTenancy(StaticMultiTenancy inner, WorkspaceDatabases databases) : ITenancy
{
    public Tenant Default => inner.Default;
    public IDocumentCleaner Cleaner => inner.Cleaner;
    public DatabaseCardinality Cardinality => inner.Cardinality;

    public ValueTask<IReadOnlyList<IDatabase>> BuildDatabases() => inner.BuildDatabases();

    public ValueTask<DatabaseUsage> DescribeDatabasesAsync(CancellationToken token) => inner.DescribeDatabasesAsync(token);

    public Tenant GetTenant(string tenantId) =>
        tenantId == StorageConstants.DefaultTenantId ? inner.Default : new Tenant(tenantId, Database(databases.NameFor(tenantId)));

    public async ValueTask<Tenant> GetTenantAsync(string tenantId) =>
        tenantId == StorageConstants.DefaultTenantId
            ? inner.Default
            : new Tenant(tenantId, Database(await databases.NameForAsync(tenantId, CancellationToken.None)));

    /// <summary>A database name answers that database; anything else is a workspace and answers the database it lives in.</summary>
    public ValueTask<IMartenDatabase> FindOrCreateDatabase(string tenantIdOrDatabaseIdentifier) =>
        databases.Names.Contains(tenantIdOrDatabaseIdentifier)
            ? inner.FindOrCreateDatabase(tenantIdOrDatabaseIdentifier)
            : new ValueTask<IMartenDatabase>(GetTenant(tenantIdOrDatabaseIdentifier).Database);

    public ValueTask<IMartenDatabase> FindDatabase(DatabaseId id) => ((ITenancy)inner).FindDatabase(id);

    public bool IsTenantStoredInCurrentDatabase(IMartenDatabase database, string tenantId) =>
        database.Identifier == (tenantId == StorageConstants.DefaultTenantId ? WorkspaceDatabases.MainName : databases.NameFor(tenantId));

    public void Dispose() => inner.Dispose();

    private IMartenDatabase Database(string name) => inner.FindOrCreateDatabase(name).GetAwaiter().GetResult();
}
