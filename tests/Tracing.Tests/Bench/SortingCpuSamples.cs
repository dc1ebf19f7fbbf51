using Tracing.Bench;
using Xunit;

namespace Tracing.Tests.Bench;

/// <summary>
/// The bench's --cpu-profile reads <c>perf script</c> output and sorts each stack sample into a cost. The sorting decides
/// what docs/performance.md says about issue 16, so its rules are held here on stacks shaped like perf's.
/// </summary>
public class SortingCpuSamples
{
    private static CpuSample Pg(params string[] frames) => new("postgres", frames);
    private static CpuSample Net(params string[] frames) => new(".NET TP Worker", frames);

    [Fact]
    public void perf_script_output_is_read_as_one_sample_per_block_with_frames_leaf_first()
    {
        string[] lines =
        [
            ".NET TP Worker ",
            "\tffffffff81b6ccb0 _copy_to_iter",
            "\t          10a974 __libc_recv",
            "",
            "postgres ",
            "\t          5cd8ba palloc0",
            "\t          31598b [unknown]",
            "\t          2fba5a standard_ExecutorRun",
            "",
            "swapper ",
            "\tffffffff821f5127 default_idle",
        ];

        var samples = CpuCategories.Parse(lines).ToList();

        Assert.Equal([".NET TP Worker", "postgres", "swapper"], samples.Select(s => s.Thread));
        Assert.Equal(["_copy_to_iter", "__libc_recv"], samples[0].Frames);
        Assert.Equal(["palloc0", "[unknown]", "standard_ExecutorRun"], samples[1].Frames);
        Assert.Equal(["default_idle"], samples[2].Frames);
    }

    [Fact]
    public void an_index_insert_under_the_appends_data_modifying_ctes_counts_as_the_append()
    {
        var inAppend = Pg("_bt_compare", "btinsert", "ExecInsertIndexTuples", "[unknown]", "standard_ExecutorFinish", "PortalRun");
        var elsewhere = Pg("_bt_compare", "btinsert", "ExecInsertIndexTuples", "[unknown]", "standard_ExecutorRun", "PortalRun");

        Assert.Equal("append: data-modifying CTEs", CpuCategories.CategoryOf(inAppend));
        Assert.Equal("index inserts (other statements)", CpuCategories.CategoryOf(elsewhere));
    }

    [Fact]
    public void a_foreign_key_check_inside_the_append_counts_as_the_foreign_key()
    {
        var check = Pg("ExecInitLockRows", "SPI_execute_snapshot", "RI_FKey_check", "AfterTriggerEndQuery", "standard_ExecutorFinish");

        Assert.Equal("foreign-key checks (RI triggers)", CpuCategories.CategoryOf(check));
    }

    [Fact]
    public void dotnet_frames_are_sorted_by_the_component_that_runs_them()
    {
        var load = Net("instance void [Marten] Marten.Events.Daemon.Internals.EventLoader+<loadNormalAsync>d__28::MoveNext()[OptimizedTier1]");
        var fleet = Net("void [System.Text.Json] System.Text.Json.JsonDocument::Parse(...)",
            "instance void [Tracing.Projections] Tracing.Projections.Fleet.FleetProjection+<ApplyAsync>d__4::MoveNext()[OptimizedTier1]");
        var append = Net("instance void [Tracing.Api] Tracing.Api.Events.EventAppender+<SetAsync>d__12::MoveNext()[OptimizedTier1]");
        var json = Net("instance bool [System.Text.Json] System.Text.Json.Utf8JsonReader::ConsumeValue(uint8)[OptimizedTier1]");
        var unnamed = Net("[unknown]");

        Assert.Equal("daemon: Marten event loads and deserialisation", CpuCategories.CategoryOf(load));
        Assert.Equal("daemon: Fleet projection", CpuCategories.CategoryOf(fleet));
        Assert.Equal("append: parse, validate, judge", CpuCategories.CategoryOf(append));
        Assert.Equal("System.Text.Json (other)", CpuCategories.CategoryOf(json));
        Assert.Equal("other", CpuCategories.CategoryOf(unnamed));
    }

    [Fact]
    public void shares_are_of_the_busy_samples_with_idle_left_out_and_other_processes_one_line_each()
    {
        CpuSample[] samples =
        [
            Pg("jsonb_recv"), Pg("jsonb_recv"), Pg("jsonb_send"),
            Net("gc_heap::mark_object_simple"),
            new("swapper", ["default_idle"]), new("swapper", ["default_idle"]),
            new("kworker/1:1H", ["blk_mq_run_hw_queue"]),
        ];

        var shares = CpuCategories.Summarise(samples);

        Assert.Equal(5, shares.Sum(s => s.Samples));
        Assert.Equal(1.0, shares.Sum(s => s.Share), 6);
        var first = shares[0];
        Assert.Equal((CpuCategories.PostgreSql, "jsonb input (parsing stored JSON)", 2, 0.4), (first.Process, first.Category, first.Samples, first.Share));
        Assert.Contains(shares, s => s is { Process: "other processes", Category: "kworker/1:1H", Samples: 1 });
        Assert.Contains(shares, s => s is { Process: CpuCategories.Dotnet, Category: "garbage collection" });
        Assert.DoesNotContain(shares, s => s.Category == "swapper");
    }

    [Theory]
    [InlineData("postgres", CpuCategories.PostgreSql)]
    [InlineData(".NET TP Worker", CpuCategories.Dotnet)]
    [InlineData(".NET Server GC", CpuCategories.Dotnet)]
    [InlineData("Tracing.Bench", CpuCategories.Dotnet)]
    [InlineData("kworker/0:1H-kb", "kworker/0:1H-kb")]
    public void a_thread_name_says_which_process_it_belongs_to(string thread, string process) =>
        Assert.Equal(process, CpuCategories.ProcessOf(thread));
}
