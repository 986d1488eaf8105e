using Hoist.Server.Uploads;

namespace Hoist.Server.Tests.Units;

public sealed class PartPlanTests
{
    private const long MiB = 1024 * 1024;
    private const long Preferred = 8 * MiB;
    private const long FiveTiB = 5L * 1024 * 1024 * MiB;

    [Fact]
    public void A_0_byte_file_is_one_empty_part()
    {
        var plan = PartPlan.For(0, Preferred);

        Assert.Equal(new PartPlan(0, Preferred, 1), plan);
        Assert.Equal(0, plan.SizeOf(1));
    }

    [Fact]
    public void A_1_byte_file_is_one_part_of_1_byte()
    {
        var plan = PartPlan.For(1, Preferred);

        Assert.Equal(1, plan.PartCount);
        Assert.Equal(1, plan.SizeOf(1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10_000)]
    public void An_exact_multiple_of_the_part_size_has_no_short_last_part(int parts)
    {
        var plan = PartPlan.For(parts * Preferred, Preferred);

        Assert.Equal(parts, plan.PartCount);
        Assert.Equal(Preferred, plan.PartSize);
        Assert.Equal(Preferred, plan.SizeOf(parts));
    }

    [Fact]
    public void One_byte_more_than_a_multiple_is_one_more_part_of_1_byte()
    {
        var plan = PartPlan.For((3 * Preferred) + 1, Preferred);

        Assert.Equal(4, plan.PartCount);
        Assert.Equal(Preferred, plan.SizeOf(3));
        Assert.Equal(1, plan.SizeOf(4));
    }

    [Fact]
    public void A_5_TiB_file_gets_525_MiB_parts_and_at_most_10000_of_them()
    {
        var plan = PartPlan.For(FiveTiB, Preferred);

        Assert.Equal(525 * MiB, plan.PartSize);
        Assert.InRange(plan.PartCount, 1, 10_000);
        Assert.Equal(FiveTiB - ((plan.PartCount - 1) * plan.PartSize), plan.SizeOf(plan.PartCount));
    }

    [Fact]
    public void The_part_size_grows_by_whole_MiB_only_past_10000_parts()
    {
        Assert.Equal(5 * MiB, PartPlan.For(10_000 * 5 * MiB, 5 * MiB).PartSize);

        var grown = PartPlan.For((10_000 * 5 * MiB) + 1, 5 * MiB);

        Assert.Equal(6 * MiB, grown.PartSize);
        Assert.True(grown.PartCount <= 10_000);
    }

    [Theory]
    [InlineData(5 * MiB)]
    [InlineData(16 * MiB)]
    [InlineData(100 * MiB)]
    public void The_preferred_part_size_is_honoured(long preferred)
    {
        var plan = PartPlan.For(1024 * MiB, preferred);

        Assert.Equal(preferred, plan.PartSize);
        Assert.Equal((int)((1024 * MiB + preferred - 1) / preferred), plan.PartCount);
    }

    [Fact]
    public void A_preferred_size_below_the_S3_minimum_becomes_5_MiB()
    {
        Assert.Equal(5 * MiB, PartPlan.For(100 * MiB, 1 * MiB).PartSize);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(FiveTiB + 1)]
    public void A_size_outside_0_to_5_TiB_is_refused(long size)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PartPlan.For(size, Preferred));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Part_numbers_outside_the_plan_have_no_size(int partNumber)
    {
        var plan = PartPlan.For((3 * Preferred) + 5, Preferred);

        Assert.False(plan.Contains(partNumber));
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.SizeOf(partNumber));
    }

    [Fact]
    public void For_any_size_the_parts_add_up_and_obey_the_S3_limits()
    {
        var random = new Random(7);
        var sizes = new List<long> { 0, 1, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1, FiveTiB - 1, FiveTiB };
        sizes.AddRange(Enumerable.Range(0, 500).Select(_ => (long)(Math.Pow(random.NextDouble(), 4) * FiveTiB)));
        foreach (var preferred in new[] { 5 * MiB, 8 * MiB, 64 * MiB + 3 })
        {
            foreach (var size in sizes)
            {
                var plan = PartPlan.For(size, preferred);
                Assert.InRange(plan.PartCount, 1, 10_000);
                Assert.InRange(plan.PartSize, 5 * MiB, 5 * 1024 * MiB);
                Assert.True(plan.PartSize == preferred || plan.PartSize % MiB == 0, $"{size}: {plan}");
                var last = plan.SizeOf(plan.PartCount);
                Assert.InRange(last, size == 0 ? 0 : 1, plan.PartSize);
                Assert.Equal(size, ((plan.PartCount - 1) * plan.PartSize) + last);
            }
        }
    }
}
