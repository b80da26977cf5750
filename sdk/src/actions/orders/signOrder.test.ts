import { expect } from "chai";
import { recoverTypedDataAddress } from "viem";
import { exchangeDomain, orderTypes } from "../../types/order.js";
import { localChain } from "../../test/chain.js";
import { clientAt, rejection } from "../../test/fixtures.js";

describe("actions/orders/signOrder (HTTP node)", () => {
  it("signs the EIP-712 order with the maker's key (eth_signTypedData_v4 on the node)", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 16);
    const order = await client.buildOrder({ seriesId: 1n, isBuy: true, amount: 10n ** 18n, limitPriceE18: 10n ** 18n });
    const { signature } = await client.signOrder({ order });
    const signer = await recoverTypedDataAddress({
      domain: exchangeDomain(chain.deployment.chainId, chain.deployment.contracts.exchange),
      types: orderTypes,
      primaryType: "Order",
      message: order,
      signature,
    });
    expect(signer).to.equal(chain.accounts[16]);
  });

  it("refuses to sign an order whose maker is not the wallet's account", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 16);
    const order = await client.buildOrder({
      seriesId: 1n,
      isBuy: true,
      amount: 1n,
      limitPriceE18: 1n,
      maker: chain.accounts[17],
    });
    const err = await rejection(client.signOrder({ order }));
    expect((err as Error).message).to.match(/maker is/);
  });
});
