using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Incidents;

/// <summary>Bad input gets a precise 4xx problem on every incidents route, never a 500.</summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInput(AppFixture app)
{
    [Fact]
    public async Task bad_input_is_never_a_500()
    {
        var client = await app.NewClientAsync();
        var session = await client.AnalysedSessionAsync(Loop());
        var id = (await client.IncidentForAsync(app, session, "loop")).GetProperty("id").GetString()!;
        var deep = new string('[', 200) + new string(']', 200);
        var big = "{\"owner\":\"" + new string('x', 20_000) + "\"}";
        var manyIds = "{\"after\":{\"session_ids\":[" + string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"s{i}\"")) + "]}}";
        var config = $"/api/projects/{client.Project}/agent-config";

        var cases = new (string Method, string Url, string? Body, string Type, int Expected)[]
        {
            ("PATCH", $"/api/incidents/{id}", deep, "application/json", 400),
            ("PATCH", $"/api/incidents/{id}", big, "application/merge-patch+json", 413),
            ("PATCH", $"/api/incidents/{id}", "{\"owner\":\"a\\u0000b\"}", "application/json", 422),
            ("PATCH", $"/api/incidents/{id}", "\"resolved\"", "application/json", 422),
            ("PATCH", $"/api/incidents/{id}", "", "application/json", 400),
            ("PATCH", "/api/incidents/inc_%20x", "{}", "application/json", 404),
            ("POST", $"/api/incidents/{id}/regression-runs", manyIds, "application/json", 422),
            ("POST", $"/api/incidents/{id}/regression-runs", deep, "application/json", 400),
            ("POST", $"/api/incidents/{id}/regression-runs", "{\"after\":{\"since\":12}}", "application/json", 422),
            ("GET", $"/api/incidents/{id}/regression-runs/{new string('r', 300)}", null, "application/json", 404),
            ("GET", "/api/incidents?cursor=%25%25%25", null, "application/json", 422),
            ("GET", "/api/incidents?limit=99999999999", null, "application/json", 422),
            ("GET", "/api/audit-logs?since=2020-13-45", null, "application/json", 422),
            ("PUT", config, "{\"content\":\"a\\u0000\"}", "application/json", 422),
            ("PUT", config, "{\"content\":1}", "application/json", 422),
            ("PUT", config, "[1]", "application/json", 422),
            ("PUT", config, new string('x', 70_000), "text/plain", 413),
            ("PUT", "/api/projects/../agent-config", "x", "text/plain", 404),
        };
        foreach (var (method, url, body, type, expected) in cases)
        {
            var reply = await client.Send(method, url, body, type);
            Assert.True(reply.Status == expected, $"{method} {url}: {reply.Status} (expected {expected}) {reply.Text}");
        }

        // Invalid UTF-8 as text/plain.
        var raw = await app.Host.Server.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Put, config)
        {
            Headers = { { "Authorization", "Bearer " + client.Token } },
            Content = new ByteArrayContent([0x6d, 0xff, 0xfe, 0x0a]) { Headers = { { "Content-Type", "text/plain" } } },
        });
        Assert.Equal(400, (int)raw.StatusCode);
    }
}
