import type { RoleFactory } from "../types.js";
import { ChainHealthModel, SdkHealthModel } from "./health.js";
import { LiquidatorRole } from "./liquidator.js";

export const liquidatorRole: RoleFactory = {
  name: "liquidator",
  summary: "index accounts, start auctions on under-margined ones, bid and end them",
  needsSigner: true,
  needsDeployment: true,
  create: (ctx) =>
    new LiquidatorRole(ctx, {
      model:
        ctx.config.roles.liquidator.health === "chain"
          ? new ChainHealthModel(ctx.read, ctx.deployment!)
          : new SdkHealthModel(ctx.optio!),
    }),
};
