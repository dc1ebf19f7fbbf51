using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tracing.Projections.Events;
using Tracing.Tests.Support;
using Xunit;
using static Tracing.Tests.Support.TestClient;

namespace Tracing.Tests.Events;

/// <summary>
/// ADR 0038: the append's transaction sends no NOTIFY (it would hold PostgreSQL's notification lock through the commit's
/// flush); the notifier wakes the daemon after the commit, sharing one notification among appends that overlap it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AppendWakesTheDaemon(AppFixture app)
{
    private static async Task<bool> NotifiedAsync(NpgsqlConnection listener, TimeSpan within)
    {
        var heard = false;
        void OnNotification(object? _, NpgsqlNotificationEventArgs e) { if (e.Channel == SetAppend.AppendedChannel) heard = true; }
        listener.Notification += OnNotification;
        try
        {
            var deadline = DateTime.UtcNow + within;
            while (!heard && DateTime.UtcNow < deadline) await listener.WaitAsync(TimeSpan.FromMilliseconds(100)); // poll with a deadline
            return heard;
        }
        finally { listener.Notification -= OnNotification; }
    }

    [Fact]
    public async Task an_accepted_append_notifies_after_its_commit_and_a_duplicate_does_not()
    {
        var notifier = app.Host.Services.GetRequiredService<AppendNotifier>();
        var client = await app.NewClientAsync();
        var id = await client.CreateSession();
        await using var listener = new NpgsqlConnection(AppFixture.ConnectionString);
        await listener.OpenAsync();
        await using (var listen = new NpgsqlCommand($"listen {SetAppend.AppendedChannel}", listener)) await listen.ExecuteNonQueryAsync();

        var before = notifier.Sent;
        Assert.Equal(200, (await client.Append(id, Ev(1), Ev(2))).Status);
        Assert.True(await NotifiedAsync(listener, TimeSpan.FromSeconds(10)), "a notification on the daemon's channel");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (notifier.Sent == before && DateTime.UtcNow < deadline) await Task.Delay(10); // poll with a deadline
        Assert.True(notifier.Sent > before, "the host's notifier sent it");

        var afterFirst = notifier.Sent;
        Assert.Equal(200, (await client.Append(id, Ev(1), Ev(2))).Status); // the same keys: duplicates, nothing appended
        Assert.Equal(afterFirst, notifier.Sent);
    }

    [Fact]
    public async Task a_burst_of_pokes_shares_notifications_and_a_later_poke_sends_again()
    {
        await using var source = new NpgsqlDataSourceBuilder(AppFixture.ConnectionString).Build();
        var notifier = new AppendNotifier(NullLogger<AppendNotifier>.Instance, TimeSpan.Zero);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => { for (var i = 0; i < 50; i++) notifier.Poke(source); })));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long seen;
        do { seen = notifier.Sent; await Task.Delay(50); } while ((notifier.Sent != seen || seen == 0) && DateTime.UtcNow < deadline);
        Assert.InRange(notifier.Sent, 1, 399); // 400 pokes, fewer notifications

        var burst = notifier.Sent;
        notifier.Poke(source);
        while (notifier.Sent == burst && DateTime.UtcNow < deadline.AddSeconds(10)) await Task.Delay(10); // poll with a deadline
        Assert.Equal(burst + 1, notifier.Sent);
    }

    [Fact]
    public async Task wake_ups_start_an_interval_apart_and_a_poke_after_a_quiet_interval_goes_at_once()
    {
        // ADRs 0040, 0043: under a stream of appends one daemon cycle takes many of them; a lone append is not held back.
        await using var source = new NpgsqlDataSourceBuilder(AppFixture.ConnectionString).Build();
        var interval = TimeSpan.FromSeconds(1);
        var notifier = new AppendNotifier(NullLogger<AppendNotifier>.Instance, interval);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        notifier.Poke(source); // a line that never sent: at once
        await UntilSentAsync(notifier, 1);
        Assert.True(clock.Elapsed < interval, $"the first wake-up took {clock.Elapsed.TotalMilliseconds} ms");
        await UntilIdleAsync(notifier, source);

        // Pokes on the idle line less than an interval after that wake-up started wait for the interval, and share the
        // one wake-up after it: it starts at least an interval after the first, which started at 0 or later.
        var poked = clock.Elapsed;
        Assert.True(poked < interval, $"the test was too slow to poke within the interval ({poked.TotalMilliseconds} ms)");
        for (var i = 0; i < 50; i++) notifier.Poke(source);
        await UntilSentAsync(notifier, 2);
        Assert.True(clock.Elapsed >= interval - TimeSpan.FromMilliseconds(20),
            $"the second wake-up came {clock.Elapsed.TotalMilliseconds} ms after the first poke");
        await UntilIdleAsync(notifier, source);
        Assert.Equal(2, notifier.Sent);

        // A poke after a quiet interval goes at once.
        var quietUntil = clock.Elapsed + interval; // the quiet spell itself is the condition waited for
        await Eventually.UntilAsync(() => Task.FromResult(clock.Elapsed), e => e >= quietUntil, 2 * interval,
            e => $"the clock stood at {e.TotalMilliseconds} ms");
        var lonePoke = clock.Elapsed;
        notifier.Poke(source);
        await UntilSentAsync(notifier, 3);
        Assert.True(clock.Elapsed - lonePoke < interval, $"a poke after a quiet interval waited {(clock.Elapsed - lonePoke).TotalMilliseconds} ms");
    }

    private static async Task UntilIdleAsync(AppendNotifier notifier, NpgsqlDataSource source)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!notifier.IsIdle(source) && DateTime.UtcNow < deadline) await Task.Delay(5); // poll with a deadline
        Assert.True(notifier.IsIdle(source), "the line went back to idle");
    }

    private static async Task UntilSentAsync(AppendNotifier notifier, long count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (notifier.Sent < count && DateTime.UtcNow < deadline) await Task.Delay(5); // poll with a deadline
        Assert.Equal(count, notifier.Sent);
    }
}
