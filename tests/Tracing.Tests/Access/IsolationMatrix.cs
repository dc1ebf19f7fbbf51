using System.Net.Http.Headers;
using System.Text;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Access;

/// <summary>
/// Every operation of the OpenAPI document, tried with every credential of <see cref="Credential"/>: the exact status
/// of <see cref="IsolationTable"/>, a problem document for every error, and nothing of the owner's data in what
/// another project or workspace gets back.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IsolationMatrix(AppFixture app)
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    public static TheoryData<string, Credential> Cases()
    {
        var data = new TheoryData<string, Credential>();
        foreach (var row in IsolationTable.Rows)
        foreach (var credential in Enum.GetValues<Credential>())
            data.Add(row.Operation, credential);
        return data;
    }

    [Fact]
    public async Task every_operation_in_the_openapi_document_has_a_row_and_every_row_an_operation()
    {
        var doc = await (await app.NewClientAsync()).Get("/openapi/v1.json", bearer: "");
        var documented = doc.Body.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)).Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet();
        var tabled = IsolationTable.Rows.Select(r => r.Operation).ToList();

        Assert.Equal(tabled.Count, tabled.Distinct().Count());
        var missing = documented.Except(tabled).Order().ToList();
        var stale = tabled.Except(documented).Order().ToList();
        Assert.True(missing.Count == 0, "Operations without rows in IsolationTable: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Rows for operations the OpenAPI document no longer has: " + string.Join(", ", stale));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task each_credential_gets_exactly_the_expected_status(string operation, Credential credential)
    {
        var row = IsolationTable.Rows.Single(r => r.Operation == operation);
        var world = await IsolationWorld.GetAsync(app);
        var probe = await row.Request(world);
        var (bearer, headers) = world.Credentials(credential, row.ConsoleNamesProject);

        using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Url);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        foreach (var (k, v) in headers) request.Headers.Add(k, v);
        if (probe.Body is not null) request.Content = new StringContent(probe.Body, Encoding.UTF8, probe.ContentType!);

        using var http = app.Host.Server.CreateClient();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var body = mediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync();

        Assert.True(row.Expect.For(credential) == status, $"{operation} with {credential}: expected {row.Expect.For(credential)}, got {status} {body}");
        if (status >= 400) Assert.Equal("application/problem+json", mediaType);
        if (status < 400 && !row.BearerCapability && credential is Credential.OtherProjectKey or Credential.OtherWorkspaceKey or Credential.OtherWorkspaceJwt)
        {
            // What a stranger gets back holds nothing of the owner's (a 404 only echoes the id the stranger sent).
            foreach (var marker in world.OwnerMarkers(credential)) Assert.DoesNotContain(marker, body);
        }
        if (status < 400 && credential is Credential.OwnerKey && row.OwnerSees is { } sees)
            Assert.Contains(sees(world), body); // the same probe does reveal the owner's data to the owner: the check can fail
    }

    [Fact]
    public async Task a_stranger_never_reads_the_owners_agent_config()
    {
        var world = await IsolationWorld.GetAsync(app);
        var text = "owner's config " + world.PayloadMarker + " " + world.FreshId();
        Assert.Equal(200, (await world.Owner.Send("PUT", "/api/projects/proj/agent-config", text, "text/plain")).Status);
        Assert.Contains(text, (await world.Owner.Get("/api/projects/proj/agent-config")).Text);

        foreach (var credential in new[] { Credential.OtherProjectKey, Credential.OtherWorkspaceKey, Credential.OtherWorkspaceJwt })
        {
            var (bearer, _) = world.Credentials(credential, namesProject: false);
            var reply = await world.Owner.Get("/api/projects/proj/agent-config", bearer: bearer);
            Assert.True(reply.Status is 200 or 404, $"{credential}: {reply.Status}");
            Assert.DoesNotContain(world.PayloadMarker, reply.Text);
        }
    }
}
