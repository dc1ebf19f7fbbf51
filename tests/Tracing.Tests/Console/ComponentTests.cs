using System.Text.Json;
using Bunit;
using Tracing.WebConsole.Client;
using Tracing.WebConsole.Incidents;
using Tracing.WebConsole.Replay;
using Xunit;

namespace Tracing.Tests.Console;

/// <summary>bUnit: the console's components rendered without a browser or a server.</summary>
public sealed class ComponentTests : BunitContext
{
    public ComponentTests() => JSInterop.Mode = JSRuntimeMode.Loose;

    private static TraceEvent Event(long seq, string type, string? span = null, string? parent = null, object? payload = null) =>
        TraceEvent.Parse(JsonSerializer.SerializeToElement(new { seq, type, span_id = span, parent_span_id = parent, payload = payload ?? new { } }));

    private static TimelineModel Nested()
    {
        var model = new TimelineModel();
        model.Add([
            Event(1, "agent.step", "run"),
            Event(2, "llm.request", "llm", "run"),
            Event(3, "tool.call", "tool", "llm"),
            Event(4, "tool.result", "tool", "llm", new { ok = false, error = new { type = "Timeout", message = "slow" } }),
            Event(5, "log", parent: "llm"),
            Event(6, "agent.step", "run"),
            Event(7, "log"),
        ]);
        return model;
    }

    [Fact]
    public void the_timeline_keeps_seq_order_and_indents_each_event_by_its_span_depth()
    {
        var cut = Render<Timeline>(p => p.Add(x => x.Model, Nested()));

        var rows = cut.FindAll(".row");
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"], rows.Select(r => r.GetAttribute("data-seq")));
        Assert.Equal(["0", "1", "2", "2", "2", "0", "0"], rows.Select(r => r.GetAttribute("data-depth")));
        Assert.Contains("error", rows[3].ClassList); // the failed tool result
        Assert.DoesNotContain("error", rows[2].ClassList);
    }

    [Fact]
    public void the_timeline_model_ignores_repeats_and_older_seqs_so_a_resumed_stream_cannot_duplicate()
    {
        var model = Nested();
        Assert.Equal(1, model.Add([Event(6, "log"), Event(7, "log"), Event(8, "log")]));
        Assert.Equal(8, model.LastSeq);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), model.Rows.Select(r => r.Event.Seq));
    }

    [Fact]
    public void a_response_carrying_its_request_shows_the_request_first_and_its_span_starts_at_started_at()
    {
        var e = TraceEvent.Parse(JsonSerializer.SerializeToElement(new
        {
            seq = 2, type = "llm.response", span_id = "llm", ts = "2026-03-01T09:00:01.5Z",
            payload = new
            {
                model = "gpt-4o-2024-08-06", content = "Sunny.", finish_reason = "stop", started_at = "2026-03-01T09:00:00Z",
                request = new { provider = "openai", input_tokens = 12, messages = new[] { new { role = "user", content = "Weather?" } } },
            },
        }));
        var detail = Render<EventDetail>(p => p.Add(x => x.Event, e).Add(x => x.Project, "p"));

        var carried = detail.Find("section.carried");
        Assert.Equal("llm.request", carried.GetAttribute("data-carried-type"));
        Assert.Contains("Weather?", carried.QuerySelector(".conversation")!.TextContent);
        Assert.Contains("openai gpt-4o-2024-08-06", carried.QuerySelector(".meta")!.TextContent); // the model it left out comes from the response
        Assert.Equal("Sunny.", detail.Find(".msg[data-role=assistant] .content").TextContent);
        Assert.Contains("2026-03-01 09:00:00Z", detail.Find(".facts").TextContent);

        var model = new TimelineModel();
        model.Add([e]);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Assert.Single(model.Spans()).Duration);
    }

    [Fact]
    public void a_span_cycle_does_not_hang_the_depth_rule()
    {
        var model = new TimelineModel();
        model.Add([Event(1, "log", "a", "b"), Event(2, "log", "b", "a")]);
        Assert.All(model.Rows, r => Assert.InRange(r.Depth, 0, 32));
    }

    [Fact]
    public void the_diff_view_numbers_old_and_new_lines_and_marks_additions_and_removals()
    {
        const string diff = "--- a/agent.yaml\n+++ b/agent.yaml\n@@ -2,3 +2,3 @@\n model: gpt-4o\n-tool_retry_attempts: 5\n+tool_retry_attempts: 3\n on_tool_error: ignore\n";
        var cut = Render<DiffView>(p => p.Add(x => x.Diff, diff));

        var rows = cut.FindAll("tr").Select(r => (Kind: r.GetAttribute("data-kind"), Cells: r.QuerySelectorAll("td").Select(c => c.TextContent).ToArray())).ToList();
        Assert.Equal(["file", "file", "hunk", "context", "removed", "added", "context"], rows.Select(r => r.Kind));
        Assert.Equal(["3", "", "-tool_retry_attempts: 5"], rows[4].Cells);
        Assert.Equal(["", "3", "+tool_retry_attempts: 3"], rows[5].Cells);
        Assert.Equal(["4", "4", " on_tool_error: ignore"], rows[6].Cells);
    }

    [Fact]
    public void a_finding_links_to_its_critical_step_and_evidence_steps_and_the_timeline_highlights_them()
    {
        var analysis = new AnalysisRow("s1", "detectors-v1", 7,
            [new FindingRow("tool_error", "carried_on", 0.9m, 4, [3, 4], "fp", "search failed and the agent carried on")],
            [], "manual", DateTimeOffset.UnixEpoch, null);
        var jumps = new List<long>();
        var panel = Render<FindingsPanel>(p => p.Add(x => x.Analysis, analysis).Add(x => x.OnJump, seq => jumps.Add(seq)));

        panel.Find(".critical-jump").Click();
        for (var i = 0; i < 2; i++) panel.FindAll(".chip")[i].Click(); // found again after each click: the panel re-renders
        Assert.Equal([4, 3, 4], jumps);

        var timeline = Render<Timeline>(p => p.Add(x => x.Model, Nested())
            .Add(x => x.Critical, new HashSet<long> { 4 }).Add(x => x.Evidence, new HashSet<long> { 3, 4 }).Add(x => x.Selected, 4L));
        var critical = timeline.Find(".row[data-seq='4']");
        Assert.Contains("critical", critical.ClassList);
        Assert.Contains("selected", critical.ClassList);
        Assert.Equal("true", critical.GetAttribute("aria-selected"));
        Assert.Contains("evidence", timeline.Find(".row[data-seq='3']").ClassList);
        Assert.Equal("row-4", timeline.Find("[role=listbox]").GetAttribute("aria-activedescendant"));
    }
}
