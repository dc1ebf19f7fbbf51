using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Tracing.Domain.Events;

namespace Tracing.Tests.Rebuilds;

/// <summary>A test-only async projection whose handler throws once, on the first event whose payload says "explode".</summary>
public sealed partial class ThrowOnceProjection : EventProjection
{
    private int _thrown;

    public ThrowOnceProjection() => Name = "ThrowOnce";

    public void Project(IEvent<TraceEventRecorded> e, IDocumentOperations ops)
    {
        if (e.Data.Payload.ToString().Contains("explode", StringComparison.Ordinal) && Interlocked.Exchange(ref _thrown, 1) == 0)
            throw new InvalidOperationException("the handler failed once (test)");
    }
}
