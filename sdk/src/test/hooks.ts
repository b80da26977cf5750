import { stopLocalChain } from "./chain.js";

/** Mocha root hooks: the shared local node (if a test started it) stops when the run ends. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopLocalChain();
  },
};
