import { expect } from "chai";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { localChain } from "../../test/chain.js";
import { clientAt, market } from "../../test/fixtures.js";

describe("actions/market/listSeries (HTTP node)", () => {
  it("lists the ETH call and put with the engine's marks and put-call-consistent greeks", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const client = await clientAt(chain, 9);
    const { blockNumber, series } = await client.listSeries({ underlyingId: 1n, liveOnly: true });
    const call = series.find((s) => s.seriesId === m.callId)!;
    const put = series.find((s) => s.seriesId === m.putId)!;
    expect([call.isCall, put.isCall, call.strikeE18]).to.deep.equal([true, false, 3_000n * 10n ** 18n]);
    for (const s of [call, put]) {
      expect(s.markE18).to.equal(
        await chain.publicClient.readContract({
          address: chain.deployment.contracts.margin,
          abi: marginEngineAbi,
          functionName: "markOf",
          args: [s.seriesId],
          blockNumber,
        }),
      );
    }
    // Same vega and gamma; call delta − put delta = 1 (to the mirror's rounding).
    expect(call.greeks!.vega).to.equal(put.greeks!.vega);
    expect(call.greeks!.gamma).to.equal(put.greeks!.gamma);
    const diff = call.greeks!.delta - put.greeks!.delta - 10n ** 18n;
    expect(diff >= -2n && diff <= 2n, String(diff)).to.equal(true);
    expect(series.every((s) => s.underlyingId === 1n)).to.equal(true);
  });
});
