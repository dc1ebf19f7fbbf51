using Microsoft.AspNetCore.Http.HttpResults;

namespace Tracing.Api.Infrastructure;

/// <summary>RFC 9457 problem responses. Every error of the API goes through here.</summary>
public static class Problems
{
    public const string TypeBase = "https://tracing.dev/problems/";

    public static ProblemHttpResult Problem(int status, string slug, string title, string detail,
        IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeBase + slug, extensions: extensions);

    public static ProblemHttpResult BadRequest(string detail) => Problem(400, "malformed-request", "Malformed request", detail);
    public static ProblemHttpResult Unauthorized(string detail) => Problem(401, "unauthorized", "Unauthorized", detail);
    public static ProblemHttpResult Forbidden(string detail) => Problem(403, "forbidden", "Forbidden", detail);
    public static ProblemHttpResult NotFound(string detail) => Problem(404, "not-found", "Not found", detail);
    public static ProblemHttpResult Conflict(string detail) => Problem(409, "conflict", "Conflict", detail);
    public static ProblemHttpResult TooLarge(string detail) => Problem(413, "payload-too-large", "Payload too large", detail);
    public static ProblemHttpResult UnsupportedMediaType(string detail) => Problem(415, "unsupported-media-type", "Unsupported media type", detail);

    public static ProblemHttpResult Validation(string field, string detail) =>
        Problem(422, "validation", "Validation failed", detail,
            new Dictionary<string, object?> { ["errors"] = new[] { new { field, message = detail } } });

    public static ProblemHttpResult SessionNotFound(string id) =>
        NotFound($"Trace session '{id}' is not visible to this credential.");
}
