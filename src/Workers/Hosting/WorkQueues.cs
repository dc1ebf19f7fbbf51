using JasperFx.Core;
using Microsoft.Extensions.Configuration;
using Tracing.Workers.Analysis;
using Tracing.Workers.Incidents;
using Wolverine;
using Wolverine.Postgresql;

namespace Tracing.Workers.Hosting;

/// <summary>
/// The background work that scales out (ADR 0025): analyses of ended sessions, fix-agent model calls and regression
/// replays travel over Wolverine's PostgreSQL transport, one queue table each, which every worker node consumes. A node
/// with <c>Tracing:RunBackground=false</c> (an API node) only publishes to them. <c>Tracing:Workers:Queues</c> prefixes
/// the queue names (nodes that share a schema but must not share work, e.g. tests with their own model settings);
/// <c>Tracing:Workers:PollMilliseconds</c> is how often an idle listener looks for new rows (500);
/// <c>Tracing:Workers:RecoveryMilliseconds</c>, when set, how often nodes check each other's health and recover the work
/// a stopped node released (Wolverine's defaults otherwise: a takeover then takes tens of seconds).
/// </summary>
public sealed record WorkQueues(string Prefix, TimeSpan PollEvery, TimeSpan? RecoverEvery = null)
{
    public string Analysis => Prefix + "_analysis";
    public string FixAgent => Prefix + "_fix_agent";
    public string Regression => Prefix + "_regression";

    public static WorkQueues From(IConfiguration config) =>
        new(Name(config["Tracing:Workers:Queues"] ?? "tracing"),
            TimeSpan.FromMilliseconds(Math.Max(50, config.GetValue("Tracing:Workers:PollMilliseconds", 500))),
            config.GetValue<int?>("Tracing:Workers:RecoveryMilliseconds") is { } ms ? TimeSpan.FromMilliseconds(Math.Max(100, ms)) : null);

    /// <summary>Routes the scale-out messages to their queues, and listens to them when this node does background work.</summary>
    public void Configure(WolverineOptions opts, bool consume)
    {
        opts.PublishMessage<AnalyzeEndedSession>().ToPostgresqlQueue(Analysis);
        opts.PublishMessage<ProposeFix>().ToPostgresqlQueue(FixAgent);
        opts.PublishMessage<RunRegression>().ToPostgresqlQueue(Regression);
        if (RecoverEvery is { } every)
        {
            // Leadership, agent assignment and the inbox recovery of released rows all run on these timers.
            opts.Durability.HealthCheckPollingTime = every;
            opts.Durability.ScheduledJobPollingTime = every;
            opts.Durability.CheckAssignmentPeriod = every * 2;
        }
        if (!consume) return;
        foreach (var queue in new[] { Analysis, FixAgent, Regression })
            opts.ListenToPostgresqlQueue(queue).PollingInterval(PollEvery).UseDurableInbox();
    }

    // Queue names become table names (wolverine_queue_<name>): lower-case letters, digits and underscores only.
    private static string Name(string prefix)
    {
        var name = new string(prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        return name.Length is > 0 and <= 40 ? name : throw new InvalidOperationException("Tracing:Workers:Queues must be 1-40 characters.");
    }
}
