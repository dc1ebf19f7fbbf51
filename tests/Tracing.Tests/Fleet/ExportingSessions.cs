using System.Text;
using System.Text.Json;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Fleet;

[Collection(ApiCollection.Name)]
public sealed class ExportingSessions(AppFixture app)
{
    private const string Card = "4111 1111 1111 1111";

    private async Task<TestClient> TwoSessionsAsync()
    {
        var client = await app.NewClientAsync();
        await client.Post("/api/traces", new { id = "exp-a", agent = "planner", metadata = new { owner = "ann@example.com" } });
        await client.Post("/api/traces", new { id = "exp-b", agent = "coder" });
        await client.Append("exp-a",
            Ev(1, "llm.response", new { model = "gpt-4o", content = "the secret plan", usage = new { input_tokens = 5, output_tokens = 3 } }),
            Ev(2, "tool.call", new { tool = "pay", args = new { api_key = "sk-live-123", note = $"card {Card} for bob@example.org" } }));
        await client.Append("exp-b", Ev(2, "log", new { message = "b2" }), Ev(1, "log", new { message = "b1" }));
        await app.WaitForProjectionsAsync();
        return client;
    }

    [Fact]
    public async Task a_jsonl_export_hashes_the_same_twice_and_its_header_is_the_bodys_sha256()
    {
        var client = await TwoSessionsAsync();
        var first = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?format=jsonl");
        var second = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?format=jsonl");

        Assert.Equal(200, first.Status);
        Assert.Equal(first.Sha256, first.Header("X-Export-Sha256"));
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Header("X-Export-Sha256"), second.Header("X-Export-Sha256"));
        Assert.Equal("2", first.Header("X-Export-Count"));
        Assert.Equal("4", first.Header("X-Export-Events"));
        Assert.Equal("false", first.Header("X-Export-Truncated"));
        Assert.Equal("true", first.Header("X-Export-Redacted"));
        Assert.Matches("""^attachment; filename="tracing-sessions-\d{8}T\d{6}Z\.jsonl"$""", first.Header("Content-Disposition"));

