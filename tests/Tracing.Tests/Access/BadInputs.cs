using System.Text;

namespace Tracing.Tests.Access;

/// <summary>Who sends a bad-input probe: the owner's key, the service credential (server routes) or an admin token.</summary>
public enum Sender { OwnerKey, Service, AdminJwt }

/// <summary>
/// One malformed request. The session "s" of project "proj" exists; <c>{incident}</c> in the URL stands for an incident
/// of that project. Expected null means "any 4xx".
/// </summary>
public sealed record BadInput(string Target, string Case, Sender Sender, string Method, string Url, byte[]? Body, string? ContentType, int? Expected)
{
    public override string ToString() => $"{Target}: {Case}";
}

/// <summary>
/// Generated malformed inputs for every write endpoint: the generic JSON attacks (wrong or missing content type,
/// empty, truncated, 1000-deep nesting, invalid UTF-8, raw NUL bytes, duplicated keys, wrong roots, huge strings,
/// bodies over the route's limit) for each JSON route, then each route's own wrong types, missing fields, escaped NULs
/// and out-of-range numbers, then malformed path segments. POST /api/stream/tickets takes no input.
/// </summary>
public static class BadInputs
{
    private sealed record JsonTarget(string Name, Sender Sender, string Method, string Url, long MaxBytes, string StringField);

    private static readonly JsonTarget[] JsonTargets =
    [
        new("CreateTrace", Sender.OwnerKey, "POST", "/api/traces", 256 * 1024, "agent"),
        new("AppendEvents", Sender.OwnerKey, "POST", "/api/traces/s/events", 16 * 1024 * 1024, "type"),
        new("PutAnalysis", Sender.Service, "PUT", "/api/traces/s/analysis", 4 * 1024 * 1024, "detector_version"),
        new("RegisterArtifact", Sender.Service, "POST", "/api/traces/s/artifacts", 16 * 1024, "storage_path"),
        new("CreateProject", Sender.AdminJwt, "POST", "/api/projects", 16 * 1024, "id"),
        new("CreateKey", Sender.AdminJwt, "POST", "/api/projects/proj/keys", 16 * 1024, "name"),
        new("PatchIncident", Sender.OwnerKey, "PATCH", "/api/incidents/{incident}", 16 * 1024, "owner"),
        new("StartRegressionRun", Sender.OwnerKey, "POST", "/api/incidents/{incident}/regression-runs", 64 * 1024, "after"),
        new("SearchEvents", Sender.OwnerKey, "POST", "/api/search/events", 64 * 1024, "cursor"),
    ];

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string Deep(int levels, string open, string close, string inner = "0") =>
        string.Concat(Enumerable.Repeat(open, levels)) + inner + string.Concat(Enumerable.Repeat(close, levels));

    public static IEnumerable<BadInput> All()
    {
        foreach (var t in JsonTargets)
        {
            BadInput J(string name, string body, int? expected, string contentType = "application/json") =>
                new(t.Name, name, t.Sender, t.Method, t.Url, B(body), contentType, expected);

            // Register mode is chosen by Content-Type: other types are uploads, which the service credential may not make.
            var wrongType = t.Name == "RegisterArtifact" ? 403 : 415;
            yield return J("wrong content type", "{}", wrongType, "text/plain");
            yield return J("form content type", "id=x", wrongType, "application/x-www-form-urlencoded");
            yield return new BadInput(t.Name, "no content type", t.Sender, t.Method, t.Url, B("{}"), null, wrongType);
            yield return J("empty body", "", 400);
            yield return J("truncated", "{\"a\":", 400);
            yield return J("not json", "hello", 400);
            yield return J("1000-deep arrays", Deep(1000, "[", "]"), 400);
            yield return J("1000-deep objects", Deep(1000, "{\"a\":", "}"), 400);
            yield return J($"1000-deep under {t.StringField}", $"{{\"{t.StringField}\":{Deep(1000, "[", "]")}}}", 400);
            yield return new BadInput(t.Name, "invalid UTF-8", t.Sender, t.Method, t.Url,
                [.. B($"{{\"{t.StringField}\":\""), 0xC3, 0x28, 0xFF, .. B("\"}")], "application/json", 400);
            yield return new BadInput(t.Name, "raw NUL byte", t.Sender, t.Method, t.Url,
                [.. B($"{{\"{t.StringField}\":\"a"), 0x00, .. B("b\"}")], "application/json", 400);
            yield return J("duplicated keys", $"{{\"{t.StringField}\":\"a\",\"{t.StringField}\":\"b\"}}", 400);
            yield return J("array root", "[]", 422);
            yield return J("number root", "42", 422);
            yield return J("null root", "null", 422);
            yield return J("escaped NUL", $"{{\"{t.StringField}\":\"a\\u0000b\"}}", 422);
            yield return J("wrong type", $"{{\"{t.StringField}\":{{\"nested\":true}}}}", 422);
            yield return J("huge string", $"{{\"{t.StringField}\":\"{new string('x', 300 * 1024)}\"}}", null);
            yield return J("over the body limit", $"{{\"{t.StringField}\":\"{new string('x', (int)t.MaxBytes)}\"}}", 413);
        }

        foreach (var b in RouteSpecific()) yield return b;
        foreach (var b in Uploads()) yield return b;
        foreach (var b in AgentConfig()) yield return b;
        foreach (var b in Paths()) yield return b;
    }

