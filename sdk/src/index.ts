/**
 * @optio/sdk: a typed client for the Optio clearinghouse on viem.
 *
 * Two layers, as Morpho splits `blue-sdk` / `blue-sdk-viem`: `math/` and the types are pure (no I/O); everything
 * that talks to a chain lives in `actions/`.
 */
export { WAD } from "./math/constants.js";
export * from "./math/index.js";
