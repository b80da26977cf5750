import { expect } from "chai";
import { hashDomain, hashStruct, keccak256, stringToHex } from "viem";
import { exchangeAbi } from "../../abis/exchange.js";
import { exchangeDomain, ORDER_TYPE_STRING, orderTypes } from "../../types/order.js";
import { localChain } from "../../test/chain.js";

describe("types/order: one source of the EIP-712 Order type", () => {
  it("hashes to the exchange's ORDER_TYPEHASH", async () => {
    const chain = await localChain();
    const onChain = await chain.publicClient.readContract({
      address: chain.deployment.contracts.exchange,
      abi: exchangeAbi,
      functionName: "ORDER_TYPEHASH",
    });
    expect(keccak256(stringToHex(ORDER_TYPE_STRING))).to.equal(onChain);
    // viem's own encoding of `orderTypes` uses the same type string.
    const zero = {
      maker: `0x${"00".repeat(20)}`,
      seriesId: 0n,
      isBuy: false,
      amount: 0n,
      limitPriceE18: 0n,
      deadline: 0n,
      nonce: 0n,
      taker: `0x${"00".repeat(20)}`,
    } as const;
    const structHash = hashStruct({ types: orderTypes, primaryType: "Order", data: zero });
    expect(structHash).to.equal(keccak256(`${onChain}${"00".repeat(32 * 8)}`));
    // The SDK's domain (name, version, chain id, exchange address) is the exchange's.
    const separator = await chain.publicClient.readContract({
      address: chain.deployment.contracts.exchange,
      abi: exchangeAbi,
      functionName: "DOMAIN_SEPARATOR",
    });
    expect(
      hashDomain({
        domain: {
          ...exchangeDomain(chain.deployment.chainId, chain.deployment.contracts.exchange),
          chainId: BigInt(chain.deployment.chainId),
        },
        types: {
          EIP712Domain: [
            { name: "name", type: "string" },
            { name: "version", type: "string" },
            { name: "chainId", type: "uint256" },
            { name: "verifyingContract", type: "address" },
          ],
        },
      }),
    ).to.equal(separator);
  });
});
