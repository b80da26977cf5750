import { expect } from "chai";
import { parseUnits } from "viem";
import type { LossSocialisedEvent } from "./decodeOptioEvents.js";
import { localChain } from "../../test/chain.js";
import { collector, fundedClient, isolated } from "../../test/accounts.js";

describe("actions/events/watchLossSocialisations (HTTP node)", () => {
  it("delivers the vault's loss socialisation with the new loss index", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const holder = await fundedClient(chain, "socialise holder", parseUnits("10000", 6));
      // Governance (the timelock, impersonated here) lets account 0 socialise a loss, as the engine does.
      const { ethers } = chain.connection;
      const timelock = chain.deployment.contracts.timelock;
      await chain.testClient.impersonateAccount({ address: timelock });
      await chain.testClient.setBalance({ address: timelock, value: 10n ** 20n });
      const vault = await ethers.getContractAt(
        "Vault",
        chain.deployment.contracts.vault,
        await ethers.getSigner(timelock),
      );
      await (await vault.grantRole(await vault.SOCIALISER_ROLE(), chain.accounts[0])).wait();
      await chain.testClient.stopImpersonatingAccount({ address: timelock });

      const seen = collector<LossSocialisedEvent>();
      const unwatch = holder.watchLossSocialisations({ onEvents: seen.onEvents, pollingInterval: 50 });
      try {
        const asSocialiser = vault.connect(await ethers.getSigner(chain.accounts[0])) as typeof vault;
        const tx = await asSocialiser.socializeLoss(holder.address, parseUnits("5", 6));
        await tx.wait();
        const [e] = await seen.next(1);
        const index = (await vault.quoteLossIndex()) as bigint;
        expect(e).to.deep.include({ type: "lossSocialised", to: holder.address, amount: parseUnits("5", 6), index });
        expect(index < 10n ** 18n).to.equal(true);
        expect(e.transactionHash).to.equal(tx.hash);
      } finally {
        unwatch();
      }
    });
  });
});
