import { getAbiItem, type Address, type PublicClient } from "viem";
import { positionBookAbi, seriesRegistryAbi, settlementAbi, type Deployment } from "@optio/sdk";
import type { Gauge } from "prom-client";
import type { Store } from "../state/store.js";

/** Calls per multicall request (one eth_call each). */
const MULTICALL_CHUNK = 400;

/** A series' netting group, as the role keeps it (decimal strings: the journal stores JSON). */
export interface SeriesTerms {
  underlyingId: string;
  expiry: string;
}

/** Reads `calls` at the latest block in chunks of one eth_call each; any failing read throws. */
export async function readAll(read: PublicClient, calls: readonly unknown[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < calls.length; i += MULTICALL_CHUNK) {
    const results = await read.multicall({
      contracts: calls.slice(i, i + MULTICALL_CHUNK) as never,
      allowFailure: false,
      batchSize: 0,
      deployless: read.chain?.contracts?.multicall3 === undefined,
    });
    out.push(...(results as unknown[]));
  }
  return out;
}

/**
 * The settler's index: who ever held each series (`PositionBook.PositionTransferred`: fills and liquidation bids)
 * and each series' terms, read from the deployment block in pages and written to the store's block-versioned
 * journal under the role's name (`h:<series>:<account>`, `s:<series>`, `indexedTo`), so a restart resumes where it
 * stopped and a reorg unwinds it with the rest. A `DebtRepaid`/`DebtCollected` marks its series `dirty:<series>`
 * (its longs may claim again).
 */
export class SettlerIndex {
  readonly holders = new Map<string, Set<Address>>();
  readonly series = new Map<string, SeriesTerms>();
  indexedTo: bigint | undefined;

  constructor(
    private readonly o: {
      role: string;
      store: Store;
      read: PublicClient;
      deployment: Deployment;
      pageBlocks: number;
      pairsGauge: Gauge;
    },
  ) {}

  /** (Re)loads the index from the journal: at start, and after the frame unwound a reorg. */
  load(): void {
    this.holders.clear();
    this.series.clear();
    const at = this.o.store.kvGet<string>(this.o.role, "indexedTo");
    this.indexedTo = at === undefined ? undefined : BigInt(at);
    let pairs = 0;
    for (const [key, value] of this.o.store.kvEntries<SeriesTerms | true>(this.o.role)) {
      if (key.startsWith("h:")) {
        const [, id, account] = key.split(":");
        this.holdersOf(id).add(account as Address);
        pairs++;
      } else if (key.startsWith("s:")) this.series.set(key.slice(2), value as SeriesTerms);
    }
    this.o.pairsGauge.set(pairs);
  }

  /** Every (indexed holder, series) pair of `seriesIds`. */
  pairs(seriesIds: bigint[]): { account: Address; seriesId: bigint }[] {
    const out: { account: Address; seriesId: bigint }[] = [];
    for (const seriesId of seriesIds)
      for (const account of this.holders.get(seriesId.toString()) ?? []) out.push({ account, seriesId });
    return out;
  }

  /** `underlyingId:expiry` of a series, "?" when it is not indexed. */
  groupOf(seriesId: bigint): string {
    const t = this.series.get(seriesId.toString());
    return t === undefined ? "?" : `${t.underlyingId}:${t.expiry}`;
  }

  /** Reads the book's transfers and the settlement's debt repayments up to `to`, in pages, written at `to`. */
  async index(to: bigint): Promise<void> {
    const { book, settlement } = this.o.deployment.contracts;
    const events = [
      getAbiItem({ abi: positionBookAbi, name: "PositionTransferred" }),
      getAbiItem({ abi: settlementAbi, name: "DebtRepaid" }),
      getAbiItem({ abi: settlementAbi, name: "DebtCollected" }),
    ];
    let from = this.indexedTo === undefined ? this.o.deployment.blockNumber : this.indexedTo + 1n;
    while (from <= to) {
      const end = from + BigInt(this.o.pageBlocks) - 1n;
      const pageEnd = end < to ? end : to;
      const logs = await this.o.read.getLogs({
        address: [book, settlement],
        events,
        fromBlock: from,
        toBlock: pageEnd,
      });
      const newSeries = new Set<string>();
      for (const log of logs) {
        if (log.eventName === "PositionTransferred") {
          const { seriesId, buyer, seller } = log.args as { seriesId: bigint; buyer: Address; seller: Address };
          const id = seriesId.toString();
          for (const account of [buyer, seller]) {
            const set = this.holdersOf(id);
            if (set.has(account)) continue;
            set.add(account);
            this.o.store.kvPut(this.o.role, `h:${id}:${account}`, true, to);
            this.o.pairsGauge.inc();
          }
          if (!this.series.has(id)) newSeries.add(id);
        } else {
          // A debt paid into a pool makes its longs' claims grow: look at the series' claims again.
          const { seriesId } = log.args as { seriesId: bigint };
          this.o.store.kvPut(this.o.role, `dirty:${seriesId}`, true, to);
        }
      }
      await this.readTerms([...newSeries], to);
      this.indexedTo = pageEnd;
      this.o.store.kvPut(this.o.role, "indexedTo", pageEnd.toString(), to);
      from = pageEnd + 1n;
    }
  }

  private holdersOf(seriesId: string): Set<Address> {
    let set = this.holders.get(seriesId);
    if (set === undefined) this.holders.set(seriesId, (set = new Set()));
    return set;
  }

  private async readTerms(ids: string[], at: bigint): Promise<void> {
    const results = await readAll(
      this.o.read,
      ids.map((id) => ({
        address: this.o.deployment.contracts.registry,
        abi: seriesRegistryAbi,
        functionName: "getSeries",
        args: [BigInt(id)],
      })),
    );
    ids.forEach((id, i) => {
      const s = results[i] as { underlyingId: number; expiry: bigint };
      const terms = { underlyingId: String(s.underlyingId), expiry: s.expiry.toString() };
      this.series.set(id, terms);
      this.o.store.kvPut(this.o.role, `s:${id}`, terms, at);
    });
  }
}
