import type { RoleFactory } from "./types.js";
import { liquidatorRole } from "./liquidator/index.js";
import { oracleRole } from "./oracle/index.js";
import { settlerRole } from "./settler.js";
import { watchRole } from "./watch.js";

/** Every role the CLI knows, by name. Roles that are not built yet say so instead of starting. */
export const ROLE_FACTORIES: Record<string, RoleFactory> = {
  watch: watchRole,
  liquidator: liquidatorRole,
  settler: settlerRole,
  oracle: oracleRole,
};
