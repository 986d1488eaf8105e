using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace Hoist.Server.Hosting;

/// <summary>
/// Kestrel's memory pool with larger blocks. Kestrel receives into the free end of the current pool
/// block, so its own 4 KiB blocks cost a receive call (and a pipe hand-over to the reader) per 4 KiB
/// of a part's body; blocks of <see cref="BlockSize"/> let one call take up to 32 KiB (64 and
/// 128 KiB measured the same; the smallest keeps an idle connection's buffer small).
/// Blocks are pinned (sockets and the pipe use them across awaits) and reused; at most
/// <see cref="MaxIdleBlocks"/> idle ones are kept, the rest are left to the GC.
/// </summary>
internal sealed class ReceiveBlockPool : MemoryPool<byte>
{
    public const int BlockSize = 32 * 1024;
    private const int MaxIdleBlocks = 128;

    private readonly ConcurrentQueue<Block> _idle = new();
    private int _idleCount;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_idle.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _idleCount);
            block.Lease();
            return block;
        }
        return new Block(this);
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _idleCount) <= MaxIdleBlocks)
        {
            _idle.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _idleCount);
        }
    }

    protected override void Dispose(bool disposing) => _idle.Clear();

    private sealed class Block(ReceiveBlockPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        private int _returned;

        public Memory<byte> Memory => _array;

        public void Lease() => _returned = 0;

        public void Dispose()
        {
            // Once per lease: a second Dispose must not put the block in the pool twice.
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                pool.Return(this);
            }
        }
    }

    /// <summary>One pool per Kestrel I/O queue, as Kestrel asks for them.</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new ReceiveBlockPool();
    }
}
