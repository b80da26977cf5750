import { expect } from "chai";
import { oracleRouterAbi } from "../../abis/oracleRouter.js";
import { seriesRegistryAbi } from "../../abis/seriesRegistry.js";
import { Router_ExpiryNotReachedError, Router_ExpiryPriceAlreadySetError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { market, rejection } from "../../test/fixtures.js";
import { isolated } from "../../test/accounts.js";
import { expiredCall, VOL, WAD } from "../../test/expiry.js";

describe("actions/expiry/proveExpiryPrice (HTTP node)", () => {
  it("finds the first Chainlink round after expiry and stores its price; refuses before expiry and twice", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const { expiry } = await chain.publicClient.readContract({
      address: chain.deployment.contracts.registry,
      abi: seriesRegistryAbi,
      functionName: "getSeries",
      args: [m.callId],
    });
    await isolated(chain, async () => {
      const { long } = await expiredCall(chain, "prove");
      const early = await rejection(long.proveExpiryPrice({ underlyingId: 1n, expiry: expiry + 86_400n }));
      expect(early).to.be.instanceOf(Router_ExpiryNotReachedError);
      const proven = await long.proveExpiryPrice({ underlyingId: 1n, expiry });
      expect([proven.source, proven.priceE18]).to.deep.equal(["primary", 4_500n * WAD]);
      const router = chain.deployment.extra.ethRouter ?? (await routerOf(chain));
      const stored = await chain.publicClient.readContract({
        address: router,
        abi: oracleRouterAbi,
        functionName: "expiryPrice",
        args: [expiry],
      });
      expect(stored).to.deep.equal([4_500n * WAD, true]);
      const again = await rejection(long.proveExpiryPrice({ underlyingId: 1n, expiry }));
      expect(again).to.be.instanceOf(Router_ExpiryPriceAlreadySetError);
      expect((again as Router_ExpiryPriceAlreadySetError).args).to.deep.equal([expiry, 4_500n * WAD]);
    });
  });

  it("falls back to the quorum round, with the proof that Chainlink has none, when Chainlink stayed silent", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { long, expiry } = await expiredCall(chain, "prove fallback", "none");
      const { submitReport } = await import("../../../../deploy/lib/quorum.js");
      const { ethers } = chain.connection;
      const quorumFeed = await ethers.getContractAt("QuorumFeed", chain.deployment.contracts.quorumFeed);
      const signers = (await ethers.getSigners()).slice(4, 7);
      const now = (await chain.publicClient.getBlock()).timestamp;
      const spot = 4_400n * WAD;
      await submitReport(quorumFeed, signers, "ETH/USD", [spot, spot, spot], now);
      await submitReport(quorumFeed, signers, "ETH/USD-IV", [VOL, VOL, VOL], now);
      await chain.testClient.increaseTime({ seconds: 6 * 3600 + 10 });
      await chain.testClient.mine({ blocks: 1 });
      const proven = await long.proveExpiryPrice({ underlyingId: 1n, expiry });
      expect([proven.source, proven.priceE18, proven.primaryRoundHint]).to.deep.equal(["secondary", spot, 0n]);
    });
  });
});

async function routerOf(chain: Awaited<ReturnType<typeof localChain>>) {
  return await chain.publicClient.readContract({
    address: chain.deployment.contracts.registry,
    abi: seriesRegistryAbi,
    functionName: "routerOf",
    args: [1n],
  });
}
