import { expect } from "chai";
import { network } from "hardhat";
import { blackScholesGrid, blackScholesRandomCases, type PricingCase } from "../utils/reference/grid.js";
import { greeksErrors, priceErrors, worst, type BlackScholesHarnessLike } from "../utils/reference/compare.js";

const { ethers } = await network.create();

const WAD = 10n ** 18n;
const YEAR = 31_536_000n;

describe("BlackScholes: accuracy against the 60-digit reference", () => {
  let harness: Awaited<ReturnType<typeof ethers.deployContract>>;
  const h = () => harness as unknown as BlackScholesHarnessLike;

  before(async () => {
    harness = await ethers.deployContract("BlackScholesHarness");
  });

  function report(label: string, rows: Awaited<ReturnType<typeof priceErrors>>) {
    const call = worst(rows, (r) => r.callOverSpot);
    const put = worst(rows, (r) => r.putOverSpot);
    console.log(
      `      ${label}: ${rows.length} cases, max |err|/spot call ${call.value.toExponential(3)}, ` +
        `put ${put.value.toExponential(3)}`,
    );
    return Math.max(call.value, put.value);
  }

  async function checkPrices(cases: PricingCase[], label: string) {
    const rows = await priceErrors(h(), cases);
    const maxOverSpot = report(label, rows);
    // The target: max |on-chain - reference| / spot <= 1e-15.
    expect(maxOverSpot).to.be.at.most(1e-15);
    // The documented bound, case by case: 1e-15 (spot + strike) + 2 wei.
    for (const r of rows) {
      const bound = Number(r.input.spot + r.input.strike) * 1e-15 + 2;
      expect(
        r.callWei,
        `call ${JSON.stringify(r.input, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`,
      ).to.be.at.most(bound);
      expect(r.putWei).to.be.at.most(bound);
    }
  }

  it("prices the 2,028-case log-spaced grid within the bound", async () => {
    await checkPrices(blackScholesGrid(), "grid");
  });

  it("prices 2,000 seeded random cases within the bound", async () => {
    await checkPrices(blackScholesRandomCases(2_000), "random");
  });

  it("computes greeks within their documented bounds on the grid", async () => {
    const rows = await greeksErrors(h(), blackScholesGrid());
    const delta = worst(rows, (r) => r.deltaWei);
    const vega = worst(rows, (r) => r.vegaOverSpot);
    const gamma = worst(rows, (r) => r.gammaTimesSpot);
    console.log(
      `      greeks: max |delta err| ${delta.value.toExponential(3)} wei, ` +
        `|vega err|/spot ${vega.value.toExponential(3)}, |gamma err|*spot ${gamma.value.toExponential(3)}`,
    );
    expect(delta.value).to.be.at.most(1e4); // 1e-14 in WAD
    expect(vega.value).to.be.at.most(1e-15);
    expect(gamma.value).to.be.at.most(1e-12); // |gamma err| * spot
  });

  it("keeps vega and gamma within their bounds where both |d| cross 8 (the price neglects G there)", async () => {
    // 1 hour at 10% vol puts |d| = 8 near K/S = 1.0086 (gamma was 0 there, off by 4.7e-12 / S); a minute at 1%
    // near K/S = 1.00011, where v = 1.4e-5 makes gamma * S about 3e4 and the relative part of the bound rules.
    // Both sides of the money, across the edge and past |d| = 16 (where G truncates to 0).
    const cases: PricingCase[] = [];
    for (const [t, vol, widest] of [
      [3_600n, WAD / 10n, 0.03],
      [60n, WAD / 100n, 0.0004],
      [86_400n, WAD / 20n, 0.04],
    ] as const) {
      for (let i = 1; i <= 40; i++) {
        const m = (widest * i) / 40;
        for (const sign of [1, -1]) {
          const spot = 3_000n * WAD;
          const strike = (spot * BigInt(Math.round((1 + sign * m) * 1e15))) / 10n ** 15n;
          cases.push({ spot, strike, secondsToExpiry: t, vol });
        }
      }
    }
    // And densely just past the edge: ln(K/S) = +-(v (8 + k / 100) + v**2 / 2), so min(|d1|, |d2|) = 8 + k / 100.
    for (let k = 0; k <= 20; k++) {
      const v = 0.1 * Math.sqrt(3_600 / 31_536_000);
      for (const sign of [1, -1]) {
        const spot = 3_000n * WAD;
        const ratio = Math.exp(sign * (v * (8 + k / 100) + (v * v) / 2));
        cases.push({
          spot,
          strike: (spot * BigInt(Math.round(ratio * 1e15))) / 10n ** 15n,
          secondsToExpiry: 3_600n,
          vol: WAD / 10n,
        });
      }
    }
    const rows = await greeksErrors(h(), cases);
    const vega = worst(rows, (r) => r.vegaOverSpot);
    const gamma = worst(rows, (r) => Math.min(r.gammaTimesSpot / 1e-12, r.gammaRelative / 2e-15));
    console.log(
      `      |d| ~ 8: |vega err|/spot ${vega.value.toExponential(3)}, worst gamma err ${gamma.value.toFixed(3)} of ` +
        `its bound (|err| * spot ${gamma.row.gammaTimesSpot.toExponential(3)}, relative ` +
        `${gamma.row.gammaRelative.toExponential(3)})`,
    );
    expect(vega.value).to.be.at.most(1e-15);
    // The documented gamma bound: |err| <= 2e-15 gamma + 1e-12 / spot (+ 2 wei); here case by case, either part.
    expect(gamma.value).to.be.at.most(1);
    for (const r of rows.filter((x) => x.input.secondsToExpiry === 3_600n)) {
      expect(r.gammaTimesSpot, "1 hour, 10%: the absolute part alone").to.be.at.most(1e-12);
    }
  });
});

