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
    public async Task wake_ups_are_spaced_by_the_interval_and_the_first_after_a_quiet_spell_goes_at_once()
    {
        // ADR 0040: the interval lets one daemon cycle take many appends; the first poke is not held back.
        await using var source = new NpgsqlDataSourceBuilder(AppFixture.ConnectionString).Build();
        var interval = TimeSpan.FromMilliseconds(500);
        var notifier = new AppendNotifier(NullLogger<AppendNotifier>.Instance, interval);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        notifier.Poke(source);
        await UntilSentAsync(notifier, 1);
        var first = clock.Elapsed;
        Assert.True(first < interval, $"the first wake-up took {first.TotalMilliseconds} ms");

        for (var i = 0; i < 20; i++) notifier.Poke(source); // a burst right after it: one more wake-up, an interval later
        await UntilSentAsync(notifier, 2);
        var second = clock.Elapsed;
        Assert.True(second - first >= interval - TimeSpan.FromMilliseconds(100), $"{(second - first).TotalMilliseconds} ms between wake-ups");
        await Task.Delay(interval * 2); // a quiet spell longer than the interval (a condition of the test, not a wait for a result)
        Assert.Equal(2, notifier.Sent);
    }

    private static async Task UntilSentAsync(AppendNotifier notifier, long count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (notifier.Sent < count && DateTime.UtcNow < deadline) await Task.Delay(5); // poll with a deadline
        Assert.Equal(count, notifier.Sent);
    }
}
