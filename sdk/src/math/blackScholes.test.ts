import { expect } from "chai";
import { network } from "hardhat";
import { runSeed, rng, type Rng } from "../test/math/random.js";
import { WAD } from "./constants.js";
import {
  BlackScholesInputOutOfRangeError,
  greeks,
  price,
  priceErrorBound,
  prices,
  type BlackScholesInput,
} from "./blackScholes.js";

const { ethers } = await network.create();

const YEAR = 31_536_000n;
const BATCH = 500;

/**
 * One random input over the library's whole domain, weighted towards what margin and quotes use: spot and strike
 * anywhere below 2^100 (or near each other), any time below 2^26 s, vol below 2^64 — with zeros, tiny v and far
 * strikes (both |d| >= 8) drawn on purpose.
 */
function randomInput(r: Rng): BlackScholesInput {
  const kind = r.int(0, 9);
  let spot: bigint;
  let strike: bigint;
  if (kind <= 5) {
    spot = r.logUniformWad(1e-6, 1e11);
    strike = (spot * r.logUniformWad(0.3, 3)) / WAD;
  } else if (kind <= 7) {
    // Near the money with little time or vol: |d| around 8 and beyond.
    spot = r.logUniformWad(1, 1e6);
    strike = (spot * (WAD + r.range(-WAD / 20n, WAD / 20n))) / WAD;
  } else {
    spot = r.bits(r.int(0, 100));
    strike = r.bits(r.int(0, 100));
  }
  const secondsToExpiry = r.chance(0.03) ? 0n : r.chance(0.7) ? BigInt(r.int(1, Number(YEAR))) : r.bits(26);
  const vol = r.chance(0.03) ? 0n : r.chance(0.8) ? r.logUniformWad(0.01, 5) : r.bits(r.int(1, 64));
  return { spot, strike, secondsToExpiry, vol };
}

