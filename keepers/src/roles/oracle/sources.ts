import { readFile, stat } from "node:fs/promises";
import { getAddress, isAddress, parseAbi, parseUnits, type Address, type PublicClient } from "viem";
import type { Deployment } from "@optio/sdk";
import type { OracleFeedConfig, OracleSourceConfig } from "./config.js";

/** What a source reads at one moment: the chain's time (unix seconds) and a client for on-chain sources. */
export interface ObserveContext {
  chainNow: bigint;
  read: PublicClient;
}

/** One price source. `read` resolves to a WAD value, or throws when the source has nothing usable now. */
export interface PriceSource {
  readonly name: string;
  read(ctx: ObserveContext): Promise<bigint>;
}

/** Chainlink's AggregatorV3Interface, the part a reader needs (not an Optio contract, so not in the SDK's ABIs). */
const aggregatorAbi = parseAbi([
  "function decimals() view returns (uint8)",
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
]);

/** Reads a Chainlink aggregator's latest answer, refusing a non-positive or stale one; scaled to WAD. */
export function chainlinkSource(aggregator: Address, maxAgeSeconds: number): PriceSource {
  let decimals: number | undefined;
  return {
    name: `chainlink:${aggregator}`,
    async read({ chainNow, read }) {
      decimals ??= await read.readContract({ address: aggregator, abi: aggregatorAbi, functionName: "decimals" });
      const [, answer, , updatedAt] = await read.readContract({
        address: aggregator,
        abi: aggregatorAbi,
        functionName: "latestRoundData",
      });
      if (answer <= 0n) throw new Error(`answer ${answer} is not positive`);
      if (updatedAt === 0n || chainNow - updatedAt > BigInt(maxAgeSeconds))
        throw new Error(`answer updated at ${updatedAt} is older than ${maxAgeSeconds} s`);
      return decimals <= 18 ? answer * 10n ** BigInt(18 - decimals) : answer / 10n ** BigInt(decimals - 18);
    },
  };
}

/** GETs a JSON document and reads the decimal value at a dot path; scaled to WAD exactly (no float rounding). */
export function httpSource(url: string, path: string, timeoutMs: number): PriceSource {
  const keys = path.split(".");
  return {
    name: `http:${new URL(url).host}`,
    async read() {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      let value: unknown = await res.json();
      for (const k of keys) value = (value as Record<string, unknown> | undefined)?.[k];
      return toWad(value, `${path}`);
    },
  };
}

/**
 * A scripted path for simulations and demos: a JSON-lines file, one object per line with `at` (unix seconds, chain
 * time) and values by key, e.g. `{"at": 0, "ETH/USD": "3000", "ETH/USD-IV": "0.8"}`. The value now is the one of the
 * last line (by `at`, then file order) with `at` at or before the chain's time. The file is re-read when it
 * changes, so a driver may append lines while signers run.
 */
export function scriptedSource(file: string, key: string): PriceSource {
  let cached: { mtimeMs: number; size: number; points: { at: bigint; value: bigint }[] } | undefined;
  return {
    name: `scripted:${key}`,
    async read({ chainNow }) {
      const s = await stat(file);
      if (cached === undefined || cached.mtimeMs !== s.mtimeMs || cached.size !== s.size) {
        cached = { mtimeMs: s.mtimeMs, size: s.size, points: parseScript(await readFile(file, "utf8"), key) };
      }
      let best: { at: bigint; value: bigint } | undefined;
      for (const p of cached.points) if (p.at <= chainNow && (best === undefined || p.at >= best.at)) best = p;
      if (best === undefined) throw new Error(`no scripted value for ${key} at or before ${chainNow}`);
      return best.value;
    },
  };
}

/** Parses a script's lines; lines without `key` are skipped, a malformed line throws with its number. */
export function parseScript(text: string, key: string): { at: bigint; value: bigint }[] {
  const points: { at: bigint; value: bigint }[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "" || line.trim().startsWith("#")) return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`line ${i + 1}: not JSON`);
    }
    if (!(key in row)) return;
    if (typeof row.at !== "number" || !Number.isSafeInteger(row.at) || row.at < 0)
      throw new Error(`line ${i + 1}: "at" must be a non-negative integer (unix seconds)`);
    points.push({ at: BigInt(row.at), value: toWad(row[key], `line ${i + 1}: ${key}`) });
  });
  return points;
}

/** A positive decimal (number or string) as WAD, exactly; throws on anything else. */
export function toWad(value: unknown, what: string): bigint {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string" || !/^\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) throw new Error(`${what}: not a decimal`);
  let wad: bigint;
  if (/e/i.test(text)) {
    const [m, e] = text.toLowerCase().split("e");
    const exp = Number(e);
    wad = exp >= 0 ? parseUnits(m, 18 + exp) : parseUnits(m, Math.max(0, 18 + exp));
  } else wad = parseUnits(text, 18);
  if (wad <= 0n) throw new Error(`${what}: not positive`);
  return wad;
}

/** Builds the source a config entry names; chainlink aggregators may be named by the deployment's `extra`. */
export function createSource(
  config: OracleSourceConfig,
  feed: OracleFeedConfig,
  deployment: Deployment | undefined,
): PriceSource {
  switch (config.type) {
    case "chainlink": {
      const named = deployment?.extra[config.aggregator];
      const raw = named ?? config.aggregator;
      if (!isAddress(raw))
        throw new Error(`chainlink aggregator "${config.aggregator}" is neither an address nor in the deployment`);
      return chainlinkSource(getAddress(raw), config.maxAgeSeconds);
    }
    case "http":
      return httpSource(config.url, config.path, config.timeoutMs);
    case "scripted":
      return scriptedSource(config.path, config.key ?? feed.name);
  }
}

/** The median of a non-empty list; for an even count the mean of the middle two, rounded down. */
export function median(values: readonly bigint[]): bigint {
  if (values.length === 0) throw new Error("median of nothing");
  const s = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2n;
}

/**
 * The outlier rule: take the median of every source's value, drop the values further from it than
 * `outlierPercent`, and return the median of the rest, or undefined when fewer than `minSources` remain.
 */
export function aggregate(
  values: readonly bigint[],
  outlierPercent: number,
  minSources: number,
): { value: bigint; kept: number; dropped: number } | undefined {
  if (values.length === 0) return undefined;
  const m = median(values);
  // Percent with two decimals, in integer arithmetic.
  const tolerance = (m * BigInt(Math.round(outlierPercent * 100))) / 10_000n;
  const kept = values.filter((v) => (v > m ? v - m : m - v) <= tolerance);
  if (kept.length < minSources || kept.length === 0) return undefined;
  return { value: median(kept), kept: kept.length, dropped: values.length - kept.length };
}
