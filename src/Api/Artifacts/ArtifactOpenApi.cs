using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tracing.Api.Artifacts;

/// <summary>
/// Describes the upload body in the OpenAPI document. <c>Accepts</c> metadata cannot be used: routing would then
/// refuse every other content type with a bare 415 before the endpoint could check the bytes itself.
/// </summary>
internal static class ArtifactOpenApi
{
    public static async Task DescribeUploadBody(OpenApiOperation op, OpenApiOperationTransformerContext ctx, CancellationToken ct)
    {
        var form = await ctx.GetOrCreateSchemaAsync(typeof(ArtifactUploadForm), null, ct);
        var register = await ctx.GetOrCreateSchemaAsync(typeof(RegisterArtifactInput), null, ct);
        op.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "multipart/form-data (file + kind + seq); or the raw artifact with its own Content-Type and ?kind=&seq=; " +
                          "or, with the service credential, application/json without ?kind (register mode).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new() { Schema = form },
                ["application/json"] = new() { Schema = register },
                ["*/*"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            },
        };
    }
}
