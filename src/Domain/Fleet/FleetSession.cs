namespace Tracing.Domain.Fleet;

/// <summary>
/// What the fleet projection remembers of one session between batches (a Marten document keyed by stream key): the
/// session's agent, the models and tools it has used (each counted once per session), and calls still waiting for
/// their result, so a result's latency can be derived from client timestamps.
/// </summary>
public sealed class FleetSession
{
    public const int MaxPending = 64;

    public string Id { get; set; } = "";
    public string ProjectId { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string? Agent { get; set; }
    public List<string> Models { get; set; } = [];
    public List<string> Tools { get; set; } = [];
    public List<PendingCall> Pending { get; set; } = [];
}

/// <summary>An LLM request or tool call seen with a client timestamp, keyed by span id or call id.</summary>
public sealed record PendingCall(string Kind, string? Key, DateTimeOffset Ts);