describe("sdk/math/blackScholes: bit-exact with BlackScholes.sol", () => {
  let harness: Awaited<ReturnType<typeof ethers.deployContract>>;
  let inputs: BlackScholesInput[];

  before(async () => {
    harness = await ethers.deployContract("BlackScholesHarness");
    const r = rng(runSeed("blackScholes"));
    inputs = Array.from({ length: 3_000 }, () => randomInput(r));
    // The edge of item "vega and gamma beyond |d| = 8": 1 hour, 10% vol, K/S from 1.005 to 1.02.
    for (let bp = 50n; bp <= 200n; bp += 5n) {
      inputs.push({
        spot: 3_000n * WAD,
        strike: (3_000n * WAD * (10_000n + bp)) / 10_000n,
        secondsToExpiry: 3_600n,
        vol: WAD / 10n,
      });
    }
  });

  it("prices calls and puts to the wei (3,000 random inputs and the |d| = 8 edge)", async () => {
    for (let i = 0; i < inputs.length; i += BATCH) {
      const batch = inputs.slice(i, i + BATCH);
      const [calls, puts] = (await harness.pricesBatch(batch)) as [bigint[], bigint[]];
      batch.forEach((x, j) => {
        const { call, put } = prices(x.spot, x.strike, x.secondsToExpiry, x.vol);
        const what = JSON.stringify(x, (_, v) => (typeof v === "bigint" ? v.toString() : v));
        expect(call, `call ${what}`).to.equal(calls[j]);
        expect(put, `put ${what}`).to.equal(puts[j]);
        expect(price(x.spot, x.strike, x.secondsToExpiry, x.vol, true)).to.equal(call);
        expect(price(x.spot, x.strike, x.secondsToExpiry, x.vol, false)).to.equal(put);
      });
    }
  });

  it("computes price, delta, vega and gamma to the wei", async () => {
    let farDensities = 0;
    for (let i = 0; i < inputs.length; i += BATCH) {
      const batch = inputs.slice(i, i + BATCH);
      const [callPrices, deltas, vegas, gammas] = (await harness.greeksBatch(batch)) as bigint[][];
      batch.forEach((x, j) => {
        const g = greeks(x.spot, x.strike, x.secondsToExpiry, x.vol, true);
        const what = JSON.stringify(x, (_, v) => (typeof v === "bigint" ? v.toString() : v));
        expect([g.price, g.delta, g.vega, g.gamma], what).to.deep.equal([
          callPrices[j],
          deltas[j],
          vegas[j],
          gammas[j],
        ]);
        if (g.gamma !== 0n && g.price === (x.spot > x.strike ? x.spot - x.strike : 0n)) farDensities++;
      });
    }
    // The draw reaches the far region (price at intrinsic, density still positive) often enough to matter.
    expect(farDensities).to.be.greaterThan(20);
  });

  it("matches the put greeks and the error bound of single calls", async () => {
    const r = rng(7);
    for (let i = 0; i < 40; i++) {
      const x = randomInput(r);
      const [p, d, v, gm] = (await harness.priceAndGreeks(x, false)) as bigint[];
      const g = greeks(x.spot, x.strike, x.secondsToExpiry, x.vol, false);
      expect([g.price, g.delta, g.vega, g.gamma]).to.deep.equal([p, d, v, gm]);
      expect(priceErrorBound(x.spot, x.strike)).to.equal(await harness.priceErrorBound(x.spot, x.strike));
    }
  });

  it("rejects exactly the inputs the library rejects, with the same arguments", async () => {
    const cases: [bigint, bigint, bigint, bigint][] = [
      [1n << 100n, WAD, 3_600n, WAD],
      [WAD, 1n << 100n, 3_600n, WAD],
      [WAD, WAD, 1n << 26n, WAD],
      [WAD, WAD, 3_600n, 1n << 64n],
    ];
    const iface = new ethers.Interface([
      "error BlackScholes_InputOutOfRange(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)",
    ]);
    for (const [s, k, t, v] of cases) {
      let data = "0x";
      try {
        await harness.price(s, k, t, v, true);
      } catch (e) {
        data = (e as { data?: string }).data ?? "0x";
      }
      const decoded = iface.parseError(data);
      expect(decoded?.name).to.equal("BlackScholes_InputOutOfRange");
      expect([...decoded!.args]).to.deep.equal([s, k, t, v]);
      expect(() => price(s, k, t, v, true)).to.throw(BlackScholesInputOutOfRangeError);
    }
    const top = (1n << 100n) - 1n;
    expect(price(top, top, (1n << 26n) - 1n, (1n << 64n) - 1n, true)).to.equal(
      await harness.price(top, top, (1n << 26n) - 1n, (1n << 64n) - 1n, true),
    );
  });

  it("priceErrorBound: exact up to 2^128 - 1, refused from 2^128 on both sides, as the library", async () => {
    const edge = (1n << 128n) - 1n;
    const exact = ((edge + edge) * 1_000n + WAD - 1n) / WAD + 2n;
    expect(priceErrorBound(edge, edge)).to.equal(exact);
    expect(await harness.priceErrorBound(edge, edge)).to.equal(exact);
    const iface = new ethers.Interface([
      "error BlackScholes_InputOutOfRange(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)",
    ]);
    for (const [s, k] of [
      [1n << 128n, WAD],
      [WAD, 1n << 128n],
    ]) {
      let data = "0x";
      try {
        await harness.priceErrorBound(s, k);
      } catch (e) {
        data = (e as { data?: string }).data ?? "0x";
      }
      const decoded = iface.parseError(data);
      expect(decoded?.name).to.equal("BlackScholes_InputOutOfRange");
      expect([...decoded!.args]).to.deep.equal([s, k, 0n, 0n]);
      expect(() => priceErrorBound(s, k)).to.throw(BlackScholesInputOutOfRangeError);
    }
  });
});
