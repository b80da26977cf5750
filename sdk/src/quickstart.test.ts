import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Address, parseEther } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { serializeDeployment } from "./deployment.js";
import { localChain } from "./test/chain.js";
import { market, mint } from "./test/fixtures.js";

// #region quickstart
import { readFile } from "node:fs/promises";
import { createPublicClient, createWalletClient, type Hex, http, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import {
  createOptioClient,
  decodeOptioError,
  Exchange_OverfillError,
  loadDeployment,
  marginEngineAbi,
} from "@optio/sdk";

export async function quickStart(rpcUrl: string, deploymentFile: string, seriesId: bigint, keys: [Hex, Hex]) {
  // 1. Connect: a public client for reads, a wallet client per signer, and the deployment file the deploy step wrote.
  const deployment = loadDeployment(JSON.parse(await readFile(deploymentFile, "utf8")));
  const publicClient = createPublicClient({ chain: hardhat, transport: http(rpcUrl) });
  const accounts = keys.map((key) => privateKeyToAccount(key));
  const [alice, bob] = accounts.map((account) =>
    createOptioClient({
      publicClient,
      walletClient: createWalletClient({ account, chain: hardhat, transport: http(rpcUrl) }),
      deployment,
    }),
  );

  // 2. Deposit collateral: approves the vault (or signs an EIP-2612 permit when the token has one), then deposits.
  const usdc = deployment.extra.usdc;
  await alice.deposit({ token: usdc, amount: parseUnits("10000", 6) });
  await bob.deposit({ token: usdc, amount: parseUnits("10000", 6) });

  // 3. Alice signs an order to sell 2 calls at 60 USDC each; Bob fills one of them.
  const order = await alice.buildOrder({
    seriesId,
    isBuy: false,
    amount: 2n * 10n ** 18n,
    limitPriceE18: 60n * 10n ** 18n,
  });
  const signed = await alice.signOrder({ order });

  // 4. Preview before sending: premium, fee, both sides' margin before and after, and whether the chain accepts.
  const preview = await bob.previewTrade({ order, amount: 10n ** 18n });
  if (!preview.accepted) throw preview.refusal;
  const { premium, fee } = await bob.fill({ ...signed, amount: 10n ** 18n });

  // 5. Margin after the trade, as the chain computes it.
  const margin = await publicClient.readContract({
    address: deployment.contracts.margin,
    abi: marginEngineAbi,
    functionName: "marginOf",
    args: [accounts[0].address],
  });

  // 6. Handle an error: every revert arrives as a typed error with a short message and the decoded arguments.
  let refused = "";
  try {
    await bob.fill({ ...signed, amount: 2n * 10n ** 18n }); // only 1 is left
  } catch (err) {
    const e = decodeOptioError(err);
    if (e instanceof Exchange_OverfillError) {
      const [, filled, amount, total] = e.args;
      refused = `${e.shortMessage} (filled ${filled} + ${amount} > ${total})`;
    } else throw e;
  }
  return { premium, fee, preview, margin, refused };
}
// #endregion quickstart

const SDK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("README quick start (HTTP node, the @optio/sdk package build)", () => {
  it("is the code in sdk/README.md, verbatim", async () => {
    const source = await readFile(fileURLToPath(import.meta.url), "utf8");
    const region = /\/\/ #region quickstart\n([\s\S]*?)\/\/ #endregion quickstart/.exec(source)![1];
    const readme = await readFile(path.join(SDK, "README.md"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## Quick start")))![1];
    expect(block).to.equal(region);
  });

  it("connects, deposits, previews, signs and fills an order, reads margin and handles an error", async () => {
    const chain = await localChain();
    const { callId } = await market(chain);
    const accounts = [20, 21].map((addressIndex) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex }));
    const keys = accounts.map((a) => `0x${Buffer.from(a.getHdKey().privateKey!).toString("hex")}` as Hex) as [Hex, Hex];
    for (const a of accounts) {
      await chain.testClient.setBalance({ address: a.address, value: parseEther("10") });
      await mint(chain, chain.deployment.extra.usdc, a.address as Address, 10_000n * 10n ** 6n);
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), "optio-quickstart-"));
    try {
      const file = path.join(dir, "deployment.json");
      await writeFile(file, JSON.stringify(serializeDeployment(chain.deployment)));
      const { premium, fee, preview, margin, refused } = await quickStart(chain.url, file, callId, keys);
      expect(premium).to.equal(60n * 10n ** 6n);
      expect(fee > 0n).to.equal(true);
      expect([preview.accepted, preview.premium, preview.fee]).to.deep.equal([true, premium, fee]);
      expect(preview.seller.after!.initialWad > preview.seller.before!.initialWad).to.equal(true);
      expect(margin.initialWad > 0n).to.equal(true);
      expect(refused).to.match(
        /^Filling `amount` would exceed the order.*\(filled 1000000000000000000 \+ 2000000000000000000 > 2000000000000000000\)$/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
