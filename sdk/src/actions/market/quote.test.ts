import { expect } from "chai";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { seriesRegistryAbi } from "../../abis/seriesRegistry.js";
import { Series_UnknownUnderlyingError } from "../../errors/generated.js";
import { greeks } from "../../math/blackScholes.js";
import { localChain } from "../../test/chain.js";
import { clientAt, market, rejection } from "../../test/fixtures.js";

describe("actions/market/quote (HTTP node)", () => {
  it("prices a listed series as markOf does, and any other strike and expiry by the same model", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const client = await clientAt(chain, 9);
    const s = await chain.publicClient.readContract({
      address: chain.deployment.contracts.registry,
      abi: seriesRegistryAbi,
      functionName: "getSeries",
      args: [m.callId],
    });
    const blockNumber = await chain.publicClient.getBlockNumber();
    const q = await client.quote({
      underlyingId: 1n,
      strikeE18: s.strikeE18,
      expiry: s.expiry,
      isCall: true,
      blockNumber,
    });
    expect(q.markE18).to.equal(
      await chain.publicClient.readContract({
        address: chain.deployment.contracts.margin,
        abi: marginEngineAbi,
        functionName: "markOf",
        args: [m.callId],
        blockNumber,
      }),
    );
    const strike = 3_333n * 10n ** 18n;
    const expiry = q.timestamp + 7n * 86_400n;
    const other = await client.quote({ underlyingId: 1n, strikeE18: strike, expiry, isCall: false, blockNumber });
    const g = greeks(q.spotE18, strike, expiry - q.timestamp, q.volE18, false);
    expect([other.markE18, other.greeks]).to.deep.equal([g.price, { delta: g.delta, vega: g.vega, gamma: g.gamma }]);
  });

  it("throws Series_UnknownUnderlying for an underlying the registry does not know", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 9);
    const err = await rejection(client.quote({ underlyingId: 9n, strikeE18: 1n, expiry: 1n, isCall: true }));
    expect(err).to.be.instanceOf(Series_UnknownUnderlyingError);
    expect((err as Series_UnknownUnderlyingError).args).to.deep.equal([9n]);
  });
});
