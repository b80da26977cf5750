/**
 * Black–Scholes (Black-76, zero rate) in bigint, bit-exact with the contracts.
 *
 * Mirrors `contracts/libraries/BlackScholes.sol`: `price`, `prices`, `priceAndGreeks`, `priceErrorBound` and the
 * private `_call` / `_callAndGreeks`, including the assembly kernels of `_call` (sqrt of time, ln of
 * the moneyness, exp, the scaled normal tail R) operation for operation. EVM semantics: `div`/`shr` on values the
 * contract keeps non-negative are bigint `/` and `>>`; `sdiv` truncates toward zero like bigint `/`; `sar` floors
 * like bigint `>>`. The contract's words never wrap inside the domain (its comments bound every product), so plain
 * signed bigint arithmetic reproduces them exactly; products by a zero G are zero in both.
 */
import { WAD } from "./constants.js";

/** An input lies outside the library's domain (`BlackScholes_InputOutOfRange` on chain). */
export class BlackScholesInputOutOfRangeError extends Error {
  override name = "BlackScholesInputOutOfRangeError";
  constructor(
    readonly spot: bigint,
    readonly strike: bigint,
    readonly secondsToExpiry: bigint,
    readonly vol: bigint,
  ) {
    super(`BlackScholes: input out of range (spot ${spot}, strike ${strike}, T ${secondsToExpiry}s, vol ${vol})`);
  }
}

/** Inputs of one Black–Scholes evaluation: spot and strike in WAD (the unit of spot), time in seconds, vol WAD. */
export interface BlackScholesInput {
  spot: bigint;
  strike: bigint;
  secondsToExpiry: bigint;
  vol: bigint;
}

/** `BlackScholes.priceAndGreeks`: price in the unit of spot; delta signed WAD; vega per 1.00 of vol; gamma WAD. */
export interface PriceAndGreeks {
  price: bigint;
  delta: bigint;
  vega: bigint;
  gamma: bigint;
}

/** `BlackScholes.INV_SQRT_2PI_WAD`. */
export const INV_SQRT_2PI_WAD = 398942280401432678n;
/** `BlackScholes.VOL_SQRT_TIME_TO_Q96`. */
export const VOL_SQRT_TIME_TO_Q96 = 260253154810983904072398467n;
/** `BlackScholes.PRICE_ERROR_WAD`: 1e-15 of spot + strike. */
export const PRICE_ERROR_WAD = 1000n;

const Q96 = 0x1000000000000000000000000n;
const EIGHT_Q96 = 0x8000000000000000000000000n;
const SIXTEEN_Q96 = 0x10000000000000000000000000n;
const SQRT2_Q96 = 112045541949572279837463876454n;
const LN2_Q96 = 54916777467707473351141471128n;
const HALF_LN2_Q96 = 27458388733853736675570735564n;

const TAIL_E_Q192 = 69488727711525925387252677054870623702306441804016112369664n;
const TAIL_F_Q96 = 234601720488335949059646883636n;
const TAIL_A1_Q96 = 992795879856548517721002482280n;
const TAIL_B1_Q192 = 192540118868988347514318653304548092746461648778597043798016n;
const TAIL_C1_Q96 = 464543314767110792825964315351n;
const TAIL_D1_Q96 = 741912430351499077440494807872n;
const TAIL_A2_Q96 = 150087990073824709916746900059n;
const TAIL_B2_Q192 = 424281168227701809183417940398732480430382188334585741312n;
const TAIL_C2_Q96 = 450226995712158512593337673522n;
const TAIL_D2_Q96 = 901419790919630524413453598274n;
const TAIL_A3_Q96 = 2755115610377595115637257611n;
const TAIL_B3_Q192 = 3083066360785595243500236392166052817141287539623721959424n;
const TAIL_C3_Q96 = 424412464697085034388978490010n;
const TAIL_D3_Q96 = 1251576709851470256468895150170n;

