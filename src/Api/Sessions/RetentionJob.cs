using Marten;
using Tracing.Projections.Sessions;

namespace Tracing.Api.Sessions;

/// <summary>One project's retention: sessions created more than <see cref="Days"/> days ago are erased.</summary>
public sealed record RetentionRule(string Workspace, string Project, int Days);

/// <summary>
/// <c>Tracing:Retention:Rules:N:Workspace|Project|Days</c> (none by default: retention is off) and
/// <c>Tracing:Retention:IntervalMinutes</c> (60).
/// </summary>
public sealed class RetentionOptions
{
    public List<RetentionRule> Rules { get; set; } = [];
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>Sessions erased per rule and round, so one sweep never holds a node for long.</summary>
    public int BatchSize { get; set; } = 200;

    public static RetentionOptions From(IConfiguration config)
    {
        var o = new RetentionOptions { IntervalMinutes = config.GetValue("Tracing:Retention:IntervalMinutes", 60) };
        foreach (var r in config.GetSection("Tracing:Retention:Rules").GetChildren())
        {
            var rule = new RetentionRule(r["Workspace"] ?? "", r["Project"] ?? "", r.GetValue("Days", 0));
            if (rule.Workspace.Length == 0 || rule.Project.Length == 0 || rule.Days < 1)
                throw new InvalidOperationException($"Tracing:Retention:Rules:{r.Key} needs Workspace, Project and Days (at least 1).");
            o.Rules.Add(rule);
        }
        return o;
    }
}

/// <summary>
/// The per-project retention job: every interval, erases the sessions of each configured project created before its
/// cutoff, through <see cref="SessionEraser"/> (events hard-deleted, read models, artifacts, an audit entry by
/// <c>retention</c>). Every node may run it; erasing an erased session finds nothing.
/// </summary>
public sealed class RetentionJob(IDocumentStore store, SessionEraser eraser, RetentionOptions options, TimeProvider clock,
    ILogger<RetentionJob> log) : BackgroundService
{
    public const string Actor = "retention";

    /// <summary>One sweep at <paramref name="now"/>: the number of sessions erased.</summary>
    public async Task<int> SweepAsync(IEnumerable<RetentionRule> rules, DateTimeOffset now, CancellationToken ct)
    {
        var erased = 0;
        foreach (var rule in rules)
        {
            var cutoff = now.AddDays(-rule.Days);
            List<string> due;
            await using (var query = store.QuerySession(rule.Workspace))
                due = (await query.Query<SessionHead>().Where(h => h.ProjectId == rule.Project && h.CreatedAt < cutoff)
                    .OrderBy(h => h.CreatedAt).Take(options.BatchSize).Select(h => h.SessionId).ToListAsync(ct)).ToList();
            foreach (var id in due)
                // A session the daemon has not folded yet (Behind) stays for the next round.
                if ((await eraser.EraseAsync(rule.Workspace, rule.Project, id, Actor, null, ct)).Status == ErasureStatus.Erased) erased++;
        }
        return erased;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Rules.Count == 0) return; // retention is off
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.IntervalMinutes)), clock);
        do
        {
            try
            {
                var n = await SweepAsync(options.Rules, clock.GetUtcNow(), stoppingToken);
                if (n > 0) log.LogInformation("Retention erased {Count} sessions", n);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("Retention sweep failed; retrying next round: {Error}", ex.GetBaseException().Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
