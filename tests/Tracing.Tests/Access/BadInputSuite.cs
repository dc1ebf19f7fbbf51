using System.Net.Http.Headers;
using Tracing.Tests.Incidents;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Access;

/// <summary>
/// Every generated bad input of <see cref="BadInputs"/> gets a 4xx problem document (never a 500), and the store holds
/// exactly what it held before: the workspace's events, projects and keys are counted before and after.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputSuite(AppFixture app)
{
    private static readonly List<BadInput> Inputs = BadInputs.All().ToList();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var input in Inputs) data.Add(input.ToString());
        return data;
    }

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (AppFixture App, TestClient Owner, string Incident)? _incident;

    /// <summary>One incident, built once and shared: bad input changes nothing, which is what every case checks.</summary>
    private async Task<(TestClient Owner, string Incident)> IncidentAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_incident is { } built && built.App == app) return (built.Owner, built.Incident);
            var owner = await app.NewClientAsync(project: "proj");
            await owner.CreateSession("s");
            var failing = await owner.AnalysedSessionAsync(IncidentScenarios.ToolFailure());
            var id = (await owner.IncidentForAsync(app, failing, "tool_error")).GetProperty("id").GetString()!;
            _incident = (app, owner, id);
            return (owner, id);
        }
        finally { Gate.Release(); }
    }

    /// <summary>What a write could leave behind in a workspace: events, projects, keys, audit entries, agent configs, runs.</summary>
    private static async Task<long[]> CountAsync(string workspace)
    {
        var s = AppFixture.Schema;
        var rows = await Database.QueryAsync(
            $"select (select count(*) from {s}.mt_events where tenant_id = $1), " +
            $"(select count(*) from {s}.mt_doc_project where data ->> 'workspace_id' = $1), " +
            $"(select count(*) from {s}.mt_doc_apikey where data ->> 'workspace_id' = $1), " +
            $"(select count(*) from {s}.mt_doc_auditentry where tenant_id = $1), " +
            $"(select count(*) from {s}.mt_doc_agentconfig where tenant_id = $1), " +
            $"(select count(*) from {s}.mt_doc_regressionrun where tenant_id = $1)",
            r => new[] { r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5) }, workspace);
        return rows[0];
    }

    [Fact]
    public void every_write_endpoint_gets_bad_inputs()
    {
        Assert.Equal(
            ["Analyze", "AppendEvents", "CreateKey", "CreateProject", "CreateTrace", "DeleteTrace", "DispatchFixAgent", "Export", "GetStats", "PatchIncident",
             "PutAgentConfig", "PutAnalysis", "RegisterArtifact", "RevokeKey", "SearchEvents", "StartRegressionRun", "UploadArtifact"],
            Inputs.Select(i => i.Target).Distinct().Order());
        Assert.Equal(Inputs.Count, Inputs.Select(i => i.ToString()).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task a_bad_input_is_a_4xx_problem_and_stores_nothing(string name)
    {
        var input = Inputs.Single(i => i.ToString() == name);
        TestClient owner;
        var url = input.Url;
        if (url.Contains("{incident}"))
        {
            var (shared, incident) = await IncidentAsync();
            owner = shared;
            url = url.Replace("{incident}", incident);
        }
        else
        {
            owner = await app.NewClientAsync(project: "proj");
            await owner.CreateSession("s");
        }
        var before = await CountAsync(owner.Workspace);

        using var request = new HttpRequestMessage(new HttpMethod(input.Method), url);
        switch (input.Sender)
        {
            case Sender.OwnerKey:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);
                break;
            case Sender.Service:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AppFixture.ServiceToken);
                request.Headers.Add("X-Tracing-Workspace", owner.Workspace);
                request.Headers.Add("X-Tracing-Project", "proj");
                break;
            default:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestKeys.Hs256(owner.Workspace, "admin"));
                break;
        }
        if (input.Body is not null)
        {
            request.Content = new ByteArrayContent(input.Body);
            if (input.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(input.ContentType);
        }

        using var http = app.Host.Server.CreateClient();
        using var response = await http.SendAsync(request);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(status is >= 400 and < 500, $"{name}: {status} {body[..Math.Min(body.Length, 300)]}");
        if (input.Expected is { } expected) Assert.True(expected == status, $"{name}: expected {expected}, got {status} {body[..Math.Min(body.Length, 300)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await CountAsync(owner.Workspace));
    }

    [Fact]
    public async Task valid_multibyte_utf8_split_across_reads_is_accepted()
    {
        var owner = await app.NewClientAsync();
        var id = await owner.CreateSession();
        var text = string.Concat(Enumerable.Repeat("é€😀ß", 5_000)); // 55 KB of raw UTF-8: sequences straddle buffer boundaries
        var reply = await owner.Send("POST", $"/api/traces/{id}/events",
            "{\"seq\":1,\"type\":\"log\",\"payload\":{\"text\":\"" + text + "\"}}", "application/json");
        Assert.Equal(201, reply.Status);
        var stored = (await owner.ReadAll(id)).Single().GetProperty("payload").GetProperty("text").GetString();
        Assert.Equal(text, stored);
    }
}