        // Stable order: sessions by creation, events by seq (exp-b's were sent 2, 1).
        var lines = first.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["exp-a", "exp-b"], lines.Select(l => l.GetProperty("session").GetProperty("id").GetString()));
        Assert.Equal([1L, 2L], lines[1].GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task json_and_html_carry_a_provenance_block_that_points_at_the_jsonl_export()
    {
        var client = await TwoSessionsAsync();
        var jsonl = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?format=jsonl&agent=planner");
        var json = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?format=json&agent=planner");
        var html = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?format=html&agent=planner");

        Assert.Equal(json.Sha256, json.Header("X-Export-Sha256"));
        Assert.Equal(html.Sha256, html.Header("X-Export-Sha256"));
        var doc = JsonDocument.Parse(json.Body).RootElement;
        var p = doc.GetProperty("provenance");
        Assert.Equal(jsonl.Sha256, p.GetProperty("jsonl_sha256").GetString());
        Assert.Equal(1, p.GetProperty("count").GetInt32());
        Assert.Equal(1, p.GetProperty("total_available").GetInt64());
        Assert.False(p.GetProperty("truncated").GetBoolean());
        Assert.Equal("planner", p.GetProperty("filters").GetProperty("agent").GetString());
        Assert.True(p.GetProperty("redacted").GetBoolean());
        Assert.Equal("tracing", p.GetProperty("tool").GetString());
        Assert.Equal(JsonValueKind.String, p.GetProperty("exported_at").ValueKind);
        // The sessions array holds exactly the jsonl lines.
        Assert.Equal(jsonl.Text.TrimEnd('\n'), doc.GetProperty("sessions")[0].GetRawText());

        Assert.Equal("text/html", html.ContentType);
        Assert.Contains(jsonl.Sha256, html.Text);
        Assert.DoesNotContain("<script", html.Text);
        Assert.DoesNotMatch("(src|href)=\"?(https?:)?//", html.Text);
        Assert.Contains("<svg", html.Text);
        Assert.Contains("exp-a", html.Text);
    }

    [Fact]
    public async Task payloads_are_redacted_by_default_and_raw_needs_the_read_raw_scope_or_an_admin()
    {
        var client = await TwoSessionsAsync();
        var redacted = await ExportHttp.GetAsync(app, client.Token, "/api/traces/exp-a/export");
        Assert.Equal(200, redacted.Status);
        Assert.Equal("true", redacted.Header("X-Export-Redacted"));
        foreach (var secret in new[] { "the secret plan", "sk-live-123", Card, "bob@example.org", "ann@example.com" })
            Assert.DoesNotContain(secret, redacted.Text);
        Assert.Contains("[REDACTED:card]", redacted.Text);
        Assert.Contains("[REDACTED:email]", redacted.Text);
        Assert.Contains("\"api_key\":\"[REDACTED]\"", redacted.Text);
        Assert.Contains("\"tool\":\"pay\"", redacted.Text); // everything else is kept

        var refused = await ExportHttp.GetAsync(app, client.Token, "/api/traces/exp-a/export?raw=true");
        Assert.Equal(403, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);

        var rawKey = await app.NewClientAsync(workspace: client.Workspace, project: client.Project, scopes: ["traces:read", "traces:read_raw"]);
        var raw = await ExportHttp.GetAsync(app, rawKey.Token, "/api/traces/exp-a/export?raw=true");
        Assert.Equal(200, raw.Status);
        Assert.Equal("false", raw.Header("X-Export-Redacted"));
        foreach (var secret in new[] { "the secret plan", "sk-live-123", Card, "bob@example.org", "ann@example.com" })
            Assert.Contains(secret, raw.Text);

        var admin = await ExportHttp.GetAsync(app, TestKeys.Hs256(client.Workspace, "admin"), "/api/traces/exp-a/export?raw=true&format=json",
            new Dictionary<string, string> { ["X-Tracing-Project"] = client.Project });
        Assert.Equal(200, admin.Status);
        Assert.Contains("sk-live-123", admin.Text);
        Assert.False(JsonDocument.Parse(admin.Body).RootElement.GetProperty("provenance").GetProperty("redacted").GetBoolean());
    }

    [Fact]
    public async Task csv_is_rfc_4180_with_a_bom_and_guards_formula_injection_but_never_numbers()
    {
        var client = await app.NewClientAsync();
        var hostile = new[] { "=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "a,b", "say \"hi\"", "line\nbreak", "plain" };
        for (var i = 0; i < hostile.Length; i++)
            await client.Post("/api/traces", new { id = $"csv-{i}", agent = hostile[i], name = hostile[i] });
        await client.Append("csv-0", Ev(1, "llm.response", new { model = "m", usage = new { input_tokens = 7, output_tokens = 1, cost_usd = 0.25 } }));
        await app.WaitForProjectionsAsync();

        var csv = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?format=csv&raw=false");
        Assert.Equal(200, csv.Status);
        Assert.Equal(csv.Sha256, csv.Header("X-Export-Sha256"));
        Assert.Equal([0xEF, 0xBB, 0xBF], csv.Body.Take(3));
        var text = Encoding.UTF8.GetString(csv.Body, 3, csv.Body.Length - 3);
        var rows = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("session_id,project_id,agent,name,status,", rows[0]);
        var expected = new[] { "\"'=HYPERLINK(\"\"http://x\"\")\"", "'+1+1", "'-2", "'@SUM(A1)", "'\tTAB", "\"'\rCR\"", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"line\nbreak\"", "plain" };
        for (var i = 0; i < hostile.Length; i++)
            Assert.StartsWith($"csv-{i},proj,{expected[i]},{expected[i]},active,", rows[i + 1]);
        // Numbers are written as numbers: 7 input tokens, cost 0.25, never prefixed.
        Assert.EndsWith(",7,1,0.25", rows[1]);
        Assert.Equal(hostile.Length, int.Parse(csv.Header("X-Export-Count")));
    }

    [Fact]
    public async Task a_session_exports_with_its_events_before_the_read_model_has_caught_up()
    {
        var client = await app.NewClientAsync();
        await client.CreateSession("fresh");
        await client.Append("fresh", Ev(1), Ev(2));
        // No wait for the projections: the inline head and the event log are enough.
        var export = await ExportHttp.GetAsync(app, client.Token, "/api/traces/fresh/export");
        Assert.Equal(200, export.Status);
        var line = JsonDocument.Parse(export.Text.TrimEnd('\n')).RootElement;
        Assert.Equal("fresh", line.GetProperty("session").GetProperty("id").GetString());
        Assert.Equal([1L, 2L], line.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task the_server_cap_truncates_explicitly_and_bad_parameters_are_422()
    {
        var client = await app.NewClientAsync();
        for (var i = 0; i <= AppFixture.ExportMaxSessions; i++) await client.CreateSession($"cap-{i:D2}");
        await app.WaitForProjectionsAsync();

        var capped = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?format=json");
        Assert.Equal("true", capped.Header("X-Export-Truncated"));
        Assert.Equal(AppFixture.ExportMaxSessions.ToString(), capped.Header("X-Export-Count"));
        var p = JsonDocument.Parse(capped.Body).RootElement.GetProperty("provenance");
        Assert.True(p.GetProperty("truncated").GetBoolean());
        Assert.Equal(AppFixture.ExportMaxSessions + 1, p.GetProperty("total_available").GetInt64());
        var narrowed = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?format=jsonl&status=active&since=2000-01-01T00:00:00Z");
        Assert.Equal("true", narrowed.Header("X-Export-Truncated"));
        var one = await ExportHttp.GetAsync(app, client.Token, "/api/traces/cap-00/export");
        Assert.Equal("false", one.Header("X-Export-Truncated"));

        foreach (var (url, field) in new[] { ("format=xml", "format"), ("raw=maybe", "raw"), ("status=gone", "status"), ("since=soon", "since") })
        {
            var bad = await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?" + url);
            Assert.Equal(422, bad.Status);
            Assert.Contains($"\"field\":\"{field}\"", bad.Text);
        }
        Assert.Equal(403, (await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?project_id=elsewhere")).Status);
        Assert.Equal(404, (await ExportHttp.GetAsync(app, client.Token, "/api/export/sessions?incident_id=inc-missing")).Status);
        Assert.Equal(404, (await ExportHttp.GetAsync(app, client.Token, "/api/traces/nope/export")).Status);
    }

    [Fact]
    public async Task exports_never_show_another_project_or_workspace()
    {
        var owner = await TwoSessionsAsync();
        var sibling = await app.NewClientAsync(workspace: owner.Workspace, project: "other");
        var stranger = await app.NewClientAsync();
        await sibling.CreateSession("sib-1");
        await app.WaitForProjectionsAsync();

        var mine = await ExportHttp.GetAsync(app, owner.Token, "/api/export/sessions?format=csv");
        Assert.Contains("exp-a", mine.Text);
        Assert.DoesNotContain("sib-1", mine.Text);
        var theirs = await ExportHttp.GetAsync(app, sibling.Token, "/api/export/sessions?format=jsonl");
        Assert.Contains("sib-1", theirs.Text);
        Assert.DoesNotContain("exp-a", theirs.Text);
        Assert.Equal("0", (await ExportHttp.GetAsync(app, stranger.Token, "/api/export/sessions")).Header("X-Export-Count"));
        Assert.Equal(404, (await ExportHttp.GetAsync(app, sibling.Token, "/api/traces/exp-a/export")).Status);
        Assert.Equal(404, (await ExportHttp.GetAsync(app, stranger.Token, "/api/traces/exp-a/export")).Status);
        Assert.Equal(403, (await ExportHttp.GetAsync(app, sibling.Token, $"/api/export/sessions?project_id={owner.Project}")).Status);
    }
}
