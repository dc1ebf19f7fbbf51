using Marten;

namespace Tracing.Projections.Rebuilds;

/// <summary>The table Marten keeps a document type in (its name, without the schema).</summary>
public static class ReadModelTable
{
    public static string Of(StoreOptions options, Type document) =>
        options.Storage.FindFeature(document).Objects.OfType<Weasel.Postgresql.Tables.Table>().First().Identifier.Name;
}
