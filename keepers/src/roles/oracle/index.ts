import type { RoleFactory } from "../types.js";
import { OracleRole } from "./role.js";

export const oracleRole: RoleFactory = {
  name: "oracle",
  summary: "observe prices, exchange signed observations, submit quorum rounds",
  needsSigner: true,
  needsDeployment: true,
  create: (ctx) => new OracleRole(ctx),
};
