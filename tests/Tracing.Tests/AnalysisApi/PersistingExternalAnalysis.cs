using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.AnalysisApi;

[Collection(ApiCollection.Name)]
public sealed class PersistingExternalAnalysis(AppFixture app)
{
    private static readonly object Body = new
    {
        detector_version = "workflow@7",
        last_seq = 2,
        findings = new[]
        {
            new { detector = "custom_judge", label = "hallucination", confidence = 0.8123, critical_step = 2, evidence_seqs = new[] { 2, 1 },
                  fingerprint = "fp-judge-1", summary = "The answer contradicts the tool output." },
        },
        incident_links = new[] { "inc_123" },
    };

    private static Dictionary<string, string> As(TestClient c) => new()
    {
        ["X-Tracing-Workspace"] = c.Workspace, ["X-Tracing-Project"] = c.Project,
    };

    private static Task<Reply> Put(TestClient c, string id, object body, string bearer) =>
        c.Send("PUT", $"/api/traces/{id}/analysis", body as string ?? System.Text.Json.JsonSerializer.Serialize(body),
            "application/json", bearer, As(c));

    [Fact]
    public async Task an_api_key_is_403_and_the_service_credential_persists_idempotently()
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await client.Append(id, Ev(1), Ev(2));

        var withKey = await client.Send("PUT", $"/api/traces/{id}/analysis", System.Text.Json.JsonSerializer.Serialize(Body), "application/json");
        Assert.Equal(403, withKey.Status);

        var first = await Put(client, id, Body, AppFixture.ServiceToken);
        Assert.Equal(200, first.Status);
        Assert.True(first.Body.GetProperty("recorded").GetBoolean());
        Assert.Equal("external", first.Body.GetProperty("trigger").GetString());
        Assert.Equal(0.812m, first.Body.GetProperty("findings")[0].GetProperty("confidence").GetDecimal());
        Assert.Equal("[1,2]", first.Body.GetProperty("findings")[0].GetProperty("evidence_seqs").GetRawText());

        var again = await Put(client, id, Body, AppFixture.ServiceToken);
        Assert.False(again.Body.GetProperty("recorded").GetBoolean());

        await app.WaitForProjectionsAsync();
        var stored = await client.Get($"/api/traces/{id}/analysis");
        Assert.Equal("workflow@7", stored.Body.GetProperty("detector_version").GetString());
        Assert.Equal("inc_123", stored.Body.GetProperty("incident_links")[0].GetString());
    }

    [Theory]
    [InlineData("""{"last_seq": 1, "findings": []}""", "detector_version")]
    [InlineData("""{"detector_version": "x", "last_seq": -1, "findings": []}""", "last_seq")]
    [InlineData("""{"detector_version": "x", "last_seq": 1}""", "findings")]
    [InlineData("""{"detector_version": "x", "last_seq": 1, "findings": [{"detector": "d", "label": "l", "confidence": 2, "critical_step": 1, "fingerprint": "f", "summary": "s"}]}""", "findings[0]")]
    public async Task invalid_results_are_422_naming_the_field(string body, string field)
    {
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        var reply = await Put(client, id, body, AppFixture.ServiceToken);
        Assert.Equal(422, reply.Status);
        Assert.Equal(field, reply.Body.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task an_unknown_session_is_404()
    {
        var client = await app.NewClientAsync();
        Assert.Equal(404, (await Put(client, "missing", Body, AppFixture.ServiceToken)).Status);
    }
}
