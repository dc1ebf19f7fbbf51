using System.Text.Json;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Domain.Fleet;
using Tracing.Projections.Fleet;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Fleet;

/// <summary>
/// GET /api/stats against a brute-force computation over the same events, read back through replay: counts, tokens and
/// costs exactly; latency percentiles by the documented definition (nearest rank, reported as its log bucket's
/// representative, within 1.96 % of the exact value). Then again after rebuilding the fleet projection.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StatsVersusBruteForce(AppFixture app)
{
    private sealed record Step(string Session, string? Agent, JsonElement Event, DateTimeOffset ReceivedAt, double? Duration);

    // Hand-written prices (USD per million tokens) of the built-in defaults the scenario uses.
    private static readonly Dictionary<string, (decimal In, decimal Out)> Prices = new()
    {
        ["gpt-4o"] = (2.50m, 10.00m), ["gpt-4o-mini"] = (0.15m, 0.60m), ["claude-sonnet-4-20250514"] = (3.00m, 15.00m),
    };

    [Fact]
    public async Task stats_equal_a_brute_force_computation_before_and_after_a_rebuild()
    {
        var client = await app.NewClientAsync();
        var rnd = new Random(14);
        var agents = new[] { "planner", "coder", null };
        var models = Prices.Keys.ToArray();
        var tools = new[] { "search", "fetch", "shell" };
        var sessions = new List<(string Id, string? Agent, DateTimeOffset Created)>();
        var durations = new Dictionary<(string Session, long Seq), double>();
        for (var s = 0; s < 8; s++)
        {
            var id = $"st{s}";
            var agent = agents[s % 3];
            var created = await client.Post("/api/traces", agent is null ? new { id } : new { id, agent });
            sessions.Add((id, agent, created.Body.GetProperty("created_at").GetDateTimeOffset()));
            var t0 = DateTimeOffset.UtcNow.AddMinutes(-30);
            var events = new List<object>();
            long seq = 0;
            for (var step = 0; step < 12; step++)
            {
                var at = t0.AddSeconds(step * 10);
                if (rnd.Next(2) == 0)
                {
                    var model = models[rnd.Next(models.Length)];
                    var ms = Math.Round(rnd.NextDouble() * 4000 + 50, 1);
                    var span = $"{id}-s{step}";
                    var input = rnd.Next(10, 5000);
                    var output = rnd.Next(1, 800);
                    object usage = rnd.Next(3) == 0 ? new { input_tokens = input, output_tokens = output, cost_usd = 0.0123 } : new { input_tokens = input, output_tokens = output };
                    var failed = rnd.Next(6) == 0;
                    events.Add(new { seq = ++seq, type = "llm.request", span_id = span, ts = at.ToString("O"), payload = new { model } });
                    events.Add(failed
                        ? new { seq = ++seq, type = "llm.response", span_id = span, ts = at.AddMilliseconds(ms).ToString("O"), payload = (object)new { model, finish_reason = "error", error = new { type = "rate_limit" }, usage } }
                        : new { seq = ++seq, type = "llm.response", span_id = span, ts = at.AddMilliseconds(ms).ToString("O"), payload = (object)new { model, finish_reason = "stop", usage } });
                    durations[(id, seq)] = (at.AddMilliseconds(ms) - at).TotalMilliseconds;
                }
                else
                {
                    var tool = tools[rnd.Next(tools.Length)];
                    var ms = Math.Round(rnd.NextDouble() * 900 + 1, 1);
                    var call = $"c{step}";
                    var ok = rnd.Next(5) != 0;
                    events.Add(new { seq = ++seq, type = "tool.call", ts = at.ToString("O"), payload = new { tool, call_id = call } });
                    if (rnd.Next(4) == 0) // a reported duration wins over timestamps
                    {
                        events.Add(new { seq = ++seq, type = "tool.result", ts = at.AddSeconds(3).ToString("O"), payload = (object)new { tool, call_id = call, ok, duration_ms = ms } });
                        durations[(id, seq)] = ms;
                    }
                    else
                    {
                        events.Add(new { seq = ++seq, type = "tool.result", ts = at.AddMilliseconds(ms).ToString("O"), payload = (object)new { tool, call_id = call, ok } });
                        durations[(id, seq)] = (at.AddMilliseconds(ms) - at).TotalMilliseconds;
                    }
                }
            }
            if (rnd.Next(3) == 0) events.Add(new { seq = ++seq, type = "error", payload = new { type = "Boom", message = "x" } });
            if (s != 7) events.Add(new { seq = ++seq, type = "session.ended", payload = new { status = s % 3 == 1 ? "error" : "ok" } });
            var appended = await client.Append(id, events.ToArray());
            Assert.True(appended.Status == 200, appended.Text);
        }
        await app.WaitForProjectionsAsync();

        var steps = new List<Step>();
        foreach (var (id, agent, _) in sessions)
            foreach (var e in await client.ReadAll(id))
            {
                var seq = e.GetProperty("seq").GetInt64();
                steps.Add(new Step(id, agent, e, e.GetProperty("received_at").GetDateTimeOffset(),
                    durations.TryGetValue((id, seq), out var d) ? d : null));
            }

        async Task AssertAllGroupsAsync()
        {
            foreach (var groupBy in new[] { "agent", "model", "tool", "day", "hour" })
            {
                var until = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(2).ToString("O"));
                var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"));
                var reply = await client.Get($"/api/stats?group_by={groupBy}&since={since}&until={until}");
                Assert.True(reply.Status == 200, reply.Text);
                var actual = reply.Body.GetProperty("data").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString() ?? "");
                var expected = Expected(groupBy, steps, sessions);
                Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
                foreach (var (key, exp) in expected) AssertGroup(groupBy, key, exp, actual[key]);
            }
        }

        await AssertAllGroupsAsync();
        await app.RebuildAloneAsync(FleetProjection.ProjectionName);
        await AssertAllGroupsAsync();
    }

    private sealed record Group(long Sessions, long Ended, long Failed, long Events, long Errors, long LlmCalls, long LlmErrors,
        long ToolCalls, long ToolErrors, long In, long Out, decimal Cost, decimal Computed, List<double> LlmMs, List<double> ToolMs);

    private static Dictionary<string, Group> Expected(string groupBy, List<Step> steps,
        List<(string Id, string? Agent, DateTimeOffset Created)> sessions)
    {
        string? KeyOf(Step s) => groupBy switch
        {
            "agent" => s.Agent ?? "",
            "model" => Str(s.Event.GetProperty("payload"), "model"),
            "tool" => Str(s.Event.GetProperty("payload"), "tool"),
            "day" => s.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd"),
            _ => s.ReceivedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH':00:00Z'"),
        };
        var result = new Dictionary<string, Group>();
        foreach (var g in steps.Where(s => KeyOf(s) is not null).GroupBy(s => KeyOf(s)!))
        {
            var list = g.ToList();
            long sessionsCount = groupBy switch
            {
                "agent" => sessions.Count(x => (x.Agent ?? "") == g.Key),
                "day" => sessions.Count(x => x.Created.UtcDateTime.ToString("yyyy-MM-dd") == g.Key),
                "hour" => sessions.Count(x => x.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH':00:00Z'") == g.Key),
                _ => list.Select(s => s.Session).Distinct().Count(),
            };
            // Ends count in the group when the session belongs to it (agent) or used it (model, tool), or by the end's time.
            var ends = groupBy is "day" or "hour"
                ? list.Where(s => Type(s) == "session.ended").ToList()
                : steps.Where(s => Type(s) == "session.ended" && list.Any(x => x.Session == s.Session)).ToList();
            var llm = list.Where(s => Type(s) == "llm.response").ToList();
            var tool = list.Where(s => Type(s) == "tool.result").ToList();
            decimal cost = 0, computed = 0;
            long input = 0, output = 0;
            foreach (var s in llm)
            {
                var usage = s.Event.GetProperty("payload").GetProperty("usage");
                var i = usage.GetProperty("input_tokens").GetInt64();
                var o = usage.GetProperty("output_tokens").GetInt64();
                input += i; output += o;
                if (usage.TryGetProperty("cost_usd", out var c)) cost += c.GetDecimal();
                else
                {
                    var p = Prices[Str(s.Event.GetProperty("payload"), "model")!];
                    var v = (i * p.In + o * p.Out) / 1_000_000m;
                    cost += v; computed += v;
                }
            }
            result[g.Key] = new Group(sessionsCount, ends.Count, ends.Count(e => Str(e.Event.GetProperty("payload"), "status") == "error"),
                list.Count, list.Count(IsError), llm.Count, llm.Count(IsError), tool.Count, tool.Count(IsError), input, output, cost, computed,
                llm.Where(s => s.Duration is not null).Select(s => s.Duration!.Value).ToList(),
                tool.Where(s => s.Duration is not null).Select(s => s.Duration!.Value).ToList());
        }
        return result;
    }

    private static void AssertGroup(string groupBy, string key, Group e, JsonElement a)
    {
        var at = $"{groupBy}={key}";
        Assert.True(e.Sessions == a.GetProperty("sessions").GetInt64(), $"{at} sessions");
        Assert.True(e.Ended == a.GetProperty("sessions_ended").GetInt64(), $"{at} sessions_ended");
        Assert.True(e.Failed == a.GetProperty("sessions_failed").GetInt64(), $"{at} sessions_failed");
        Assert.True(e.Events == a.GetProperty("events").GetInt64(), $"{at} events");
        Assert.True(e.Errors == a.GetProperty("errors").GetInt64(), $"{at} errors");
        Assert.True(e.LlmCalls == a.GetProperty("llm").GetProperty("calls").GetInt64(), $"{at} llm calls");
        Assert.True(e.LlmErrors == a.GetProperty("llm").GetProperty("errors").GetInt64(), $"{at} llm errors");
        Assert.True(e.ToolCalls == a.GetProperty("tool").GetProperty("calls").GetInt64(), $"{at} tool calls");
        Assert.True(e.ToolErrors == a.GetProperty("tool").GetProperty("errors").GetInt64(), $"{at} tool errors");
        Assert.True(e.In == a.GetProperty("input_tokens").GetInt64(), $"{at} input tokens");
        Assert.True(e.Out == a.GetProperty("output_tokens").GetInt64(), $"{at} output tokens");
        Assert.True(e.Cost == a.GetProperty("cost_usd").GetDecimal(), $"{at} cost {e.Cost} vs {a.GetProperty("cost_usd")}");
        Assert.True(e.Computed == a.GetProperty("computed_cost_usd").GetDecimal(), $"{at} computed cost");
        AssertLatency(at + " llm", e.LlmMs, a.GetProperty("llm").GetProperty("latency_ms"));
        AssertLatency(at + " tool", e.ToolMs, a.GetProperty("tool").GetProperty("latency_ms"));
    }

    /// <summary>The documented definition: nearest rank ⌈p·n⌉ of the sorted exact values, reported as its bucket's representative.</summary>
    private static void AssertLatency(string at, List<double> exact, JsonElement a)
    {
        Assert.True(exact.Count == a.GetProperty("count").GetInt64(), $"{at} latency count");
        var sorted = exact.Order().ToList();
        foreach (var (p, name) in new[] { (0.50, "p50"), (0.95, "p95"), (0.99, "p99") })
        {
            if (sorted.Count == 0) { Assert.Equal(JsonValueKind.Null, a.GetProperty(name).ValueKind); continue; }
            var truth = sorted[(int)Math.Ceiling(p * sorted.Count) - 1];
            var reported = a.GetProperty(name).GetDouble();
            Assert.True(Math.Abs(reported - truth) <= LatencyHistogram.RelativeError * truth + 1e-9, $"{at} {name}: {reported} vs exact {truth}");
            Assert.Equal(LatencyHistogram.Representative(LatencyHistogram.Bucket(truth)), reported, 9);
        }
    }

    private static string Type(Step s) => s.Event.GetProperty("type").GetString()!;

    private static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool IsError(Step s)
    {
        var p = s.Event.GetProperty("payload");
        return Type(s) switch
        {
            "error" => true,
            "tool.result" => (p.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.False) || p.TryGetProperty("error", out _),
            "llm.response" => p.TryGetProperty("error", out _) || Str(p, "finish_reason") == "error",
            _ => false,
        };
    }
}
