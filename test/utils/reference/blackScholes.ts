/**
 * High-precision Black-76 (zero rate) reference in bigint fixed point with 60 decimal digits, written from first
 * principles: no floating point, no constant taken on trust (pi by Machin's formula, ln 2 by an atanh series).
 * It is the yardstick for `contracts/libraries/BlackScholes.sol` and is itself checked by
 * `test/libraries/BlackScholesReference.test.ts` (two independent methods for the normal CDF must agree).
 */

/** Number of decimal digits after the point. */
export const DIGITS = 60n;
/** 1 in the reference's fixed point. */
export const ONE = 10n ** DIGITS;
/** 1 in WAD. */
export const WAD = 10n ** 18n;
const WAD_TO_REF = 10n ** (DIGITS - 18n);
/** The year of the volatility quote, as in the Solidity: 365 days. */
export const SECONDS_PER_YEAR = 31_536_000n;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);
/** x * y, both in fixed point (truncated toward zero: the guard digits absorb it). */
export const mul = (x: bigint, y: bigint): bigint => (x * y) / ONE;
/** x / y in fixed point. */
export const div = (x: bigint, y: bigint): bigint => (x * ONE) / y;

/** Integer square root (floor) of a non-negative bigint, by Newton's method. */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative number");
  if (n < 2n) return n;
  let x = 1n << BigInt((n.toString(2).length + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(x) in fixed point. */
export const sqrt = (x: bigint): bigint => isqrt(x * ONE);

/** atanh(z) for |z| <= 1/2 by its Taylor series z + z^3/3 + z^5/5 + ... */
function atanh(z: bigint): bigint {
  const z2 = mul(z, z);
  let power = z;
  let sum = 0n;
  for (let n = 1n; power !== 0n; n += 2n) {
    sum += power / n;
    power = mul(power, z2);
  }
  return sum;
}

/** atan(1/n) for an integer n >= 2 by its Taylor series. */
function atanInverse(n: bigint): bigint {
  const n2 = n * n;
  let power = ONE / n;
  let sum = 0n;
  for (let k = 1n, sign = 1n; power !== 0n; k += 2n, sign = -sign) {
    sum += (sign * power) / k;
    power /= n2;
  }
  return sum;
}

/** ln 2 = 2 atanh(1/3). */
export const LN2 = 2n * atanh(ONE / 3n);
/** pi by Machin's formula: 16 atan(1/5) - 4 atan(1/239). */
export const PI = 16n * atanInverse(5n) - 4n * atanInverse(239n);
/** sqrt(2 pi). */
export const SQRT_2PI = sqrt(2n * PI);

/** Natural logarithm of x > 0 in fixed point: x = m 2^k with m in [1, 2), ln m = 2 atanh((m - 1) / (m + 1)). */
export function ln(x: bigint): bigint {
  if (x <= 0n) throw new RangeError("ln of a non-positive number");
  let k = 0n;
  let m = x;
  while (m >= 2n * ONE) {
    m /= 2n;
    k += 1n;
  }
  while (m < ONE) {
    m *= 2n;
    k -= 1n;
  }
  return 2n * atanh(div(m - ONE, m + ONE)) + k * LN2;
}

/** exp(x) in fixed point: x = k ln 2 + r with |r| <= ln 2 / 2, Taylor series for exp(r). */
export function exp(x: bigint): bigint {
  const k = (x >= 0n ? x + LN2 / 2n : x - LN2 / 2n) / LN2;
  const r = x - k * LN2;
  let term = ONE;
  let sum = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = mul(term, r) / n;
    sum += term;
  }
  return k >= 0n ? sum << k : sum >> -k;
}

/** Standard normal density phi(x). */
export const normalPdf = (x: bigint): bigint => div(exp(-mul(x, x) / 2n), SQRT_2PI);

/**
 * Standard normal CDF by the everywhere-convergent series Phi(x) = 1/2 + phi(x) (x + x^3/3 + x^5/(3*5) + ...)
 * (all terms of one sign: no cancellation inside the sum). Absolute error about 1e-58 for |x| <= 12.
 */
export function normalCdfSeries(x: bigint): bigint {
  const x2 = mul(x, x);
  let term = x;
  let sum = 0n;
  for (let n = 3n; term !== 0n; n += 2n) {
    sum += term;
    term = mul(term, x2) / n;
  }
  return ONE / 2n + mul(normalPdf(x), sum);
}

/**
 * Upper tail N(-x) for x >= 3 by Laplace's continued fraction phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))),
 * evaluated backwards from a depth (4,000 at x = 3, shrinking as 1/x^2) that makes the truncation negligible at
 * 60 digits (checked against the series at x = 3 in the reference's own test).
 */
export function normalTailContinuedFraction(x: bigint): bigint {
  if (x < 3n * ONE) throw new RangeError("continued fraction used below 3");
  const xInt = x / ONE;
  const depth = 200n + (3_800n * 9n) / (xInt * xInt);
  let f = x;
  for (let n = depth; n >= 1n; n--) f = x + div(n * ONE, f);
  return div(normalPdf(x), f);
}

/**
 * Standard normal CDF: the series up to |x| = 3, the continued fraction beyond (the series' absolute error grows
 * with x, to about 1e-47 at 6 and 1e-33 at 10, while the continued fraction stays at the last digit).
 */
export function normalCdf(x: bigint): bigint {
  if (abs(x) <= 3n * ONE) return normalCdfSeries(x);
  return x > 0n ? ONE - normalTailContinuedFraction(x) : normalTailContinuedFraction(-x);
}

/** erf(z) by its alternating Maclaurin series 2/sqrt(pi) sum (-1)^n z^(2n+1) / (n! (2n+1)); for |z| <= 3. */
export function erfSeries(z: bigint): bigint {
  const z2 = mul(z, z);
  let power = z; // (-1)^n z^(2n+1) / n!
  let sum = 0n;
  for (let n = 0n; power !== 0n; n++) {
    sum += power / (2n * n + 1n);
    power = -mul(power, z2) / (n + 1n);
  }
  return div(2n * sum, sqrt(PI));
}

export interface ReferenceResult {
  /** Call and put prices, in the unit of spot, at 60 digits. */
  call: bigint;
  put: bigint;
  /** N(d1) at 60 digits. */
  callDelta: bigint;
  /** S phi(d1) sqrt(T), per 1.00 of vol, in the unit of spot. */
  vega: bigint;
  /** phi(d1) / (S v), per unit of spot. */
  gamma: bigint;
}

/** Converts a WAD bigint to the reference's fixed point. */
export const fromWad = (x: bigint): bigint => x * WAD_TO_REF;
/** The reference's fixed point as a (lossy) number of WAD units, for error reports. */
export const toWadNumber = (x: bigint): number => Number(x / 10n ** (DIGITS - 30n)) / 1e12;

/**
 * Black-76 with a zero rate: spot and strike in WAD, time in seconds, vol in WAD. At T = 0, vol = 0, or a zero
 * price the result is the payoff (delta 1, 0 or 1/2 at the money; vega and gamma 0).
 */
export function blackScholes(spotWad: bigint, strikeWad: bigint, seconds: bigint, volWad: bigint): ReferenceResult {
  const s = fromWad(spotWad);
  const k = fromWad(strikeWad);
  const v = mul(fromWad(volWad), sqrt((seconds * ONE) / SECONDS_PER_YEAR));
  if (v === 0n || s === 0n || k === 0n) {
    const callDelta = s > k ? ONE : s < k ? 0n : ONE / 2n;
    return {
      call: s > k ? s - k : 0n,
      put: k > s ? k - s : 0n,
      callDelta,
      vega: 0n,
      gamma: 0n,
    };
  }
  const d1 = div(ln(div(s, k)) + mul(v, v) / 2n, v);
  const d2 = d1 - v;
  const n1 = normalCdf(d1);
  const n2 = normalCdf(d2);
  const pdf1 = normalPdf(d1);
  return {
    call: mul(s, n1) - mul(k, n2),
    put: mul(k, ONE - n2) - mul(s, ONE - n1),
    callDelta: n1,
    vega: mul(mul(s, pdf1), div(v, fromWad(volWad))),
    gamma: div(pdf1, mul(s, v)),
  };
}
