namespace Tracing.Api.Events;

/// <summary>
/// <c>Tracing:Replay:MaxPageBytes</c>: a replay page ends early (has_more true) before its events pass this many bytes,
/// so memory and response size per request are bounded by bytes, not by <c>limit</c> × the largest event. A page always
/// holds at least one event (one event is at most the payload limit).
/// </summary>
public sealed class ReplayOptions
{
    public const long DefaultMaxPageBytes = 4 * 1024 * 1024;

    public long MaxPageBytes { get; set; } = DefaultMaxPageBytes;

    public static ReplayOptions From(IConfiguration config)
    {
        var o = new ReplayOptions();
        config.GetSection("Tracing:Replay").Bind(o);
        if (o.MaxPageBytes < 64 * 1024) throw new InvalidOperationException("Tracing:Replay:MaxPageBytes must be at least 65536.");
        return o;
    }
}
