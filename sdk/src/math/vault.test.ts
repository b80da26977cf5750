/**
 * The loss-index mirror against a real `Vault`: random sequences of deposits, withdrawals, clearing transfers and
 * socialised losses (some at or beyond the 10% bound), each followed by a comparison, to the wei, of the index and
 * of every account's quote balance and collateral value with what the SDK computes from the shares it tracks.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { Contract } from "ethers";
import { runSeed, rng } from "../test/math/random.js";
import { WAD } from "./constants.js";
import {
  quoteBalanceOf,
  quoteValueWad,
  sharesCredited,
  sharesDebited,
  socializeLoss,
  VaultLossTooLargeError,
} from "./vault.js";

const { ethers } = await network.create();

const STEPS = 250;

describe("sdk/math/vault: bit-exact with Vault's quote loss index", function () {
  this.timeout(300_000);

  it(`tracks the index and every quote balance through ${STEPS} random operations`, async () => {
    const r = rng(runSeed("vault"));
    const signers = (await ethers.getSigners()).slice(1, 7);
    const [admin] = await ethers.getSigners();
    const usdc = (await ethers.deployContract("MockERC20", ["USD Coin (mock)", "USDC", 6])) as unknown as Contract;
    const counter = await ethers.deployContract("MockPositionCounter");
    const hook = await ethers.deployContract("OpenPositionsMarginHook", [await counter.getAddress()]);
    const vault = (await ethers.deployContract("Vault", [
      admin.address,
      await usdc.getAddress(),
      await hook.getAddress(),
    ])) as unknown as Contract;
    await (await vault.grantRole(await vault.SOCIALISER_ROLE(), admin.address)).wait();
    await (await vault.grantRole(await vault.CLEARING_ROLE(), admin.address)).wait();
    const token = await usdc.getAddress();
    const accounts = signers.map((s) => s.address);
    const shares = new Map<string, bigint>(accounts.map((a) => [a, 0n]));
    let index = WAD;
    let total = 0n;
    let losses = 0;
    let rejected = 0;

    for (const s of signers) {
      await (await usdc.mint(s.address, 10n ** 18n)).wait();
      await (await (usdc.connect(s) as Contract).approve(await vault.getAddress(), 10n ** 18n)).wait();
    }
    const balance = (a: string) => quoteBalanceOf(shares.get(a)!, index);

    for (let step = 0; step < STEPS; step++) {
      const i = r.int(0, accounts.length - 1);
      const account = accounts[i];
      const op = step < 6 ? 0 : r.int(0, 3);
      if (op === 0) {
        const amount = BigInt(r.int(1, 2_000_000_000)) * BigInt(r.int(1, 1_000_000));
        await (await (vault.connect(signers[i]) as Contract).deposit(account, token, amount)).wait();
        shares.set(account, shares.get(account)! + sharesCredited(amount, index));
        total += amount;
      } else if (op === 1 && balance(account) > 0n) {
        const amount = r.range(1n, balance(account));
        await (await (vault.connect(signers[i]) as Contract).withdraw(account, token, amount, account)).wait();
        shares.set(account, shares.get(account)! - sharesDebited(shares.get(account)!, amount, index));
        total -= amount;
      } else if (op === 2 && balance(account) > 0n) {
        const to = accounts[(i + r.int(1, accounts.length - 1)) % accounts.length];
        const amount = r.range(1n, balance(account));
        await (await vault.clearingTransfer(account, to, token, amount)).wait();
        shares.set(account, shares.get(account)! - sharesDebited(shares.get(account)!, amount, index));
        shares.set(to, shares.get(to)! + sharesCredited(amount, index));
      } else if (op === 3 && total > 10n) {
        const maxAmount = total / 10n;
        const amount = r.chance(0.1) ? maxAmount + BigInt(r.int(0, 1)) : r.range(1n, maxAmount);
        let sdk: ReturnType<typeof socializeLoss> | undefined;
        try {
          sdk = socializeLoss(index, total, amount);
        } catch (e) {
          expect(e).to.be.instanceOf(VaultLossTooLargeError);
        }
        if (sdk === undefined) {
          await expect(vault.socializeLoss(account, amount)).to.be.revertedWithCustomError(vault, "Vault_LossTooLarge");
          rejected++;
        } else {
          await (await vault.socializeLoss(account, amount)).wait();
          index = sdk.index;
          shares.set(account, shares.get(account)! + sdk.creditedShares);
          losses++;
        }
      }
      expect(await vault.quoteLossIndex(), `index after step ${step}`).to.equal(index);
      expect(await vault.totalBalance(token)).to.equal(total);
      for (const a of accounts) {
        expect(await vault.balanceOf(a, token), `balance after step ${step}`).to.equal(balance(a));
        expect(await vault.collateralValue(a)).to.equal(quoteValueWad(balance(a), 6));
      }
    }
    console.log(`      ${losses} socialised losses (${rejected} rejected), index ${index}`);
    expect(losses).to.be.greaterThan(10);
  });
});
