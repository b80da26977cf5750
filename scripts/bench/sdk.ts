/**
 * SDK math benchmark: throughput of the bigint mirror on one core (JavaScript runs it on one thread), per second
 * of this process's CPU time, so other load on the machine does not lower it.
 *
 * - `sdk.bs.pricesPerSecond`: `priceCall` over 4,096 seeded inputs (moneyness 0.5-2, 1 hour-1 year, vol 10%-300%),
 *   repeated for about a second.
 * - `sdk.margin.accountsPerSecond`: `accountMargin` (the full `MarginEngine.marginOf` mirror: sort, groups, paired
 *   put/call evaluations, naked and max-loss requirements, shock multiplier) over 256 accounts of 16 positions
 *   each, over two underlyings and four expiries, repeated for about a second.
 */
import { accountMargin, priceCall, type MarginPosition, type UnderlyingMarket } from "../../sdk/src/math/index.js";
import { mulberry32 } from "../../test/utils/reference/grid.js";
import type { BenchResult } from "./blackScholes.js";

const WAD = 10n ** 18n;
const toWad = (x: number): bigint => BigInt(Math.round(x * 1e6)) * 10n ** 12n;

/**
 * Calls `run` until it has used about `seconds` of this process's CPU time (after a warm-up) and returns runs per
 * CPU second times `perRun`: the throughput of one core, whatever else the machine runs.
 */
export function throughput(run: () => void, perRun: number, seconds = 1): number {
  for (let i = 0; i < 3; i++) run();
  const cpuMicros = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  let runs = 0;
  const start = cpuMicros();
  let elapsed = 0;
  while (elapsed < seconds * 1e6) {
    run();
    runs++;
    elapsed = cpuMicros() - start;
  }
  return Math.round((runs * perRun * 1e6) / elapsed);
}

export async function benchSdk(): Promise<BenchResult[]> {
  const rand = mulberry32(0x5d4);
  const logUniform = (lo: number, hi: number) => lo * (hi / lo) ** rand();

  const inputs = Array.from({ length: 4_096 }, () => {
    const spot = toWad(logUniform(1, 100_000));
    return {
      spot,
      strike: (spot * toWad(logUniform(0.5, 2))) / WAD,
      t: BigInt(Math.round(logUniform(3_600, 31_536_000))),
      vol: toWad(logUniform(0.1, 3)),
    };
  });
  let sink = 0n;
  const pricesPerSecond = throughput(() => {
    for (const x of inputs) sink ^= priceCall(x.spot, x.strike, x.t, x.vol);
  }, inputs.length);

  const now = 1_800_000_000n;
  const expiries = [1n, 3n, 7n, 30n].map((days) => now + days * 86_400n);
  const spots = [3_000n * WAD, 60_000n * WAD];
  const markets = new Map<bigint, UnderlyingMarket>(
    spots.map((spot, i) => [
      BigInt(i + 1),
      {
        spotE18: spot,
        volE18: toWad(0.6 + 0.2 * i),
        params: {
          initialRatioWad: (WAD * 15n) / 100n,
          minInitialRatioWad: WAD / 10n,
          maintenanceRatioWad: (WAD * 75n) / 1000n,
        },
        shockMultiplierWad: (WAD * 13n) / 10n,
      },
    ]),
  );
  const accounts = Array.from({ length: 256 }, () => {
    const positions: MarginPosition[] = [];
    const taken = new Set<string>();
    while (positions.length < 16) {
      const u = rand() < 0.5 ? 0 : 1;
      const expiry = expiries[Math.floor(rand() * expiries.length)];
      const strikeE18 = (spots[u] * BigInt(70 + 5 * Math.floor(rand() * 13))) / 100n;
      for (const isCall of rand() < 0.35 ? [false, true] : [rand() < 0.5]) {
        const key = `${u}:${expiry}:${strikeE18}:${isCall}`;
        if (positions.length === 16 || taken.has(key)) continue;
        taken.add(key);
        const size = toWad(logUniform(0.01, 50));
        positions.push({
          underlyingId: BigInt(u + 1),
          expiry,
          strikeE18,
          isCall,
          sizeE18: rand() < 0.5 ? size : -size,
        });
      }
    }
    return { collateralValueWad: toWad(logUniform(1_000, 1_000_000)), positions, markets, timestamp: now };
  });
  const accountsPerSecond = throughput(() => {
    for (const a of accounts) sink ^= accountMargin(a).initialWad;
  }, accounts.length);
  if (sink === -1n) console.log("unreachable");

  return [
    { name: "sdk.bs.pricesPerSecond", value: pricesPerSecond, unit: "prices/s" },
    { name: "sdk.margin.accountsPerSecond", value: accountsPerSecond, unit: "accounts/s" },
  ];
}
