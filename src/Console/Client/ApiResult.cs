using System.Text.Json;

namespace Tracing.WebConsole.Client;

/// <summary>An RFC 9457 problem document as the API sends it.</summary>
public sealed record Problem(string? Type, string? Title, int? Status, string? Detail, string? RequestId);

/// <summary>One API answer: the status, the parsed body on success, the problem otherwise, and the ETag when sent.</summary>
public sealed record ApiResult<T>(int Status, T? Value, Problem? Problem, string? ETag, string? Location)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>What a page shows for a failure: the API's own words.</summary>
    public string Message => Problem is { } p
        ? $"{p.Title ?? "Error"} ({Status}): {p.Detail}"
        : $"The API answered {Status}.";
}

public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
