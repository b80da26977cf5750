/**
 * `StandardMarginLib` mirror against the library itself (through `StandardMarginHarness`): 2,000 random leg sets
 * per run — sorted and unsorted, bounded and unbounded, at and beyond the domain's edges — compared to the wei,
 * errors included; and the per-option formulas on random inputs.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { runSeed, rng, type Rng } from "../test/math/random.js";
import { WAD } from "./constants.js";
import {
  fractionOfSpotUp,
  maxLoss,
  nakedInitialPerUnit,
  StandardMarginLegOutOfRangeError,
  StandardMarginUnsortedLegsError,
  type Leg,
} from "./standardMargin.js";

const { ethers } = await network.create();

const CASES = 2_000;
const BATCH = 250;

function randomLegs(r: Rng): Leg[] {
  const n = r.chance(0.02) ? 256 : r.int(0, 16);
  const spot = r.logUniformWad(0.01, 1e7);
  const legs: Leg[] = Array.from({ length: n }, () => {
    const strikeE18 = r.chance(0.003) ? (1n << 120n) - r.bits(8) : (spot * r.logUniformWad(0.3, 3)) / WAD;
    const magnitude = r.chance(0.003) ? (1n << 127n) - r.bits(4) : r.logUniformWad(0.0001, 1e4);
    return { strikeE18, sizeE18: r.chance(0.5) ? magnitude : -magnitude, isCall: r.chance(0.5) };
  });
  // Mostly sorted (as the engine passes them), sometimes equal strikes, sometimes out of order.
  if (!r.chance(0.1)) legs.sort((a, b) => (a.strikeE18 < b.strikeE18 ? -1 : a.strikeE18 > b.strikeE18 ? 1 : 0));
  if (n > 1 && r.chance(0.2)) legs[r.int(1, n - 1)].strikeE18 = legs[r.int(0, n - 2)].strikeE18;
  return legs;
}

describe("sdk/math/standardMargin: bit-exact with StandardMarginLib", () => {
  let harness: Awaited<ReturnType<typeof ethers.deployContract>>;
  let r: Rng;

  before(async () => {
    harness = await ethers.deployContract("StandardMarginHarness");
    r = rng(runSeed("standardMargin"));
  });

  it(`maxLoss: ${CASES} random leg sets, losses, boundedness and errors to the wei`, async () => {
    let reverted = 0;
    let unbounded = 0;
    for (let done = 0; done < CASES; done += BATCH) {
      const sets = Array.from({ length: BATCH }, () => randomLegs(r));
      const [losses, bounded, reverts] = (await harness.maxLossBatch(sets)) as [bigint[], boolean[], string[]];
      sets.forEach((legs, i) => {
        let sdk: ReturnType<typeof maxLoss> | undefined;
        let error: Error | undefined;
        try {
          sdk = maxLoss(legs);
        } catch (e) {
          error = e as Error;
        }
        if (reverts[i] !== "0x") {
          reverted++;
          const decoded = harness.interface.parseError(reverts[i]);
          expect(error, `case ${done + i} reverts ${decoded?.name}`).to.not.equal(undefined);
          const expected =
            decoded?.name === "StandardMargin_UnsortedLegs"
              ? StandardMarginUnsortedLegsError
              : StandardMarginLegOutOfRangeError;
          expect(error).to.be.instanceOf(expected);
          expect((error as StandardMarginLegOutOfRangeError).index).to.equal(decoded!.args[0]);
        } else {
          expect(error, `case ${done + i}`).to.equal(undefined);
          expect([sdk!.lossE18, sdk!.bounded], `case ${done + i}`).to.deep.equal([losses[i], bounded[i]]);
          if (!bounded[i]) unbounded++;
        }
      });
    }
    console.log(`      ${reverted} reverted, ${unbounded} unbounded`);
    expect(reverted).to.be.greaterThan(0);
    expect(unbounded).to.be.greaterThan(0);
  });

  it("fractionOfSpotUp and nakedInitialPerUnit on random inputs", async () => {
    for (let i = 0; i < 60; i++) {
      const spot = r.logUniformWad(0.01, 1e7) + r.bits(20);
      const ratio = r.range(1n, WAD);
      expect(fractionOfSpotUp(ratio, spot)).to.equal(await harness.fractionOfSpotUp(ratio, spot));
      const a = fractionOfSpotUp(ratio, spot);
      const b = (a * r.range(0n, WAD)) / WAD;
      const strike = (spot * r.logUniformWad(0.3, 3)) / WAD;
      const mark = r.bits(r.int(0, 80));
      const isCall = r.chance(0.5);
      expect(nakedInitialPerUnit(a, b, spot, strike, isCall, mark)).to.equal(
        await harness.nakedInitialPerUnit(a, b, spot, strike, isCall, mark),
      );
    }
  });
});
