/**
 * The README's quick start, executed: the block between `<!-- quickstart -->` markers in `sdk/README.md` is written
 * out as a module beside the package (so `@optio/sdk` and `viem` resolve as for a user) and run against the shared
 * Hardhat node over HTTP, with two fresh keys holding mock USDC.
 */
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Hex, keccak256, parseEther, parseUnits, stringToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { serializeDeployment } from "./deployment.js";
import type { OptioContractError } from "./errors/base.js";
import type { GetAccountReturnType } from "./actions/account/getAccount.js";
import type { FillReturnType } from "./actions/orders/fill.js";
import type { PreviewTradeReturnType } from "./actions/orders/previewTrade.js";
import { localChain } from "./test/chain.js";
import { market, mint } from "./test/fixtures.js";

/** The signature of the README's `quickStart`. */
type QuickStart = (
  rpcUrl: string,
  deploymentJson: unknown,
  makerKey: Hex,
  takerKey: Hex,
) => Promise<{
  preview: PreviewTradeReturnType;
  fill: FillReturnType;
  refused: OptioContractError | undefined;
  account: GetAccountReturnType;
}>;

const SDK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The README's quick-start code block. */
export async function readmeQuickStart(): Promise<string> {
  const readme = await readFile(path.join(SDK, "README.md"), "utf8");
  const match = /<!-- quickstart -->\s*```ts\n([\s\S]*?)```\s*<!-- \/quickstart -->/.exec(readme);
  if (match === null) throw new Error("sdk/README.md has no quick-start block");
  return match[1];
}

describe("README quick start (HTTP node)", () => {
  it("runs as written: deposit, preview, fill, a typed Exchange_Overfill, getAccount", async () => {
    const chain = await localChain();
    await market(chain);
    const keys = ["maker", "taker"].map((n) => keccak256(stringToHex(`optio sdk quickstart ${n}`)));
    for (const key of keys) {
      const { address } = privateKeyToAccount(key);
      await chain.testClient.setBalance({ address, value: parseEther("10") });
      await mint(chain, chain.deployment.extra.usdc, address, parseUnits("20000", 6));
    }
    const dir = await mkdtemp(path.join(SDK, ".quickstart-"));
    try {
      const file = path.join(dir, "quickstart.ts");
      await writeFile(file, await readmeQuickStart());
      const { quickStart } = (await import(pathToFileURL(file).href)) as { quickStart: QuickStart };
      const json = JSON.parse(JSON.stringify(serializeDeployment(chain.deployment)));
      const log = console.log;
      console.log = () => {};
      let result: Awaited<ReturnType<typeof quickStart>>;
      try {
        result = await quickStart(chain.url, json, keys[0], keys[1]);
      } finally {
        console.log = log;
      }
      expect(result.preview.accepted).to.equal(true);
      expect(result.fill.premium).to.equal(result.preview.premium);
      expect(result.fill.fee).to.equal(result.preview.fee);
      expect(result.refused?.errorName).to.equal("Exchange_Overfill");
      const taker = privateKeyToAccount(keys[1]).address;
      expect(result.account.account).to.equal(taker);
      expect(result.account.positions.map((p) => p.sizeE18)).to.deep.equal([10n ** 18n]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
