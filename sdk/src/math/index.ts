/**
 * The math mirror: pure bigint functions that reproduce the contracts' results to the wei. Each module's header
 * names the Solidity it mirrors.
 */
export * from "./constants.js";
export { SolidityArithmeticError, ceilDiv, mulDivDown, mulDivUp } from "./solidity.js";
export * from "./blackScholes.js";
export * from "./standardMargin.js";
export * from "./marginEngine.js";
export * from "./fee.js";
export * from "./vault.js";
export * from "./liquidation.js";
export * from "./health.js";
