namespace Tracing.Api.Export;

public static class ExportFormat
{
    public const string Jsonl = "jsonl";
    public const string Json = "json";
    public const string Csv = "csv";
    public const string Html = "html";
    public static readonly string[] All = [Jsonl, Json, Csv, Html];

    public static string ContentType(string format) => format switch
    {
        Jsonl => "application/x-ndjson; charset=utf-8",
        Json => "application/json; charset=utf-8",
        Csv => "text/csv; charset=utf-8; header=present",
        _ => "text/html; charset=utf-8",
    };
}

/// <summary>What an export wrote: sessions and events counted, whether the cap cut it, the body's and the jsonl form's SHA-256.</summary>
public sealed record ExportResult(int Sessions, long Events, bool Truncated, string BodySha256, string JsonlSha256);
