import { expect } from "chai";
import { createPublicClient, parseUnits } from "viem";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import { vaultAbi } from "../../abis/vault.js";
import { createOptioClient } from "../../client.js";
import { OptioAccountNotFoundError } from "../internal/write.js";
import { localChain } from "../../test/chain.js";
import { market, rejection } from "../../test/fixtures.js";
import { countingPublicClient, fundedClient, trade } from "../../test/accounts.js";

describe("actions/account/getAccount (HTTP node)", () => {
  it("reads balances, positions with marks, margin and liquidation status in a handful of RPC requests", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const alice = await fundedClient(chain, "getAccount alice", parseUnits("50000", 6));
    const bob = await fundedClient(chain, "getAccount bob", parseUnits("50000", 6));
    const mark = await chain.publicClient.readContract({
      address: chain.deployment.contracts.margin,
      abi: marginEngineAbi,
      functionName: "markOf",
      args: [m.callId],
    });
    // Alice buys 2 calls from Bob, and sells him 1 put.
    await trade(bob, alice, { seriesId: m.callId, isBuy: false, amount: 2n * 10n ** 18n, limitPriceE18: mark });
    await trade(bob, alice, { seriesId: m.putId, isBuy: true, amount: 10n ** 18n, limitPriceE18: mark / 2n });

    const { counter, transport } = countingPublicClient(chain);
    const counted = createOptioClient({
      publicClient: createPublicClient({ chain: chain.chain, transport }),
      deployment: chain.deployment,
    });
    const a = await counted.getAccount({ account: alice.address });
    // One block, three snapshot multicalls, one log query, one final multicall.
    expect(counter.requests, counter.methods.join(",")).to.be.at.most(6);

    const read = <T>(p: { address: `0x${string}`; abi: unknown; functionName: string; args?: unknown[] }) =>
      chain.publicClient.readContract({ ...p, blockNumber: a.blockNumber } as never) as Promise<T>;
    const c = chain.deployment.contracts;
    const usdc = chain.deployment.extra.usdc;
    const usdcRow = a.collaterals.find((x) => x.token === usdc)!;
    expect(usdcRow.balance).to.equal(
      await read<bigint>({ address: c.vault, abi: vaultAbi, functionName: "balanceOf", args: [alice.address, usdc] }),
    );
    expect(usdcRow.valueWad).to.equal(usdcRow.balance * 10n ** 12n);
    expect(a.collateralValueWad).to.equal(
      await read<bigint>({ address: c.vault, abi: vaultAbi, functionName: "collateralValue", args: [alice.address] }),
    );
    expect(a.positions.map((p) => [p.seriesId, p.sizeE18]).sort()).to.deep.equal(
      [
        [m.callId, 2n * 10n ** 18n],
        [m.putId, -(10n ** 18n)],
      ].sort(),
    );
    for (const p of a.positions) {
      expect(p.markE18).to.equal(
        await read<bigint>({ address: c.margin, abi: marginEngineAbi, functionName: "markOf", args: [p.seriesId] }),
      );
      expect(p.underlyingId).to.equal(1n);
      expect(p.strikeE18).to.equal(3_000n * 10n ** 18n);
    }
    expect(a.margin).to.deep.equal(
      await read({ address: c.margin, abi: marginEngineAbi, functionName: "marginOf", args: [alice.address] }),
    );
    expect(a.margin!.initialWad > 0n).to.equal(true);
    expect(a.liquidation).to.deep.include(
      await read({
        address: c.liquidationEngine,
        abi: liquidationEngineAbi,
        functionName: "liquidationStatus",
        args: [alice.address],
      }),
    );
    expect(a.liquidation!.auctionStart).to.equal(0n);
    expect(a.debt).to.deep.equal({ total: 0n, bySeries: [] });
    expect(a.claims).to.deep.equal([]);
  });

  it("throws OptioAccountNotFoundError without an account or a wallet", async () => {
    const chain = await localChain();
    const client = createOptioClient({ publicClient: chain.publicClient, deployment: chain.deployment });
    expect(await rejection(client.getAccount())).to.be.instanceOf(OptioAccountNotFoundError);
  });
});