    private static IEnumerable<BadInput> RouteSpecific()
    {
        BadInput Create(string name, string body) => new("CreateTrace", name, Sender.OwnerKey, "POST", "/api/traces", B(body), "application/json", 422);
        yield return Create("id of the wrong type", """{"id":5}""");
        yield return Create("id too long", $"{{\"id\":\"{new string('a', 129)}\"}}");
        yield return Create("id with a slash", """{"id":"a/b"}""");
        yield return Create("metadata not an object", """{"metadata":"x"}""");
        yield return Create("NUL in metadata", """{"metadata":{"k":"\u0000"}}""");
        yield return Create("started_at a number", """{"started_at":12}""");
        yield return Create("started_at out of range", """{"started_at":"10000-01-01T00:00:00Z"}""");

        BadInput Search(string name, string body, Sender sender = Sender.OwnerKey, int expected = 422) =>
            new("SearchEvents", name, sender, "POST", "/api/search/events", B(body), "application/json", expected);
        yield return Search("NUL in a filter value", """{"filters":[{"column":"tool","operator":"eq","value":"a\u0000"}]}""");
        yield return Search("NUL in a payload filter", """{"filters":[{"column":"payload.x","operator":"eq","value":"a\u0000"}]}""");
        yield return Search("NUL in project_id", """{"project_id":"p\u0000"}""", Sender.AdminJwt);
        yield return Search("bad project_id", """{"project_id":"../x"}""", Sender.AdminJwt);
        yield return Search("another project", """{"project_id":"other"}""", Sender.OwnerKey, 403);
        yield return Search("number beyond decimal", """{"filters":[{"column":"cost","operator":"gt","value":1e400}]}""");
        yield return Search("integer beyond int64", """{"filters":[{"column":"seq","operator":"gt","value":9223372036854775808}]}""");
        yield return Search("time out of range", """{"filters":[{"column":"ts","operator":"gt","value":"10000-01-01T00:00:00Z"}]}""");
        yield return Search("101 in values", "{\"filters\":[{\"column\":\"seq\",\"operator\":\"in\",\"value\":[" + string.Join(",", Enumerable.Range(1, 101)) + "]}]}");
        yield return Search("21 filters", "{\"filters\":[" + string.Join(",", Enumerable.Repeat("{\"column\":\"seq\",\"operator\":\"gt\",\"value\":1}", 21)) + "]}");
        yield return Search("path too deep", """{"filters":[{"column":"payload.a.b.c.d.e.f.g.h.i","operator":"exists","value":true}]}""");

        BadInput Stats(string name, string query, Sender sender = Sender.OwnerKey, int expected = 422) =>
            new("GetStats", name, sender, "GET", "/api/stats?" + query, null, null, expected);
        yield return Stats("group_by missing", "");
        yield return Stats("group_by unknown", "group_by=colour");
        yield return Stats("since not a time", "group_by=agent&since=soon");
        yield return Stats("since after until", "group_by=agent&since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z");
        yield return Stats("range over 400 days", "group_by=day&since=2020-01-01T00:00:00Z&until=2026-01-01T00:00:00Z");
        // A console caller's ?project_id= is resolved by authentication first: an unknown project is 404 there.
        yield return Stats("NUL in project_id", "group_by=agent&project_id=p%00", Sender.AdminJwt, 404);
        yield return Stats("another project", "group_by=agent&project_id=other", Sender.OwnerKey, 403);

        BadInput Export(string name, string url, Sender sender = Sender.OwnerKey, int expected = 422) =>
            new("Export", name, sender, "GET", url, null, null, expected);
        yield return Export("unknown format", "/api/export/sessions?format=xlsx");
        yield return Export("raw not a boolean", "/api/export/sessions?raw=yes");
        yield return Export("raw without the scope", "/api/export/sessions?raw=true", Sender.OwnerKey, 403);
        yield return Export("bad status", "/api/export/sessions?status=gone");
        yield return Export("bad until", "/api/export/sessions?until=later");
        yield return Export("another project", "/api/export/sessions?project_id=other", Sender.OwnerKey, 403);
        yield return Export("unknown incident", "/api/export/sessions?incident_id=inc-nope", Sender.OwnerKey, 404);
        yield return Export("trace: unknown format", "/api/traces/s/export?format=pdf");
        yield return Export("trace: bad id", "/api/traces/a%2Fb/export", Sender.OwnerKey, 404);

        BadInput Append(string name, string body, int expected = 422) =>
            new("AppendEvents", name, Sender.OwnerKey, "POST", "/api/traces/s/events", B(body), "application/json", expected);
        yield return Append("events not an array", """{"events":"x"}""");
        yield return Append("empty batch", """{"events":[]}""");
        yield return Append("batch over 1000", "{\"events\":[" + string.Join(",", Enumerable.Range(1, 1001).Select(i => $"{{\"seq\":{i},\"type\":\"log\"}}")) + "]}", 413);
        yield return Append("seq missing", """{"type":"log"}""");
        yield return Append("type missing", """{"seq":1}""");
        yield return Append("seq a string", """{"seq":"1","type":"log"}""");
        yield return Append("type a number", """{"seq":1,"type":7}""");
        yield return Append("seq 1e400", """{"seq":1e400,"type":"log"}""");
        yield return Append("seq beyond int64", """{"seq":9223372036854775808,"type":"log"}""");
        yield return Append("seq negative", """{"seq":-1,"type":"log"}""");
        yield return Append("seq fractional", """{"seq":1.5,"type":"log"}""");
        yield return Append("type outside the vocabulary", """{"seq":1,"type":"rm -rf"}""");
        yield return Append("payload not an object", """{"seq":1,"type":"log","payload":"x"}""");
        yield return Append("NUL in payload", """{"seq":1,"type":"log","payload":{"a":"\u0000"}}""");
        yield return Append("NUL in a payload key", """{"seq":1,"type":"log","payload":{"a\u0000":1}}""");
        yield return Append("negative tokens", """{"seq":1,"type":"llm.response","payload":{"usage":{"input_tokens":-5}}}""");
        yield return Append("tokens 1e400", """{"seq":1,"type":"llm.response","payload":{"usage":{"input_tokens":1e400}}}""");
        yield return Append("empty idempotency key", """{"seq":1,"type":"log","idempotency_key":""}""");
        yield return Append("payload over 256 KiB", $"{{\"seq\":1,\"type\":\"log\",\"payload\":{{\"x\":\"{new string('x', 257 * 1024)}\"}}}}");
        yield return Append("batch of only invalid events", """{"events":[{"seq":0,"type":"log"},{"seq":2,"type":5}]}""");

        BadInput Put(string name, string body) => new("PutAnalysis", name, Sender.Service, "PUT", "/api/traces/s/analysis", B(body), "application/json", 422);
        yield return Put("fields missing", "{}");
        yield return Put("detector_version a number", """{"detector_version":1,"last_seq":1,"findings":[]}""");
        yield return Put("last_seq negative", """{"detector_version":"x","last_seq":-1,"findings":[]}""");
        yield return Put("last_seq 1e400", """{"detector_version":"x","last_seq":1e400,"findings":[]}""");
        yield return Put("findings not an array", """{"detector_version":"x","last_seq":1,"findings":"no"}""");
        yield return Put("finding of the wrong shape", """{"detector_version":"x","last_seq":1,"findings":[{"detector":5}]}""");
        yield return Put("confidence out of range", """{"detector_version":"x","last_seq":1,"findings":[{"detector":"d","label":"l","confidence":1e400,"critical_step":1,"fingerprint":"f","summary":"s"}]}""");

        BadInput Register(string name, string body) => new("RegisterArtifact", name, Sender.Service, "POST", "/api/traces/s/artifacts", B(body), "application/json", 422);
        var sha = new string('a', 64);
        yield return Register("fields missing", "{}");
        yield return Register("path traversal", $"{{\"sha256\":\"{sha}\",\"storage_path\":\"../../etc/passwd\",\"size\":1,\"content_type\":\"text/plain\",\"kind\":\"log\"}}");
        yield return Register("size negative", $"{{\"sha256\":\"{sha}\",\"storage_path\":\"artifacts/sha256/aa/aa/{sha}\",\"size\":-1,\"content_type\":\"text/plain\",\"kind\":\"log\"}}");
        yield return Register("size 1e400", $"{{\"sha256\":\"{sha}\",\"storage_path\":\"artifacts/sha256/aa/aa/{sha}\",\"size\":1e400,\"content_type\":\"text/plain\",\"kind\":\"log\"}}");
        yield return Register("sha256 too short", """{"sha256":"abc","storage_path":"x","size":1,"content_type":"text/plain","kind":"log"}""");

        BadInput Project(string name, string body) => new("CreateProject", name, Sender.AdminJwt, "POST", "/api/projects", B(body), "application/json", 422);
        yield return Project("id missing", "{}");
        yield return Project("id a number", """{"id":5}""");
        yield return Project("id with a slash", """{"id":"a/b"}""");
        yield return Project("id too long", $"{{\"id\":\"{new string('a', 65)}\"}}");

        BadInput Key(string name, string body) => new("CreateKey", name, Sender.AdminJwt, "POST", "/api/projects/proj/keys", B(body), "application/json", 422);
        yield return Key("admin scope", """{"scopes":["admin"]}""");
        yield return Key("service scope", """{"scopes":["service"]}""");
        yield return Key("scopes a string", """{"scopes":"traces:read"}""");
        yield return Key("scope a number", """{"scopes":[1]}""");
        yield return Key("name a number", """{"name":5}""");
        yield return Key("name with a control character", """{"name":"a\nb"}""");
    }