describe("BlackScholes: edges", () => {
  let harness: Awaited<ReturnType<typeof ethers.deployContract>>;

  before(async () => {
    harness = await ethers.deployContract("BlackScholesHarness");
  });

  async function bothAndCheck(spot: bigint, strike: bigint, t: bigint, vol: bigint) {
    const [call, put] = (await harness.prices(spot, strike, t, vol)) as [bigint, bigint];
    const callIntrinsic = spot > strike ? spot - strike : 0n;
    const putIntrinsic = strike > spot ? strike - spot : 0n;
    expect(call >= callIntrinsic && call <= spot, "call within [intrinsic, spot]").to.equal(true);
    expect(put >= putIntrinsic && put <= strike, "put within [intrinsic, strike]").to.equal(true);
    expect(call - put).to.equal(spot - strike);
    expect(await harness.price(spot, strike, t, vol, true)).to.equal(call);
    expect(await harness.price(spot, strike, t, vol, false)).to.equal(put);
    return { call, put };
  }

  it("prices at intrinsic value at expiry or with zero vol", async () => {
    for (const [s, k] of [
      [2_000n * WAD, 1_500n * WAD],
      [1_500n * WAD, 2_000n * WAD],
      [WAD, WAD],
    ]) {
      for (const [t, v] of [
        [0n, WAD],
        [YEAR, 0n],
        [0n, 0n],
      ]) {
        const { call, put } = await bothAndCheck(s, k, t, v);
        expect(call).to.equal(s > k ? s - k : 0n);
        expect(put).to.equal(k > s ? k - s : 0n);
      }
    }
  });

  it("gives the payoff's greeks at expiry", async () => {
    const [, dItm, vega, gamma] = await harness.priceAndGreeks(
      { spot: 2n * WAD, strike: WAD, secondsToExpiry: 0n, vol: WAD },
      true,
    );
    expect([dItm, vega, gamma]).to.deep.equal([WAD, 0n, 0n]);
    expect(
      (await harness.priceAndGreeks({ spot: WAD, strike: 2n * WAD, secondsToExpiry: 0n, vol: WAD }, true))[1],
    ).to.equal(0n);
    expect((await harness.priceAndGreeks({ spot: WAD, strike: WAD, secondsToExpiry: 0n, vol: WAD }, true))[1]).to.equal(
      WAD / 2n,
    );
    expect(
      (await harness.priceAndGreeks({ spot: WAD, strike: WAD, secondsToExpiry: 0n, vol: WAD }, false))[1],
    ).to.equal(-WAD / 2n);
    expect(
      (await harness.priceAndGreeks({ spot: 2n * WAD, strike: WAD, secondsToExpiry: 0n, vol: WAD }, false))[1],
    ).to.equal(0n);
  });

  it("tends to spot for a call as vol grows, without reverting", async () => {
    const spot = 3_000n * WAD;
    const { call, put } = await bothAndCheck(spot, 3_000n * WAD, 2n * YEAR, 18n * WAD);
    // v = 18 sqrt(2) = 25.5: both |d| > 8, so the call is worth the spot.
    expect(call).to.equal(spot);
    expect(put).to.equal(3_000n * WAD);
    const { call: c10 } = await bothAndCheck(spot, 2_000n * WAD, 2n * YEAR, 10n * WAD);
    expect(spot - c10 < spot / 10n ** 6n).to.equal(true);
  });

  it("handles tiny v and extreme moneyness at the domain's corners", async () => {
    const prices = [10n ** 12n, WAD, 10n ** 30n, (1n << 100n) - 1n];
    const times = [0n, 1n, 3_600n, 2n * YEAR, (1n << 26n) - 1n];
    const vols = [0n, 1n, 10n ** 9n, WAD / 10n, 10n * WAD, (1n << 64n) - 1n];
    for (const s of prices)
      for (const k of prices)
        for (const t of times)
          for (const v of vols) {
            await bothAndCheck(s, k, t, v);
          }
  });

  it("reverts with BlackScholes_InputOutOfRange just outside the domain", async () => {
    // The library raises the error from assembly, so the harness ABI does not list it: decode with its signature.
    const errors = new ethers.Interface([
      "error BlackScholes_InputOutOfRange(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)",
    ]);
    const max = 1n << 100n;
    for (const args of [
      [max, WAD, 1n, WAD],
      [WAD, max, 1n, WAD],
      [WAD, WAD, 1n << 26n, WAD],
      [WAD, WAD, 1n, 1n << 64n],
    ] as const) {
      await expect(harness.price(...args, true))
        .to.be.revertedWithCustomError({ interface: errors } as never, "BlackScholes_InputOutOfRange")
        .withArgs(...args);
      await expect(
        harness.priceAndGreeks({ spot: args[0], strike: args[1], secondsToExpiry: args[2], vol: args[3] }, false),
      ).to.be.revertedWithCustomError({ interface: errors } as never, "BlackScholes_InputOutOfRange");
    }
  });
});
