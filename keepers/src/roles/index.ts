import type { RoleFactory } from "./types.js";
import { liquidatorRole } from "./liquidator/index.js";
import { settlerRole } from "./settler.js";
import { watchRole } from "./watch.js";

/** Every role the CLI knows, by name. Roles that are not built yet say so instead of starting. */
export const ROLE_FACTORIES: Record<string, RoleFactory> = {
  watch: watchRole,
  liquidator: liquidatorRole,
  settler: settlerRole,
  oracle: {
    name: "oracle",
    summary: "observe prices, exchange signed observations, submit quorum rounds",
    needsSigner: true,
    unavailable: "role not available yet: the quorum oracle role is tracked in its own issue",
    create: () => {
      throw new Error("role not available yet");
    },
  },
};