    private static IEnumerable<BadInput> AgentConfig()
    {
        BadInput Put(string name, byte[] body, string? type, int expected) =>
            new("PutAgentConfig", name, Sender.OwnerKey, "PUT", "/api/projects/proj/agent-config", body, type, expected);
        yield return Put("xml", B("<config/>"), "application/xml", 415);
        yield return Put("no content type", B("x"), null, 415);
        yield return Put("text with invalid UTF-8", [0x61, 0xC3, 0x28, 0xFF], "text/plain", 400);
        yield return Put("text with NUL", [0x61, 0x00, 0x62], "text/plain", 422);
        yield return Put("text over 64 KiB", B(new string('x', 65 * 1024)), "text/plain", 413);
        yield return Put("json unknown field", B("""{"content":"x","extra":1}"""), "application/json", 422);
        yield return Put("json content a number", B("""{"content":1}"""), "application/json", 422);
        yield return Put("json 1000-deep", B(Deep(1000, "[", "]")), "application/json", 400);
        yield return Put("json duplicated keys", B("""{"content":"a","content":"b"}"""), "application/json", 400);
        yield return Put("json invalid UTF-8", [.. B("{\"content\":\""), 0xC3, 0x28, .. B("\"}")], "application/json", 400);
    }

    private static IEnumerable<BadInput> Uploads()
    {
        BadInput Raw(string name, string query, byte[] body, string? type, int expected) =>
            new("UploadArtifact", name, Sender.OwnerKey, "POST", "/api/traces/s/artifacts" + query, body, type, expected);
        yield return Raw("type not allowed", "?kind=log", B("MZ executable"), "application/x-msdownload", 415);
        yield return Raw("png that is not a png", "?kind=screenshot", B("not a png"), "image/png", 415);
        yield return Raw("text with invalid UTF-8", "?kind=log", [0x61, 0xC3, 0x28, 0xFF], "text/plain", 415);
        yield return Raw("text with NUL bytes", "?kind=log", [0x61, 0x00, 0x62], "text/plain", 415);
        yield return Raw("unidentifiable bytes", "?kind=log", B("just bytes"), null, 415);
        yield return Raw("kind missing", "?seq=1", B("a log"), "text/plain", 422);
        yield return Raw("kind unknown", "?kind=evil", B("a log"), "text/plain", 422);
        yield return Raw("seq not a number", "?kind=log&seq=abc", B("a log"), "text/plain", 422);
        yield return Raw("seq negative", "?kind=log&seq=-1", B("a log"), "text/plain", 422);
        yield return Raw("seq beyond int64", "?kind=log&seq=9223372036854775808", B("a log"), "text/plain", 422);
        yield return Raw("empty artifact", "?kind=log", [], "text/plain", 422);
        yield return Raw("multipart without boundary", "", B("--x\r\n"), "multipart/form-data", 400);
        yield return Raw("multipart garbage", "", B("this is not multipart"), "multipart/form-data; boundary=xyz", 400);
        yield return Raw("multipart with two files", "", B(
            "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nlog\r\n" +
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\none\r\n" +
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.txt\"\r\nContent-Type: text/plain\r\n\r\ntwo\r\n--b--\r\n"),
            "multipart/form-data; boundary=b", 422);
        yield return Raw("multipart without a file", "", B("--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nlog\r\n--b--\r\n"),
            "multipart/form-data; boundary=b", 422);
    }

