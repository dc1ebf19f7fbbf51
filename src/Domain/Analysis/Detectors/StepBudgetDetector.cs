using Tracing.Domain.Events;
using static Tracing.Domain.Analysis.Summaries;

namespace Tracing.Domain.Analysis.Detectors;

/// <summary>
/// More <c>agent.step</c> events than the budget: the session's declared <c>max_steps</c>, else the configured
/// default. Steps are counted, not read from <c>payload.step</c>, because step numbers can restart or skip.
/// A declared budget is the agent's own limit, so breaking it is more certain than exceeding our default.
/// </summary>
public sealed class StepBudgetDetector : IDetector
{
    public const string DeclaredBudgetExceeded = "declared_budget_exceeded";
    public const string DefaultBudgetExceeded = "default_budget_exceeded";

    public string Name => "step_budget";

    public IEnumerable<Finding> Detect(AnalysisInput input)
    {
        var declared = input.Context.MaxSteps;
        var budget = declared ?? input.Settings.DefaultMaxSteps;
        var steps = input.Events.Where(e => e.Type == EventTypes.AgentStep).Select(e => e.Seq).ToList();
        if (steps.Count <= budget) yield break;

        var label = declared is null ? DefaultBudgetExceeded : DeclaredBudgetExceeded;
        var firstOver = steps[budget];
        // Evidence stays small on runaway sessions: where the budget broke and where the steps stopped.
        yield return new Finding(Name, label, declared is null ? 0.7m : 0.95m, firstOver, [firstOver, steps[^1]],
            Fingerprint.Of(Name, label),
            Inv($"The agent took {steps.Count} steps, over its {(declared is null ? "default" : "declared")} budget of {budget}; step {budget + 1} is at seq {firstOver}."));
    }
}
