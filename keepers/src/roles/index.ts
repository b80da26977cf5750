import type { RoleFactory } from "./types.js";
import { oracleRole } from "./oracle/index.js";
import { watchRole } from "./watch.js";

const pendingSdk =
  "role not available yet: it needs @optio/sdk (ABIs, math, errors), which this build does not include";

/** Every role the CLI knows, by name. Roles that are not built yet say so instead of starting. */
export const ROLE_FACTORIES: Record<string, RoleFactory> = {
  watch: watchRole,
  liquidator: {
    name: "liquidator",
    summary: "index accounts, start auctions on under-margined ones and bid",
    needsSigner: true,
    unavailable: pendingSdk,
    create: () => {
      throw new Error(pendingSdk);
    },
  },
  settler: {
    name: "settler",
    summary: "prove expiry prices and settle expired series in batches",
    needsSigner: true,
    unavailable: pendingSdk,
    create: () => {
      throw new Error(pendingSdk);
    },
  },
  oracle: oracleRole,
};
