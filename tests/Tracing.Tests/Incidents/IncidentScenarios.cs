using System.Text.Json;
using Tracing.Domain.Incidents;
using Tracing.Tests.Support;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Incidents;

/// <summary>Builds incidents through the real API: sessions with known failures, analysed on demand.</summary>
public static class IncidentScenarios
{
    /// <summary>A tool failure: the same tool and error in two sessions is the same incident.</summary>
    public static object[] ToolFailure(string tool = "search", string error = "TimeoutError", string message = "timed out after 30s") =>
    [
        Ev(1, "agent.step", new { step = 1 }),
        Ev(2, "tool.call", new { tool, call_id = "c1", args = new { q = "weather" } }),
        Ev(3, "tool.result", new { tool, call_id = "c1", ok = false, error = new { type = error, message } }),
        Ev(4, "agent.step", new { step = 2 }),
        Ev(5, "llm.response", new { model = "gpt-4o", content = "It is sunny.", finish_reason = "stop" }),
    ];

    /// <summary>Three identical tool calls: a loop.</summary>
    public static object[] Loop(string tool = "open_page") =>
        Enumerable.Range(1, 3).Select(i => Ev(i, "tool.call", new { tool, call_id = $"c{i}", args = new { url = "https://x" } })).ToArray();

    public static object[] Clean() =>
    [
        Ev(1, "agent.step", new { step = 1 }),
        Ev(2, "tool.call", new { tool = "search", call_id = "c1", args = new { q = "weather" } }),
        Ev(3, "tool.result", new { tool = "search", call_id = "c1", ok = true, output = "sunny" }),
        Ev(4, "llm.response", new { model = "gpt-4o", content = "It is sunny.", finish_reason = "stop" }),
    ];

    /// <summary>Creates a session with these events and analyses it; returns the session id.</summary>
    public static async Task<string> AnalysedSessionAsync(this TestClient client, object[] events, string? id = null)
    {
        var session = await client.CreateSession(id);
        var appended = await client.Append(session, events);
        if (appended.Status is not (200 or 201)) throw new InvalidOperationException($"append failed: {appended.Status} {appended.Text}");
        var analysed = await client.Post($"/api/traces/{session}/analyze", "{}");
        if (analysed.Status != 200) throw new InvalidOperationException($"analyze failed: {analysed.Status} {analysed.Text}");
        return session;
    }

    /// <summary>The fingerprint of the first finding of an analysed session.</summary>
    public static async Task<string> FingerprintAsync(this TestClient client, string session, string detector)
    {
        var reply = await client.Post($"/api/traces/{session}/analyze", "{}");
        return reply.Body.GetProperty("findings").EnumerateArray()
            .First(f => f.GetProperty("detector").GetString() == detector).GetProperty("fingerprint").GetString()!;
    }

    public static async Task<JsonElement> IncidentForAsync(this TestClient client, AppFixture app, string session, string detector)
    {
        var id = IncidentIds.For(client.Project, await client.FingerprintAsync(session, detector));
        return await client.WaitForIncidentAsync(app, id, _ => true);
    }

    /// <summary>Polls GET /api/incidents/{id} (the read model is async) until <paramref name="done"/> holds, with a deadline.</summary>
    public static async Task<JsonElement> WaitForIncidentAsync(this TestClient client, AppFixture app, string id, Func<JsonElement, bool> done,
        int seconds = 30) =>
        (await Eventually.UntilAsync(async () =>
            {
                await app.WaitForProjectionsAsync();
                return await client.Get($"/api/incidents/{id}");
            },
            r => r.Status == 200 && done(r.Body),
            TimeSpan.FromSeconds(seconds), r => $"incident {id} not as expected: {r.Status} {r.Text}")).Body;

    public static Task<Reply> Patch(this TestClient client, string id, string body, string? ifMatch = null,
        string contentType = "application/merge-patch+json") =>
        client.Send("PATCH", $"/api/incidents/{id}", body, contentType, headers: ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch });
}

public static class TestClientActors
{
    /// <summary>The actor the API records for this client's key.</summary>
    public static string Actor(this TestClient client) => "key:" + client.KeyId;
}
