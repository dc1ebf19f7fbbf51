namespace Tracing.Api.Infrastructure;

/// <summary>Writes a problem document from middleware (authentication, rate limits), outside an endpoint's IResult.</summary>
public static class ProblemWriter
{
    public static async Task WriteAsync(HttpContext http, int status, string slug, string title, string detail)
    {
        http.Response.StatusCode = status;
        var context = new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Type = Problems.TypeBase + slug },
        };
        // Clients that accept only text/event-stream still get a problem document, not a 500.
        var service = http.RequestServices.GetService<IProblemDetailsService>();
        if (service is not null && await service.TryWriteAsync(context)) return;
        context.ProblemDetails.Extensions["request_id"] = RequestIds.For(http);
        await http.Response.WriteAsJsonAsync(context.ProblemDetails, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
