namespace Tracing.Domain.Fleet;

/// <summary>Rollup dimensions: "all" has the single key "*"; the others key by agent, model or tool.</summary>
public static class RollupDims
{
    public const string All = "all";
    public const string Agent = "agent";
    public const string Model = "model";
    public const string Tool = "tool";
    public const string AllKey = "*";
}

/// <summary>One hour of one dimension key of one project.</summary>
public sealed record RollupKey(string Tenant, string ProjectId, string Dim, string Key, DateTimeOffset Hour);

/// <summary>Additive counters of a rollup: every field adds, so rollups merge and upsert exactly.</summary>
public sealed class RollupCounts
{
    public long Sessions { get; set; }
    public long SessionsEnded { get; set; }
    public long SessionsFailed { get; set; }
    public long Events { get; set; }
    public long Errors { get; set; }
    public long LlmCalls { get; set; }
    public long LlmErrors { get; set; }
    public long ToolCalls { get; set; }
    public long ToolErrors { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public decimal CostUsd { get; set; }
    public decimal ComputedCostUsd { get; set; }
    /// <summary>Latency histogram bins (<see cref="LatencyHistogram"/>) of LLM and tool steps: bucket → count.</summary>
    public Dictionary<int, long> LlmLatency { get; } = [];
    public Dictionary<int, long> ToolLatency { get; } = [];

    public void Add(RollupCounts o)
    {
        Sessions += o.Sessions; SessionsEnded += o.SessionsEnded; SessionsFailed += o.SessionsFailed;
        Events += o.Events; Errors += o.Errors; LlmCalls += o.LlmCalls; LlmErrors += o.LlmErrors;
        ToolCalls += o.ToolCalls; ToolErrors += o.ToolErrors; InputTokens += o.InputTokens; OutputTokens += o.OutputTokens;
        CostUsd += o.CostUsd; ComputedCostUsd += o.ComputedCostUsd;
        foreach (var (b, c) in o.LlmLatency) LlmLatency[b] = LlmLatency.GetValueOrDefault(b) + c;
        foreach (var (b, c) in o.ToolLatency) ToolLatency[b] = ToolLatency.GetValueOrDefault(b) + c;
    }
}

/// <summary>The rollup changes of one projection batch, keyed so each row is upserted once.</summary>
public sealed class RollupBatch
{
    public Dictionary<RollupKey, RollupCounts> Rows { get; } = [];

    public RollupCounts At(string tenant, string project, string dim, string key, DateTimeOffset time)
    {
        var hour = new DateTimeOffset(time.UtcDateTime.Year, time.UtcDateTime.Month, time.UtcDateTime.Day, time.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        var k = new RollupKey(tenant, project, dim, key, hour);
        if (!Rows.TryGetValue(k, out var c)) Rows[k] = c = new RollupCounts();
        return c;
    }
}
