import type { RoleFactory } from "../types.js";
import { ChainHealthModel } from "./health.js";
import { LiquidatorRole } from "./liquidator.js";

export const liquidatorRole: RoleFactory = {
  name: "liquidator",
  summary: "index accounts, start auctions on under-margined ones, bid and end them",
  needsSigner: true,
  needsDeployment: true,
  create: (ctx) => new LiquidatorRole(ctx, { model: new ChainHealthModel(ctx.read, ctx.deployment!) }),
};
