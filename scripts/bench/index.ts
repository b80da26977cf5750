/**
 * `npm run bench`: prints one JSON object per line, `{"name", "value", "unit"}`. Gas figures are execution gas of
 * one call (see each module); `bs.maxAbsErrorOverSpot` is the largest |on-chain − 60-digit reference| / spot over
 * the Black–Scholes grid.
 */
import { benchBlackScholes } from "./blackScholes.js";
import { benchTrading } from "./trading.js";
import { benchCrash } from "./crash.js";
import { benchLiquidation } from "./liquidation.js";

for (const bench of [
  benchBlackScholes,
  () => import("./sdk.js").then((m) => m.benchSdk()),
  () => import("./keeper.js").then((m) => m.benchKeeper()),
  () => import("./keeperLive.js").then((m) => m.benchKeeperLive()),
  benchTrading,
  benchLiquidation,
  () => benchCrash(10),
  () => benchCrash(1, "crash.gap1"),
  () => import("./oracle.js").then((m) => m.benchOracle()),
]) {
  for (const result of await bench()) console.log(JSON.stringify(result));
}
