using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Artifacts;

[Collection(ApiCollection.Name)]
public sealed class ArtifactApiDocument(AppFixture app)
{
    [Fact]
    public async Task the_openapi_document_describes_the_artifact_routes_and_upload_bodies()
    {
        var client = await app.NewClientAsync();
        var doc = await client.Get("/openapi/v1.json", bearer: "");
        var paths = doc.Body.GetProperty("paths");

        var upload = paths.GetProperty("/api/traces/{id}/artifacts").GetProperty("post");
        Assert.Equal("UploadArtifact", upload.GetProperty("operationId").GetString());
        var content = upload.GetProperty("requestBody").GetProperty("content");
        foreach (var type in new[] { "multipart/form-data", "application/json", "*/*" }) Assert.True(content.TryGetProperty(type, out _), type);
        foreach (var status in new[] { "201", "413", "415", "422" })
            Assert.True(upload.GetProperty("responses").TryGetProperty(status, out _), status);

        Assert.True(paths.GetProperty("/artifacts/{artifact_id}").GetProperty("get").GetProperty("responses").TryGetProperty("302", out _));
        Assert.True(paths.GetProperty("/artifacts/{artifact_id}/content").GetProperty("get").GetProperty("responses").TryGetProperty("206", out _));
        Assert.True(doc.Body.GetProperty("components").GetProperty("schemas").TryGetProperty("ArtifactView", out _));
    }
}
