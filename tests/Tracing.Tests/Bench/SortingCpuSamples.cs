using Tracing.Bench;
using Xunit;

namespace Tracing.Tests.Bench;

/// <summary>
/// The bench's --cpu-profile reads <c>perf script</c> output and sorts each stack sample into a cost. The sorting decides
/// what docs/performance.md says about issue 16, so its rules are held here on stacks shaped like perf's.
/// </summary>
public class SortingCpuSamples
{
    private const int Own = 4242;
    private static CpuSample Pg(params string[] frames) => new("postgres", 77, frames);
    private static CpuSample Net(params string[] frames) => new(".NET TP Worker", Own, frames);
    private static string CategoryOf(CpuSample sample) => CpuCategories.CategoryOf(sample, Own);

    [Fact]
    public void perf_script_output_is_read_as_one_sample_per_block_with_frames_leaf_first()
    {
        string[] lines =
        [
            ".NET TP Worker  4242 ",
            "\tffffffff81b6ccb0 _copy_to_iter",
            "\t          10a974 __libc_recv",
            "",
            "        postgres 23592 ",
            "\t          5cd8ba palloc0",
            "\t          31598b [unknown]",
            "\t          2fba5a standard_ExecutorRun",
            "",
            "         swapper     0 ",
            "\tffffffff821f5127 default_idle",
        ];

        var samples = CpuCategories.Parse(lines).ToList();

        Assert.Equal([".NET TP Worker", "postgres", "swapper"], samples.Select(s => s.Thread));
        Assert.Equal([4242, 23592, 0], samples.Select(s => s.Pid));
        Assert.Equal(["_copy_to_iter", "__libc_recv"], samples[0].Frames);
        Assert.Equal(["palloc0", "[unknown]", "standard_ExecutorRun"], samples[1].Frames);
        Assert.Equal(["default_idle"], samples[2].Frames);
    }

    [Fact]
    public void an_index_insert_under_the_appends_data_modifying_ctes_counts_as_the_append()
    {
        var inAppend = Pg("_bt_compare", "btinsert", "ExecInsertIndexTuples", "[unknown]", "standard_ExecutorFinish", "PortalRun");
        var elsewhere = Pg("_bt_compare", "btinsert", "ExecInsertIndexTuples", "[unknown]", "standard_ExecutorRun", "PortalRun");

        Assert.Equal("append: data-modifying CTEs", CategoryOf(inAppend));
        Assert.Equal("index inserts (other statements)", CategoryOf(elsewhere));
    }

    [Fact]
    public void a_foreign_key_check_inside_the_append_counts_as_the_foreign_key_and_a_plpgsql_function_does_not()
    {
        var check = Pg("ExecInitLockRows", "SPI_execute_snapshot", "[unknown]", "AfterTriggerEndQuery", "standard_ExecutorFinish");
        var upsert = Pg("ExecInsertIndexTuples", "SPI_execute_plan_extended", "[unknown]", "ExecMakeFunctionResultSet", "standard_ExecutorRun");

        Assert.Equal("foreign-key checks (RI triggers)", CategoryOf(check));
        Assert.Equal("index inserts (other statements)", CategoryOf(upsert));
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

        Assert.Equal("daemon: Marten's event loads, deserialisation and slicing", CategoryOf(load));
        Assert.Equal("daemon: Fleet projection", CategoryOf(fleet));
        Assert.Equal("append: parse, validate, judge", CategoryOf(append));
        Assert.Equal("System.Text.Json (other)", CategoryOf(json));
        Assert.Equal("other", CategoryOf(unnamed));
    }

    [Fact]
    public void shares_are_of_the_busy_samples_with_idle_left_out_and_other_processes_one_line_each()
    {
        CpuSample[] samples =
        [
            Pg("jsonb_recv"), Pg("jsonb_recv"), Pg("jsonb_send"),
            Net("gc_heap::mark_object_simple"),
            new("swapper", 0, ["default_idle"]), new("swapper", 0, ["default_idle"]),
            new("kworker/1:1H", 31, ["blk_mq_run_hw_queue"]),
            new(".NET TP Worker", 9999, ["gc_heap::mark_object_simple"]), // another .NET process on the machine
        ];

        var shares = CpuCategories.Summarise(samples, Own);

        Assert.Equal(6, shares.Sum(s => s.Samples));
        Assert.Equal(1.0, shares.Sum(s => s.Share), 6);
        var first = shares[0];
        Assert.Equal((CpuCategories.PostgreSql, "jsonb input (parsing stored JSON)", 2, 2.0 / 6), (first.Process, first.Category, first.Samples, first.Share));
        Assert.Contains(shares, s => s is { Process: "other processes", Category: "kworker/1:1H", Samples: 1 });
        Assert.Contains(shares, s => s is { Process: "other processes", Category: ".NET TP Worker", Samples: 1 });
        Assert.Contains(shares, s => s is { Process: CpuCategories.Dotnet, Category: "garbage collection", Samples: 1 });
        Assert.DoesNotContain(shares, s => s.Category == "swapper");
    }

    [Theory]
    [InlineData("postgres", 23592, CpuCategories.PostgreSql)]
    [InlineData(".NET TP Worker", Own, CpuCategories.Dotnet)]
    [InlineData(".NET Server GC", Own, CpuCategories.Dotnet)]
    [InlineData("Tracing.Bench", Own, CpuCategories.Dotnet)]
    [InlineData(".NET TP Worker", 9999, ".NET TP Worker")]
    [InlineData("kworker/0:1H-kb", 31, "kworker/0:1H-kb")]
    public void a_sample_belongs_to_postgresql_to_this_process_or_by_name_to_another(string thread, int pid, string process) =>
        Assert.Equal(process, CpuCategories.ProcessOf(new CpuSample(thread, pid, []), Own));
}
