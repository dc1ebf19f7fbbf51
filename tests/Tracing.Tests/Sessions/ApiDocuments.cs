using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Sessions;

[Collection(ApiCollection.Name)]
public sealed class ApiDocuments(AppFixture app)
{
    [Fact]
    public async Task the_openapi_document_describes_every_endpoint_with_schemas()
    {
        var client = await app.NewClientAsync();
        var doc = await client.Get("/openapi/v1.json", bearer: "");
        Assert.Equal(200, doc.Status);
        var paths = doc.Body.GetProperty("paths");
        foreach (var (path, method) in new[]
                 {
                     ("/api/traces", "post"), ("/api/traces/{id}/events", "post"), ("/api/traces/{id}/events", "get"),
                     ("/api/traces/{id}", "get"), ("/api/sessions", "get"),
                 })
        {
            var op = paths.GetProperty(path).GetProperty(method);
            Assert.True(op.GetProperty("responses").EnumerateObject().Any(), $"{method} {path} has responses");
        }
        var schemas = doc.Body.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("SessionView", out _));
        Assert.True(schemas.TryGetProperty("AppendResponse", out _));
        Assert.True(schemas.TryGetProperty("EventBatchInput", out _));
    }

    [Fact]
    public async Task the_scalar_reference_page_loads()
    {
        var client = await app.NewClientAsync();
        var page = await client.Get("/scalar/v1", bearer: "");
        Assert.Equal(200, page.Status);
        Assert.Contains("text/html", page.ContentType);
    }
}
