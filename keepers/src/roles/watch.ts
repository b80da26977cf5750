import type { Role, RoleContext, RoleFactory } from "./types.js";
import type { StoredBlock } from "../state/store.js";
import { weiToEthFloat } from "../ops/metrics.js";

/**
 * The watch role: follows the chain through the shared frame and reports the signer's balance and nonce. It sends
 * nothing; operators use it to prove a deployment's config, key, RPC endpoints, store and monitoring before
 * enabling roles that spend.
 */
class WatchRole implements Role {
  readonly name = "watch";
  private readonly balance;
  private readonly nonce;
  private lastBlock: bigint | undefined;
  private warned = false;

  constructor(private readonly ctx: RoleContext) {
    this.balance = ctx.metrics.gauge("signer_balance_eth", "Balance of the keeper's account, in ether");
    this.nonce = ctx.metrics.gauge("signer_nonce", "Mined nonce of the keeper's account");
  }

  async start(): Promise<void> {
    const last = this.ctx.store.kvGet<string>(this.name, "lastBlock");
    if (last !== undefined) this.ctx.logger.info({ lastBlock: last }, "watch resumes");
  }

  async onBlock(block: StoredBlock): Promise<void> {
    const account = this.ctx.account;
    if (account !== undefined) {
      const [wei, nonce] = await Promise.all([
        this.ctx.read.getBalance({ address: account.address, blockNumber: block.number }),
        this.ctx.read.getTransactionCount({ address: account.address, blockNumber: block.number }),
      ]);
      const eth = weiToEthFloat(wei);
      this.balance.set(eth);
      this.nonce.set(nonce);
      const floor = this.ctx.config.roles.watch.balanceWarnEth;
      if (floor > 0 && eth < floor && !this.warned) {
        this.warned = true;
        this.ctx.logger.warn({ account: account.address, balanceEth: eth, floorEth: floor }, "signer balance is low");
      } else if (eth >= floor) this.warned = false;
    }
    this.ctx.store.kvPut(this.name, "lastBlock", block.number.toString(), block.number);
    this.lastBlock = block.number;
  }

  async onReorg(ancestor: bigint): Promise<void> {
    this.ctx.logger.info({ ancestor }, "watch unwound to the common ancestor");
    this.lastBlock = ancestor;
  }

  ready(): boolean {
    return this.lastBlock !== undefined;
  }

  async stop(): Promise<void> {}
}

export const watchRole: RoleFactory = {
  name: "watch",
  summary: "follow the chain; report the signer's balance and nonce (sends nothing)",
  needsSigner: false,
  create: (ctx) => new WatchRole(ctx),
};