/** `LogMath.lnRatioQ96`'s degree-8 fit, highest degree first. */
const LN_P = [
  10507321051664220437306530330n,
  10496751546893639531825185874n,
  12190964864888890370746502238n,
  14405085245131392633950839979n,
  17606258696759439035145511745n,
  22636617859150967252549010753n,
  31691265005711672341296507266n,
  52818775009509551836045453442n,
  158456325028528675188280060356n,
];

const EXP_C4 = -130010480588535286117031n;
const EXP_C3 = 5239854114809173287717253n;
const EXP_C2 = 220078224759942962407420212n;
const EXP_C1 = 13204693752310652754591960853n;
const EXP_C0 = 158456325028528835496930362642n;

/** What `_call` returns: the clamped call, G·2^32 (0 beyond |d| = 16), R(|d1|) (0 when both |d| >= 8), v, d1 >= 0. */
interface CallKernel {
  callPrice: bigint;
  g32: bigint;
  ra: bigint;
  vq: bigint;
  d1NonNegative: boolean;
}

/** floor(log2 x) for x >= 1 (the assembly's `log2Floor`). */
function log2Floor(x: bigint): bigint {
  const hex = x.toString(16);
  return BigInt((hex.length - 1) * 4 + 31 - Math.clz32(parseInt(hex[0], 16)));
}

/** R(x) = N(-x) exp(x²/2) in Q96 for x in [0, 8·2^96] (the caller clamps): `scaledNormalTail` in `_call`. */
function tail(x: bigint): bigint {
  let r =
    TAIL_E_Q192 / (x + TAIL_F_Q96) +
    (TAIL_A2_Q96 * x + TAIL_B2_Q192) / (((x * (x + TAIL_C2_Q96)) >> 96n) + TAIL_D2_Q96);
  r += (TAIL_B3_Q192 - TAIL_A3_Q96 * x) / (((x * (x + TAIL_C3_Q96)) >> 96n) + TAIL_D3_Q96);
  return r - (TAIL_A1_Q96 * x + TAIL_B1_Q192) / (((x * (x + TAIL_C1_Q96)) >> 96n) + TAIL_D1_Q96);
}

/** base · exp(-dm²/2) · 2^32, truncated (the exp kernel of `_call`). */
function gaussian32(base: bigint, dm: bigint): bigint {
  const y = (dm * dm) >> 97n;
  const shift = (y + HALF_LN2_Q96) / LN2_Q96;
  const r = y - shift * LN2_Q96;
  const r2 = (r * r) >> 96n;
  let c = ((EXP_C4 * r2) >> 96n) + EXP_C3;
  c = ((c * r2) >> 96n) - EXP_C2;
  c = ((c * r2) >> 96n) + EXP_C1;
  c = ((c * r2) >> 96n) + EXP_C0;
  return (base * (((c - r) << 96n) / (c + r))) >> (64n + shift);
}

/**
 * ln(a / b) in signed Q96 for a, b in [1, 2^100): mirrors `LogMath.lnRatioQ96` (contracts/libraries/LogMath.sol),
 * the kernel of `_call`'s moneyness and of the risk controller's log-returns.
 */
export function lnRatioQ96(a: bigint, b: bigint): bigint {
  const q = (a << 155n) / b;
  let e = q >> 154n;
  if (e >= 1n && e <= 3n) e = e > 1n ? 155n : 154n;
  else e = log2Floor(q);
  let x = e >= 96n ? q >> (e - 96n) : q << (96n - e);
  if (x > SQRT2_Q96) {
    x >>= 1n;
    e += 1n;
  }
  x = ((x - Q96) << 96n) / (x + Q96);
  const w = (x * x) >> 96n;
  let p = LN_P[0];
  for (let i = 1; i < LN_P.length; i++) p = ((p * w) >> 96n) + LN_P[i];
  return ((x * p) >> 96n) + (e - 155n) * LN2_Q96;
}

