using Microsoft.Extensions.DependencyInjection;
using Tracing.Api.Access;
using Tracing.Domain.Access;
using Tracing.Tests.Support;
using Xunit;

namespace Tracing.Tests.Sessions;

[Collection(ApiCollection.Name)]
public sealed class Authentication(AppFixture app)
{
    [Theory]
    [InlineData("")]
    [InlineData("not-a-key")]
    [InlineData("trk_000000000000_wrongsecret")]
    public async Task a_missing_or_bad_key_is_401_problem(string bearer)
    {
        var client = await app.NewClientAsync();
        var reply = await client.Get("/api/sessions", bearer: bearer);
        Assert.Equal(401, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal("Bearer", reply.Headers["WWW-Authenticate"]);
    }

    [Fact]
    public async Task a_right_id_with_a_wrong_secret_is_401()
    {
        var client = await app.NewClientAsync();
        var forged = client.Token[..^4] + "AAAA";
        Assert.Equal(401, (await client.Get("/api/sessions", bearer: forged)).Status);
    }

    [Fact]
    public async Task a_revoked_key_is_401_once_the_directory_forgets_it()
    {
        var client = await app.NewClientAsync();
        Assert.Equal(200, (await client.Get("/api/sessions")).Status);
        await app.Host.Services.GetRequiredService<KeyIssuer>().RevokeAsync(client.KeyId, default);
        app.Host.Services.GetRequiredService<ApiKeyDirectory>().Forget(client.KeyId);
        Assert.Equal(401, (await client.Get("/api/sessions")).Status);
    }

    [Fact]
    public async Task a_read_only_key_cannot_write_403()
    {
        var client = await app.NewClientAsync(scopes: ["traces:read"]);
        var reply = await client.Post("/api/traces", new { id = "x" });
        Assert.Equal(403, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
    }

    [Fact]
    public async Task stored_keys_hold_only_a_hash_of_the_secret()
    {
        var client = await app.NewClientAsync();
        var rows = await Database.QueryAsync($"select data::text from {AppFixture.Schema}.mt_doc_apikey where id = $1",
            r => r.GetString(0), client.KeyId);
        Assert.True(ApiKeyFormat.TryParse(client.Token, out _, out var secret)); // base64url secrets may contain '_' themselves
        Assert.Single(rows);
        Assert.DoesNotContain(secret, rows[0]);
        Assert.Contains(ApiKeyFormat.Hash(secret), rows[0]);
    }

    [Fact]
    public async Task errors_carry_the_request_id_of_the_response_header()
    {
        var client = await app.NewClientAsync();
        var ok = await client.Get("/api/sessions");
        Assert.Equal(200, ok.Status);
        Assert.False(string.IsNullOrEmpty(ok.Headers["X-Request-Id"]), "every response carries X-Request-Id");

        var reply = await client.Get("/api/traces/nope");
        Assert.Equal(404, reply.Status);
        Assert.Equal(reply.Headers["X-Request-Id"], reply.Body.GetProperty("request_id").GetString());
        Assert.Equal(404, reply.Body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(reply.Body.GetProperty("title").GetString()));
        Assert.StartsWith("https://", reply.Body.GetProperty("type").GetString());
    }
}
