using System.Text.Json;
using Tracing.Domain.Search;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Fleet;

[Collection(ApiCollection.Name)]
public sealed class StatsWallsAndDocument(AppFixture app)
{
    private static Dictionary<string, long> EventsByAgent(Reply r) =>
        r.Body.GetProperty("data").EnumerateArray().ToDictionary(x => x.GetProperty("key").GetString()!, x => x.GetProperty("events").GetInt64());

    [Fact]
    public async Task stats_never_count_another_project_or_workspace()
    {
        var owner = await app.NewClientAsync(project: "proj");
        var sibling = await app.NewClientAsync(workspace: owner.Workspace, project: "other");
        var stranger = await app.NewClientAsync(project: "proj");
        await FleetScenario.CreateAsync(owner, "o1", agent: "owner-agent");
        await FleetScenario.CreateAsync(sibling, "s1", agent: "sibling-agent");
        await FleetScenario.CreateAsync(stranger, "x1", agent: "stranger-agent");
        await app.WaitForProjectionsAsync();

        Assert.Equal(new Dictionary<string, long> { ["owner-agent"] = 9 }, EventsByAgent(await owner.Get("/api/stats?group_by=agent")));
        Assert.Equal(new Dictionary<string, long> { ["sibling-agent"] = 9 }, EventsByAgent(await sibling.Get("/api/stats?group_by=agent")));
        Assert.Equal(new Dictionary<string, long> { ["stranger-agent"] = 9 }, EventsByAgent(await stranger.Get("/api/stats?group_by=agent")));
        Assert.Equal(403, (await owner.Get("/api/stats?group_by=agent&project_id=other")).Status);

        var admin = app.ConsoleClient(owner.Workspace, "admin");
        Assert.Equal(new Dictionary<string, long> { ["owner-agent"] = 9, ["sibling-agent"] = 9 }, EventsByAgent(await admin.Get("/api/stats?group_by=agent")));
        var narrowed = await admin.Get("/api/stats?group_by=day&project_id=other");
        Assert.Equal(9, narrowed.Body.GetProperty("data").EnumerateArray().Sum(x => x.GetProperty("events").GetInt64()));
    }

    [Fact]
    public async Task the_openapi_document_describes_every_search_column_and_export_format()
    {
        var doc = (await (await app.NewClientAsync()).Get("/openapi/v1.json", bearer: "")).Body.GetProperty("paths");
        var search = doc.GetProperty("/api/search/events").GetProperty("post").GetProperty("description").GetString()!;
        foreach (var column in SearchColumns.Typed) Assert.Contains($"`{column.Name}`", search);
        Assert.Contains("`payload.<path>`", search);
        foreach (var op in SearchColumns.Operators) Assert.Contains(op, search);
        foreach (var path in new[] { "/api/export/sessions", "/api/traces/{id}/export" })
        {
            var export = doc.GetProperty(path).GetProperty("get");
            var text = export.GetProperty("description").GetString()!;
            foreach (var format in new[] { "jsonl", "json", "csv", "html" }) Assert.Contains(format, text);
            var parameters = export.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
            Assert.Contains("format", parameters);
            Assert.Contains("raw", parameters);
        }
        var stats = doc.GetProperty("/api/stats").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "group_by", "project_id", "since", "until" }, stats.ToHashSet());
    }
}
