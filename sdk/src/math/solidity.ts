/**
 * Solidity 0.8 arithmetic in bigint: OpenZeppelin `Math.mulDiv` (both roundings), `Math.ceilDiv`, `SafeCast`, and the
 * checked uint256 / int256 ranges, so the mirrors fail where the contracts revert instead of returning a number the
 * chain would never produce.
 *
 * Mirrors `@openzeppelin/contracts/utils/math/Math.sol` (`mulDiv`, `ceilDiv`, `min`, `max`) and `SafeCast.sol`
 * (`toInt256`, `toUint256`) of OpenZeppelin Contracts 5.4.
 */

export const MAX_UINT256 = (1n << 256n) - 1n;
export const MAX_INT256 = (1n << 255n) - 1n;
export const MIN_INT256 = -(1n << 255n);

/** A checked operation left its type's range, or divided by zero: where the contract reverts (panic or error). */
export class SolidityArithmeticError extends Error {
  override name = "SolidityArithmeticError";
}

/** `Math.mulDiv(x, y, d)`: floor(x · y / d) over the full 512-bit product; throws where it reverts. */
export function mulDivDown(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new SolidityArithmeticError("mulDiv: division by zero");
  const r = (x * y) / d;
  if (r > MAX_UINT256) throw new SolidityArithmeticError("mulDiv: result overflows uint256");
  return r;
}

/** `Math.mulDiv(x, y, d, Math.Rounding.Ceil)`: ceil(x · y / d); throws where it reverts. */
export function mulDivUp(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new SolidityArithmeticError("mulDiv: division by zero");
  const p = x * y;
  const r = p / d + (p % d === 0n ? 0n : 1n);
  if (r > MAX_UINT256) throw new SolidityArithmeticError("mulDiv: result overflows uint256");
  return r;
}

/** `Math.ceilDiv(a, b)`: ceil(a / b) for uint256 a, b > 0. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new SolidityArithmeticError("ceilDiv: division by zero");
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}

/** `SafeCast.toInt256`: a uint256 that fits int256. */
export function toInt256(x: bigint): bigint {
  if (x > MAX_INT256) throw new SolidityArithmeticError(`SafeCast: ${x} does not fit int256`);
  return x;
}

/** `SafeCast.toUint256`: a non-negative int256. */
export function toUint256(x: bigint): bigint {
  if (x < 0n) throw new SolidityArithmeticError(`SafeCast: ${x} is negative`);
  return x;
}

/** A checked uint256 result (`+`, `-`, `*` outside `unchecked`). */
export function checkedUint(x: bigint): bigint {
  if (x < 0n || x > MAX_UINT256) throw new SolidityArithmeticError(`uint256 out of range: ${x}`);
  return x;
}

/** A checked int256 result. */
export function checkedInt(x: bigint): bigint {
  if (x < MIN_INT256 || x > MAX_INT256) throw new SolidityArithmeticError(`int256 out of range: ${x}`);
  return x;
}

export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
