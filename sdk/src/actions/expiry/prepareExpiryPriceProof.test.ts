import { expect } from "chai";
import { oracleRouterAbi } from "../../abis/oracleRouter.js";
import { seriesRegistryAbi } from "../../abis/seriesRegistry.js";
import { Router_ExpiryNotReachedError, Router_ExpiryPriceAlreadySetError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { rejection } from "../../test/fixtures.js";
import { isolated } from "../../test/accounts.js";
import { expiredCall, WAD } from "../../test/expiry.js";

describe("actions/expiry/prepareExpiryPriceProof (HTTP node)", () => {
  it("finds the router call that proves the price and sends nothing; refuses before expiry and once proven", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { long, expiry } = await expiredCall(chain, "prepare");
      const early = await rejection(long.prepareExpiryPriceProof({ underlyingId: 1n, expiry: expiry + 86_400n }));
      expect(early).to.be.instanceOf(Router_ExpiryNotReachedError);
      const router = await chain.publicClient.readContract({
        address: chain.deployment.contracts.registry,
        abi: seriesRegistryAbi,
        functionName: "routerOf",
        args: [1n],
      });
      const proof = await long.prepareExpiryPriceProof({ underlyingId: 1n, expiry });
      expect([proof.address, proof.functionName, proof.source]).to.deep.equal([router, "setExpiryPrice", "primary"]);
      expect(proof.args).to.deep.equal([expiry, proof.roundHint]);
      const stored = () =>
        chain.publicClient.readContract({
          address: router,
          abi: oracleRouterAbi,
          functionName: "expiryPrice",
          args: [expiry],
        });
      // Nothing was sent: the price is still unset.
      expect((await stored())[1]).to.equal(false);
      // The prepared call is what the router accepts: sent as is, it stores the round's price.
      const wallet = long.walletClient!;
      const hash = await wallet.writeContract({
        address: proof.address,
        abi: proof.abi,
        functionName: proof.functionName,
        args: proof.args,
        account: wallet.account!,
        chain: wallet.chain,
      } as never);
      await chain.publicClient.waitForTransactionReceipt({ hash });
      expect(await stored()).to.deep.equal([4_500n * WAD, true]);
      const again = await rejection(long.prepareExpiryPriceProof({ underlyingId: 1n, expiry }));
      expect(again).to.be.instanceOf(Router_ExpiryPriceAlreadySetError);
    });
  });
});