function checkDomain(spot: bigint, strike: bigint, secondsToExpiry: bigint, vol: bigint): void {
  // A negative bigint shifts to -1, so this also rejects what no uint256 can be.
  if ((((spot | strike) >> 100n) | (secondsToExpiry >> 26n) | (vol >> 64n)) !== 0n) {
    throw new BlackScholesInputOutOfRangeError(spot, strike, secondsToExpiry, vol);
  }
}

// The last time and vol seen, with their sqrt(T * 2**128) and v: a margin pass prices every leg of an expiry group
// with the same pair, so the square root runs once per group.
let memoT = -1n;
let memoZ = 0n;
let memoVol = -1n;
let memoVq = 0n;

/** v in Q96 from T > 0 and vol, as `_call`: sqrt(T * 2**128) rounded up by four Newton steps, times vol. */
function volSqrtTimeQ96(secondsToExpiry: bigint, vol: bigint): bigint {
  if (secondsToExpiry === memoT && vol === memoVol) return memoVq;
  if (secondsToExpiry !== memoT) {
    const x = secondsToExpiry << 128n;
    // T < 2**26: its highest set bit from a 32-bit count of leading zeros (exact).
    const e = 128 + 31 - Math.clz32(Number(secondsToExpiry));
    let z = (BigInt(19 + ((e & 1) << 3)) << BigInt(e >> 1)) >> 4n;
    z = (z + x / z) >> 1n;
    z = (z + x / z) >> 1n;
    z = (z + x / z) >> 1n;
    z = (z + x / z) >> 1n;
    memoT = secondsToExpiry;
    memoZ = z;
  }
  memoVol = vol;
  memoVq = (vol * memoZ * VOL_SQRT_TIME_TO_Q96) >> 128n;
  return memoVq;
}

/** Mirrors `BlackScholes._call`. */
function callKernel(spot: bigint, strike: bigint, secondsToExpiry: bigint, vol: bigint): CallKernel {
  checkDomain(spot, strike, secondsToExpiry, vol);
  let vq = 0n;
  if (spot !== 0n && strike !== 0n && secondsToExpiry !== 0n) vq = volSqrtTimeQ96(secondsToExpiry, vol);
  if (vq === 0n) {
    const itm = spot > strike;
    return { callPrice: itm ? spot - strike : 0n, g32: 0n, ra: 0n, vq: 0n, d1NonNegative: itm };
  }
  let d1 = lnRatioQ96(spot, strike);
  d1 = (d1 << 96n) / vq + (vq >> 1n);
  const d1NonNegative = d1 >= 0n;
  let ra = d1NonNegative ? d1 : -d1;
  const d2 = d1 - vq;
  const d2Negative = d2 < 0n;
  let rb = d2Negative ? -d2 : d2;
  let dm = rb;
  let g32 = strike;
  if (ra <= rb) {
    dm = ra;
    g32 = spot;
  }
  if (dm >= SIXTEEN_Q96) {
    g32 = 0n;
  } else {
    g32 = gaussian32(g32, dm);
    if ((ra | rb) <= EIGHT_Q96) {
      ra = tail(ra);
      rb = tail(rb);
    } else if ((ra < rb ? ra : rb) >= EIGHT_Q96) {
      // Both |d| >= 8: the price neglects G, the greeks keep it.
      ra = 0n;
      rb = 0n;
    } else {
      // One |d| beyond 8: R(8) in its place.
      if (ra > EIGHT_Q96) ra = EIGHT_Q96;
      if (rb > EIGHT_Q96) rb = EIGHT_Q96;
      ra = tail(ra);
      rb = tail(rb);
    }
  }
  const u = (d1NonNegative ? -ra : ra) - (d2Negative ? rb : -rb);
  let callPrice = (d1NonNegative ? spot : 0n) - (d2Negative ? 0n : strike) + ((g32 * u) >> 128n);
  const low = spot > strike ? spot - strike : 0n;
  if (callPrice < low) callPrice = low;
  if (callPrice > spot) callPrice = spot;
  return { callPrice, g32, ra, vq, d1NonNegative };
}

