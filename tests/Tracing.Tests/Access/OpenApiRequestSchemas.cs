using System.Text.Json;
using Tracing.Domain.Incidents;
using Tracing.Domain.Regression;
using Tracing.Domain.Search;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Incidents.IncidentScenarios;

namespace Tracing.Tests.Access;

/// <summary>
/// The OpenAPI document's request schemas against the strict parsers (issue 11, item 4): the names each schema
/// declares are exactly the members its parser accepts, and through HTTP every declared member is understood while a
/// member outside the schema is refused, naming it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiRequestSchemas(AppFixture app)
{
    private static IEnumerable<string> Properties(JsonElement doc, string schema) =>
        doc.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties")
            .EnumerateObject().Select(p => p.Name);

    private static string RequestSchema(JsonElement doc, string path, string method, string mediaType) =>
        doc.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content")
            .GetProperty(mediaType).GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];

    [Fact]
    public async Task each_request_schema_names_exactly_the_members_its_parser_accepts()
    {
        var doc = (await (await app.NewClientAsync()).Get("/openapi/v1.json", bearer: "")).Body;
        var cases = new (string Schema, IEnumerable<string> Parser)[]
        {
            (RequestSchema(doc, "/api/incidents/{id}", "patch", "application/merge-patch+json"), IncidentPatch.Fields),
            (RequestSchema(doc, "/api/incidents/{id}/regression-runs", "post", "application/json"), RegressionRequest.Fields),
            ("RegressionRunAfterInput", RegressionRequest.AfterFields),
            (RequestSchema(doc, "/api/search/events", "post", "application/json"), SearchRequestParser.Fields),
            ("SearchFilterBody", SearchRequestParser.FilterFields),
        };
        foreach (var (schema, parser) in cases)
            Assert.Equal(parser.Order(StringComparer.Ordinal), Properties(doc, schema).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task every_documented_member_is_understood_and_an_undocumented_one_is_refused_by_name()
    {
        var client = await app.NewClientAsync();
        var doc = (await client.Get("/openapi/v1.json", bearer: "")).Body;
        var id = (await client.IncidentForAsync(app, await client.AnalysedSessionAsync(ToolFailure()), "tool_error")).GetProperty("id").GetString()!;
        var routes = new (string Schema, Func<string, Task<Reply>> Send)[]
        {
            (RequestSchema(doc, "/api/incidents/{id}", "patch", "application/merge-patch+json"), body => client.Patch(id, body)),
            (RequestSchema(doc, "/api/incidents/{id}/regression-runs", "post", "application/json"),
                body => client.Post($"/api/incidents/{id}/regression-runs", body)),
            (RequestSchema(doc, "/api/search/events", "post", "application/json"), body => client.Post("/api/search/events", body)),
        };
        foreach (var (schema, send) in routes)
        {
            foreach (var member in Properties(doc, schema))
            {
                // A value of no member's type: the parser may refuse the value, never the member itself.
                var reply = await send($"{{\"{member}\":true}}");
                Assert.True(reply.Status is 422 or 200 or 202, $"{schema}.{member}: {reply.Status} {reply.Text}");
                if (reply.Status != 422) continue;
                Assert.StartsWith(member, reply.Body.GetProperty("errors")[0].GetProperty("field").GetString());
                Assert.DoesNotContain("unknown", reply.Text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("cannot be patched", reply.Text, StringComparison.Ordinal);
            }
            var refused = await send("{\"not_in_the_schema\":1}");
            Assert.Equal(422, refused.Status);
            Assert.Equal("not_in_the_schema", refused.Body.GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }
}
