import { expect } from "chai";
import { oracleRouterAbi } from "../../abis/oracleRouter.js";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { localChain } from "../../test/chain.js";
import { clientAt, market } from "../../test/fixtures.js";

describe("actions/market/listUnderlyings (HTTP node)", () => {
  it("lists ETH and BTC with their routers' readings and margin ratios", async () => {
    const chain = await localChain();
    await market(chain);
    const client = await clientAt(chain, 9);
    const list = await client.listUnderlyings();
    expect(list.map((u) => [u.underlyingId, u.symbol])).to.deep.equal([
      [1n, "ETH"],
      [2n, "BTC"],
    ]);
    for (const u of list) {
      const [spot, spotHealth] = await chain.publicClient.readContract({
        address: u.router,
        abi: oracleRouterAbi,
        functionName: "spot",
      });
      const [vol] = await chain.publicClient.readContract({
        address: u.router,
        abi: oracleRouterAbi,
        functionName: "volatility",
      });
      expect([u.spotE18, u.spotHealth, u.volE18]).to.deep.equal([spot, ["ok", "degraded", "down"][spotHealth], vol]);
      expect(u.marginParams).to.deep.equal(
        await chain.publicClient.readContract({
          address: chain.deployment.contracts.margin,
          abi: marginEngineAbi,
          functionName: "marginParams",
          args: [u.underlyingId],
        }),
      );
    }
  });
});