/**
 * `BlackScholes.price`: the call (`isCall`) or put price in the unit of spot, within
 * `priceErrorBound(spot, strike)` of the exact formula, clamped to the no-arbitrage bounds.
 * Throws `BlackScholesInputOutOfRangeError` outside the domain (spot, strike < 2^100, T < 2^26 s, vol < 2^64).
 */
export function price(spot: bigint, strike: bigint, secondsToExpiry: bigint, vol: bigint, isCall: boolean): bigint {
  const call = callKernel(spot, strike, secondsToExpiry, vol).callPrice;
  return isCall ? call : call + strike - spot;
}

/** `BlackScholes.price(.., true)`. */
export function priceCall(spot: bigint, strike: bigint, secondsToExpiry: bigint, vol: bigint): bigint {
  return callKernel(spot, strike, secondsToExpiry, vol).callPrice;
}

/** `BlackScholes.price(.., false)`. */
export function pricePut(spot: bigint, strike: bigint, secondsToExpiry: bigint, vol: bigint): bigint {
  return callKernel(spot, strike, secondsToExpiry, vol).callPrice + strike - spot;
}

/** `BlackScholes.prices`: call and put at the cost of one (call − put = spot − strike exactly). */
export function prices(
  spot: bigint,
  strike: bigint,
  secondsToExpiry: bigint,
  vol: bigint,
): { call: bigint; put: bigint } {
  const call = callKernel(spot, strike, secondsToExpiry, vol).callPrice;
  return { call, put: call + strike - spot };
}

/** `BlackScholes.priceAndGreeks`: the price with delta, vega and gamma (see the Solidity NatSpec for bounds). */
export function greeks(
  spot: bigint,
  strike: bigint,
  secondsToExpiry: bigint,
  vol: bigint,
  isCall: boolean,
): PriceAndGreeks {
  const k = callKernel(spot, strike, secondsToExpiry, vol);
  let callDelta: bigint;
  let vega = 0n;
  let gamma = 0n;
  if (k.vq === 0n) {
    callDelta = spot > strike ? WAD : spot < strike ? 0n : WAD / 2n;
  } else {
    let tailWad = (((k.g32 * k.ra) >> 96n) * WAD) / (spot << 32n);
    if (tailWad > WAD) tailWad = WAD;
    callDelta = k.d1NonNegative ? WAD - tailWad : tailWad;
    // Both |d| >= 8: ra = 0 (the payoff's delta), g32 still the density (see `_callAndGreeks`).
    const g32 = k.g32;
    vega = ((((g32 * k.vq) >> 96n) * INV_SQRT_2PI_WAD) / vol) >> 32n;
    const phiQ = (g32 * INV_SQRT_2PI_WAD) / spot;
    gamma = ((phiQ * WAD) << 64n) / (spot * k.vq);
  }
  return {
    price: isCall ? k.callPrice : k.callPrice + strike - spot,
    delta: isCall ? callDelta : callDelta - WAD,
    vega,
    gamma,
  };
}

/**
 * `BlackScholes.priceErrorBound`: 1e-15 · (spot + strike) rounded up, plus 2 wei. Throws
 * `BlackScholesInputOutOfRangeError` (with zero time and vol, as the chain) when spot or strike reaches 2^128.
 */
export function priceErrorBound(spot: bigint, strike: bigint): bigint {
  if (spot >> 128n !== 0n || strike >> 128n !== 0n) throw new BlackScholesInputOutOfRangeError(spot, strike, 0n, 0n);
  return ((spot + strike) * PRICE_ERROR_WAD + WAD - 1n) / WAD + 2n;
}
