using Hoist.Server.Hosting;

namespace Hoist.Server.Tests.Hosting;

/// <summary>
/// The pool Kestrel receives request bodies into: every block is a whole block, a block returned
/// is lent again, and one returned twice is still lent to one holder at a time.
/// </summary>
public sealed class ReceiveBlockPoolTests
{
    [Fact]
    public void A_rented_block_is_a_whole_block_and_larger_requests_are_refused()
    {
        using var pool = new ReceiveBlockPool();

        using var block = pool.Rent(2048);

        Assert.Equal(ReceiveBlockPool.BlockSize, pool.MaxBufferSize);
        Assert.Equal(ReceiveBlockPool.BlockSize, block.Memory.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(ReceiveBlockPool.BlockSize + 1));
    }

    [Fact]
    public void A_returned_block_is_lent_again_and_a_block_returned_twice_goes_to_one_holder()
    {
        using var pool = new ReceiveBlockPool();
        var first = pool.Rent();
        first.Memory.Span[0] = 42;

        first.Dispose();
        first.Dispose();
        var second = pool.Rent();
        var third = pool.Rent();

        Assert.Same(first, second);
        Assert.NotSame(second, third);
        Assert.False(second.Memory.Span.Overlaps(third.Memory.Span));
        second.Dispose();
        third.Dispose();
    }
}
