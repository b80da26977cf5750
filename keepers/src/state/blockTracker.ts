import type { Store, StoredBlock } from "./store.js";

/** The slice of a viem public client the tracker reads. */
export interface BlockSource {
  getBlockNumber(args?: { cacheTime?: number }): Promise<bigint>;
  getBlock(args: {
    blockNumber: bigint;
  }): Promise<{ number: bigint | null; hash: `0x${string}` | null; parentHash: `0x${string}` }>;
}

export type BlockEvent =
  | { type: "block"; block: StoredBlock }
  /** Blocks above `ancestor` were replaced; everything derived from them must be unwound. */
  | { type: "reorg"; ancestor: bigint; depth: number; oldHead: bigint };

export interface BlockTrackerOptions {
  source: BlockSource;
  store: Store;
  /** Blocks kept for reorg detection; a reorg deeper than this is reported as an error, not unwound. */
  windowSize: number;
  /** Where to start when the store has no block yet (default: the current head). */
  startBlock?: bigint;
  /** At most this many new blocks per poll, so a long catch-up still yields to the rest of the loop. */
  maxBlocksPerPoll?: number;
}

const FIRST_BLOCK_KEY = "trackerFirstBlock";

/** A reorg that reaches below the kept window: the keeper cannot unwind it safely and must stop. */
export class DeepReorgError extends Error {
  constructor(readonly oldestKept: bigint) {
    super(`reorg reaches below the oldest kept block ${oldestKept}; raise blocks.windowSize and rescan`);
  }
}

/**
 * Follows the chain head block by block, keeping the hashes of the unfinalised window in the store. Each poll
 * yields the new blocks in order and, when the chain no longer contains a block it yielded, first a reorg event
 * naming the common ancestor (the highest kept block the chain still has), then the replacement blocks.
 */
export class BlockTracker {
  private readonly opts: Required<Omit<BlockTrackerOptions, "startBlock">> & { startBlock?: bigint };

  constructor(options: BlockTrackerOptions) {
    this.opts = { maxBlocksPerPoll: 200, ...options };
  }

  /** The last block yielded (the checkpoint), or undefined before the first poll. */
  head(): StoredBlock | undefined {
    return this.opts.store.latestBlock();
  }

  /**
   * Reads the chain up to its head and hands every event to `onEvent`, in order. A block is recorded (becomes
   * the checkpoint) only after `onEvent` returned for it, and a reorg is unwound in the store only after
   * `onEvent` returned for the reorg event; when `onEvent` throws, the poll stops there and the next poll starts
   * again from the same point. Returns the number of events handled.
   */
  async poll(onEvent: (event: BlockEvent) => Promise<void> | void = () => {}): Promise<number> {
    const { source, store } = this.opts;
    let handled = 0;
    const chainHead = await source.getBlockNumber({ cacheTime: 0 });
    let last = store.latestBlock();

    if (last !== undefined) {
      // The chain may have replaced blocks at or below our last one without growing (same-height reorg).
      const ancestor = await this.findAncestor(last, chainHead);
      if (ancestor !== last.number) {
        await onEvent({ type: "reorg", ancestor, depth: Number(last.number - ancestor), oldHead: last.number });
        store.deleteBlocksAfter(ancestor);
        handled++;
        last = store.latestBlock();
      }
    }

    let next = last === undefined ? (this.opts.startBlock ?? chainHead) : last.number + 1n;
    const stop = minBig(chainHead, next + BigInt(this.opts.maxBlocksPerPoll) - 1n);
    for (; next <= stop; next++) {
      const block = await this.fetch(next);
      const parent = store.getBlock(next - 1n);
      // The chain moved under us between two reads: resolve it on the next poll from a consistent state.
      if (parent !== undefined && parent.hash !== block.parentHash) break;
      await onEvent({ type: "block", block });
      if (store.getMeta(FIRST_BLOCK_KEY) === undefined) store.setMeta(FIRST_BLOCK_KEY, block.number.toString());
      store.putBlock(block);
      handled++;
    }
    const latest = store.latestBlock();
    if (latest !== undefined) store.pruneBlocksBefore(latest.number - BigInt(this.opts.windowSize) + 1n);
    return handled;
  }

  /** Highest kept block (at or below `last`) whose hash the chain still has. */
  private async findAncestor(last: StoredBlock, chainHead: bigint): Promise<bigint> {
    const { store } = this.opts;
    let n = minBig(last.number, chainHead);
    const oldest = store.oldestBlock();
    for (; oldest !== undefined && n >= oldest.number; n--) {
      const kept = store.getBlock(n);
      if (kept === undefined) continue;
      const onChain = await this.fetch(n);
      if (onChain.hash === kept.hash) return n;
    }
    // Nothing matched. When the oldest kept block is the first block this store ever processed, nothing older
    // was derived from the chain: unwinding everything (to the block before it) is exact. Otherwise blocks below
    // the window were processed and pruned, and the keeper cannot know what to unwind.
    const first = store.getMeta(FIRST_BLOCK_KEY);
    if (oldest !== undefined && first !== undefined && BigInt(first) === oldest.number) return oldest.number - 1n;
    throw new DeepReorgError(oldest?.number ?? last.number);
  }

  private async fetch(number: bigint): Promise<StoredBlock> {
    const b = await this.opts.source.getBlock({ blockNumber: number });
    if (b.hash === null || b.number === null) throw new Error(`block ${number} has no hash yet`);
    return { number: b.number, hash: b.hash, parentHash: b.parentHash };
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
