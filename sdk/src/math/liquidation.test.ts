/**
 * `LiquidationMath` mirror against the library (through `LiquidationMathHarness`): 2,000 random cases per run over
 * every branch (before, during and after the ramps; solvent all-or-nothing, small, capped and buffer-reached, with
 * the bid's margin cost L negative or positive; insolvent). The engine-level view (`liquidationStatus`, bid payments) is compared with the deployed engine in
 * `marginEngine.test.ts`.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { runSeed, rng } from "../test/math/random.js";
import { WAD } from "./constants.js";
import { bidPaymentUp, discountDown, fundPaymentDown, solventMaxFractionDown, takenDown } from "./liquidation.js";

const { ethers } = await network.create();

const CASES = 2_000;
const BATCH = 250;

describe("sdk/math/liquidation: bit-exact with LiquidationMath", () => {
  it(`${CASES} random cases over every branch, to the wei`, async () => {
    const harness = await ethers.deployContract("LiquidationMathHarness");
    const r = rng(runSeed("liquidation"));
    const branches = new Set<string>();
    for (let done = 0; done < CASES; done += BATCH) {
      const cases = Array.from({ length: BATCH }, () => {
        const maintenanceWad = r.logUniformWad(1e-6, 1e9) + r.bits(30);
        const grossWad = r.chance(0.1) ? r.logUniformWad(1, 200) : r.logUniformWad(1e-3, 1e10) + r.bits(30);
        const equityWad = r.chance(0.2)
          ? -(r.logUniformWad(1e-6, 1e9) + r.bits(20))
          : r.chance(0.1)
            ? maintenanceWad * 2n
            : (maintenanceWad * r.range(0n, WAD)) / WAD;
        // L: the haircut value taken less what the bidder pays, from a haircut well above the discount (negative)
        // to one below it (positive, at most gross × discount).
        const lostWad = r.chance(0.1)
          ? (equityWad > 0n ? equityWad : 0n) + r.bits(20) + 1n
          : (grossWad * r.range(0n, WAD / 2n)) / WAD - (r.chance(0.5) ? (grossWad * r.range(0n, WAD / 2n)) / WAD : 0n);
        const maxDiscountWad = r.range(0n, WAD / 2n);
        const ramp = BigInt(r.int(1, 7_200));
        return {
          equityWad,
          maintenanceWad,
          grossWad,
          lostWad,
          startDiscountWad: r.range(0n, maxDiscountWad),
          maxDiscountWad,
          elapsed: r.chance(0.2) ? ramp + BigInt(r.int(0, 100)) : BigInt(r.int(0, Number(ramp))),
          ramp,
          bufferWad: r.range(0n, WAD),
          smallAccountWad: 100n * WAD,
          fractionWad: r.chance(0.2) ? WAD : r.range(1n, WAD),
        };
      });
      const results = (await harness.batch(cases)) as unknown as bigint[][];
      cases.forEach((c, i) => {
        const discountWad = discountDown(c.startDiscountWad, c.maxDiscountWad, c.elapsed, c.ramp);
        let fundPaymentWad = 0n;
        let maxFractionWad = 0n;
        let allOrNothing = false;
        if (c.equityWad < 0n) {
          fundPaymentWad = fundPaymentDown(-c.equityWad, c.grossWad, discountWad);
          branches.add("insolvent");
        } else {
          ({ maxFractionWad, allOrNothing } = solventMaxFractionDown(
            c.equityWad,
            c.maintenanceWad,
            c.grossWad,
            c.lostWad,
            c.bufferWad,
            c.smallAccountWad,
          ));
          branches.add(
            allOrNothing
              ? "allOrNothing"
              : maxFractionWad === WAD
                ? "whole"
                : maxFractionWad === 0n
                  ? "none"
                  : "partial",
          );
        }
        const sdk = [
          discountWad,
          fundPaymentWad,
          maxFractionWad,
          allOrNothing,
          bidPaymentUp(c.grossWad, c.fractionWad, discountWad),
          takenDown(c.maintenanceWad, c.fractionWad),
        ];
        expect(sdk, `case ${done + i}`).to.deep.equal([...results[i]]);
      });
    }
    expect([...branches].sort()).to.deep.equal(["allOrNothing", "insolvent", "none", "partial", "whole"]);
  });
});