    private static IEnumerable<BadInput> Paths()
    {
        // %00 is refused by Kestrel itself (400) and cannot even be sent through the in-memory server: see Limits.
        string[] ids = ["%01", "%FF", "a%2Fb", new string('a', 129), "a%20b", "..%2F..%2Fx"];
        foreach (var id in ids)
        {
            yield return new("AppendEvents", $"session id '{id[..Math.Min(id.Length, 12)]}'", Sender.OwnerKey, "POST", $"/api/traces/{id}/events",
                B("""{"seq":1,"type":"log"}"""), "application/json", 404);
            yield return new("Analyze", $"session id '{id[..Math.Min(id.Length, 12)]}'", Sender.OwnerKey, "POST", $"/api/traces/{id}/analyze", null, null, 404);
            yield return new("UploadArtifact", $"session id '{id[..Math.Min(id.Length, 12)]}'", Sender.OwnerKey, "POST",
                $"/api/traces/{id}/artifacts?kind=log", B("a log"), "text/plain", 404);
            yield return new("CreateKey", $"project id '{id[..Math.Min(id.Length, 12)]}'", Sender.AdminJwt, "POST", $"/api/projects/{id}/keys",
                B("{}"), "application/json", 404);
            yield return new("DeleteTrace", $"session id '{id[..Math.Min(id.Length, 12)]}'", Sender.AdminJwt, "DELETE",
                $"/api/traces/{id}?project_id=proj", null, null, 404);
            yield return new("RevokeKey", $"key id '{id[..Math.Min(id.Length, 12)]}'", Sender.AdminJwt, "DELETE", $"/api/keys/{id}", null, null, 404);
            yield return new("PatchIncident", $"incident id '{id[..Math.Min(id.Length, 12)]}'", Sender.OwnerKey, "PATCH", $"/api/incidents/{id}",
                B("""{"owner":"x"}"""), "application/merge-patch+json", 404);
            yield return new("DispatchFixAgent", $"incident id '{id[..Math.Min(id.Length, 12)]}'", Sender.OwnerKey, "POST",
                $"/api/incidents/{id}/fix-agent", null, null, 404);
        }
        yield return new("Analyze", "session of another project", Sender.OwnerKey, "POST", "/api/traces/missing/analyze", null, null, 404);
        yield return new("DeleteTrace", "no project named", Sender.AdminJwt, "DELETE", "/api/traces/s", null, null, 422);
        yield return new("DeleteTrace", "a key, not an admin", Sender.OwnerKey, "DELETE", "/api/traces/s", null, null, 403);
    }
}
