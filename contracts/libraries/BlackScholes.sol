// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {WAD} from "./Constants.sol";
import {LogMath} from "./LogMath.sol";

/// @title BlackScholes
/// @notice European option prices and greeks in WAD fixed point, for marks and scenario shocks of the margin
/// engine. Black-76 with a zero rate: `spot` is taken as the forward and nothing is discounted, so
/// call = S N(d1) - K N(d2) and put = K N(-d2) - S N(-d1), d1,2 = (ln(S/K) +- v**2/2) / v, v = vol * sqrt(T / 365 d).
///
/// Domain (what the series registry and the oracles can produce, with room to spare): spot and strike in
/// [0, 2**100) raw WAD (2**100 = 1.27e30, i.e. prices up to 1.27e12), `secondsToExpiry` in [0, 2**26) (2.13 years),
/// `vol` in [0, 2**64) WAD (1844%). Every function reverts with `BlackScholes_InputOutOfRange` outside it and never
/// reverts inside it. T = 0, vol = 0, a zero spot or strike, or v below 2**-96 price at intrinsic value.
///
/// Error against the exact formula: |price - exact| <= 1e-15 * (spot + strike) + 2 wei (`priceErrorBound`),
/// from the error budget below; measured against a 60-digit reference on 4,028 cases (moneyness 0.5-2, T 1 hour-1
/// year, vol 10%-300%) the largest error is 1.6e-16 * spot. Rounding is not directed (a caller wanting a one-sided
/// bound adds or subtracts `priceErrorBound`), but results always satisfy the no-arbitrage bounds exactly:
/// intrinsic <= price, call <= spot, put <= strike, and call - put = spot - strike.
/// Budget: the normal tail fit, 2.2e-17 per N (times S + K); ln(S/K) (`LogMath.lnRatioQ96`), 1e-20 absolute (3e-17
/// when S/K < 2**-59), and v, 3e-17 relative, both move the price by less than 1e-16 * (S + K); exp, 4e-16 relative
/// on G <= min(S, K), so below 2.2e-16 * (S + K); a |d| beyond 8, neglected (both) or clamped to 8 (one), 6.2e-16 *
/// (S + K); Q96 rounding, below 1e-26; the final WAD rounding, 1 wei. The sum is below 9.6e-16 * (S + K). Measured
/// on the grid with one kernel at a time replaced by the exact function: exp accounts for about 1.3e-16 * spot, the
/// tail fit for about 6e-17 * spot.
///
/// Method: one exponential. With G = S exp(-d1**2 / 2) = K exp(-d2**2 / 2) and the scaled normal tail
/// R(x) = N(-x) exp(x**2 / 2), N(d) is 1 - (G / S) R(d) or (G / S) R(-d) by the sign of d, so
/// call = S [d1 >= 0] - K [d2 >= 0] + G (+-R(|d1|) -+ R(|d2|)) with one exp and two R, and put = call - S + K.
/// G is computed from the smaller of |d1|, |d2| up to 16 (exponent at most 128; beyond, it truncates to 0); the
/// price neglects it when both are at least 8, the greeks keep it (vega and gamma are G times factors that grow as v
/// shrinks). The
/// kernels (sqrt of time, exp, R) are in the assembly of `_call`, each with its domain and error beside it, and ln of
/// the moneyness is the protocol's one logarithm, `LogMath.lnRatioQ96`; their coefficients are fits computed in
/// 50-digit arithmetic by `scripts/math/fitKernels.py`. Gas: about 2,180 for `price` and 2,570 for `priceAndGreeks`
/// inside a caller (moneyness in [1/2, 2); other moneyness adds a 256-bit log2, about 150).
library BlackScholes {
    /// @notice An input lies outside the documented domain.
    error BlackScholes_InputOutOfRange(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol);

    /// @dev The year of the volatility quote: 365 days.
    uint256 internal constant SECONDS_PER_YEAR = 365 days;
    /// @dev 1 / sqrt(2 pi) in WAD, rounded to nearest.
    uint256 internal constant INV_SQRT_2PI_WAD = 398942280401432678;
    /// @dev floor(2**160 / (1e18 * sqrt(SECONDS_PER_YEAR))): vol * sqrt(T * 2**128) * this >> 128 = v in Q96.
    uint256 internal constant VOL_SQRT_TIME_TO_Q96 = 260253154810983904072398467;
    /// @dev `BlackScholes_InputOutOfRange.selector`, left-aligned in a word (checked by the unit tests).
    uint256 internal constant INPUT_OUT_OF_RANGE_SELECTOR =
        0xad2ddeba00000000000000000000000000000000000000000000000000000000;
    /// @dev The scaled normal tail R(x) = N(-x) exp(x**2 / 2) = E / (x + F) - (A1 x + B1) / (x**2 + C1 x + D1)
    /// + (A2 x + B2) / (x**2 + C2 x + D2) + (B3 - A3 x) / (x**2 + C3 x + D3): the partial fractions of a rational
    /// P6 / Q7 fit (see `_call`). The numerators' constants are in Q192 and the rest in Q96, so that each fraction is
    /// one multiplication over one product, without rescaling the numerator.
    uint256 private constant TAIL_E_Q192 = 69488727711525925387252677054870623702306441804016112369664;
    uint256 private constant TAIL_F_Q96 = 234601720488335949059646883636;
    uint256 private constant TAIL_A1_Q96 = 992795879856548517721002482280;
    uint256 private constant TAIL_B1_Q192 = 192540118868988347514318653304548092746461648778597043798016;
    uint256 private constant TAIL_C1_Q96 = 464543314767110792825964315351;
    uint256 private constant TAIL_D1_Q96 = 741912430351499077440494807872;
    uint256 private constant TAIL_A2_Q96 = 150087990073824709916746900059;
    uint256 private constant TAIL_B2_Q192 = 424281168227701809183417940398732480430382188334585741312;
    uint256 private constant TAIL_C2_Q96 = 450226995712158512593337673522;
    uint256 private constant TAIL_D2_Q96 = 901419790919630524413453598274;
    uint256 private constant TAIL_A3_Q96 = 2755115610377595115637257611;
    uint256 private constant TAIL_B3_Q192 = 3083066360785595243500236392166052817141287539623721959424;
    uint256 private constant TAIL_C3_Q96 = 424412464697085034388978490010;
    uint256 private constant TAIL_D3_Q96 = 1251576709851470256468895150170;
    /// @dev 8 in Q96: the end of the tail fit; when both |d| reach it, the price neglects G.
    uint256 private constant FAR_D_Q96 = 0x8000000000000000000000000;
    /// @dev 16 in Q96: from this |d| on, G * 2**32 truncates to 0 for every spot and strike of the domain.
    uint256 private constant FAR_LIMIT_D_Q96 = 0x10000000000000000000000000;
    /// @dev Absolute error bound of `price`, relative part: 1e-15 of spot + strike, in WAD.
    uint256 internal constant PRICE_ERROR_WAD = 1000;

    /// @dev Equivalent to the Black-76 (zero rate) price of a call (`isCall`) or a put, in the unit of `spot`.
    /// |result - exact| <= `priceErrorBound(spot, strike)`; clamped to [intrinsic, spot] for a call and
    /// [intrinsic, strike] for a put. Reverts only outside the domain (see the library NatSpec).
    function price(
        uint256 spot,
        uint256 strike,
        uint256 secondsToExpiry,
        uint256 vol,
        bool isCall
    ) internal pure returns (uint256 result) {
        (result, , , , ) = _call(spot, strike, secondsToExpiry, vol);
        // unchecked: the call is at least spot - strike and at most spot, so the put lies in [0, strike].
        unchecked {
            if (!isCall) result = result + strike - spot;
        }
    }

    /// @dev Equivalent to `(price(.., true), price(.., false))` at the cost of one: call - put = spot - strike
    /// exactly. Same error bound and domain as `price`.
    function prices(
        uint256 spot,
        uint256 strike,
        uint256 secondsToExpiry,
        uint256 vol
    ) internal pure returns (uint256 callPrice, uint256 putPrice) {
        (callPrice, , , , ) = _call(spot, strike, secondsToExpiry, vol);
        // unchecked: as in `price`.
        unchecked {
            putPrice = callPrice + strike - spot;
        }
    }

    /// @dev Equivalent to `price(..)` together with its greeks, sharing d1, d2 and the density:
    /// - `delta` = dPrice/dSpot, signed WAD: N(d1) for a call, N(d1) - 1 for a put; |error| <= 1e-14 WAD.
    /// - `vega` = dPrice/dVol per 1.00 (100 points) of vol, in the unit of spot: S phi(d1) sqrt(T);
    ///   |error| <= 1e-15 * spot + 2 wei.
    /// - `gamma` = d2Price/dSpot2 in WAD per unit of spot: phi(d1) / (S v); |error| <= 2e-15 * gamma + 1e-12 / spot
    ///   (in WAD units: 2e-15 * gamma + 1e24 / spot + 2 wei). The relative part matters only for tiny v (a minute at
    ///   1% vol makes gamma * spot about 3e4); on the reference grid |error| * spot stays below 1e-12.
    /// At expiry (or zero vol) the greeks are those of the payoff: delta 1 (0 for a put) in the money, 0 (-1) out of
    /// it and half (minus half) at the money, vega and gamma 0. Same domain as `price`.
    function priceAndGreeks(
        uint256 spot,
        uint256 strike,
        uint256 secondsToExpiry,
        uint256 vol,
        bool isCall
    ) internal pure returns (uint256 result, int256 delta, uint256 vega, uint256 gamma) {
        uint256 callDelta;
        (result, callDelta, vega, gamma) = _callAndGreeks(spot, strike, secondsToExpiry, vol);
        // unchecked: as in `price`; callDelta <= WAD, so the casts are exact.
        unchecked {
            if (!isCall) result = result + strike - spot;
            delta = isCall ? int256(callDelta) : int256(callDelta) - int256(WAD);
        }
    }

    /// @dev Equivalent to the documented absolute error bound of `price`: 1e-15 * (spot + strike) + 2 wei, rounded
    /// up. Never reverts within the domain (spot < 2^100); reverts `BlackScholes_InputOutOfRange` when spot or
    /// strike reaches 2^128, the range its unchecked arithmetic is exact in.
    function priceErrorBound(uint256 spot, uint256 strike) internal pure returns (uint256) {
        if ((spot | strike) >> 128 != 0) revert BlackScholes_InputOutOfRange(spot, strike, 0, 0);
        // unchecked: spot + strike < 2^129, times PRICE_ERROR_WAD (< 2^10) plus WAD stays below 2^140.
        unchecked {
            return ((spot + strike) * PRICE_ERROR_WAD + WAD - 1) / WAD + 2;
        }
    }

    /// @dev The call price, call delta, vega and gamma (see `priceAndGreeks`).
    function _callAndGreeks(
        uint256 spot,
        uint256 strike,
        uint256 secondsToExpiry,
        uint256 vol
    ) private pure returns (uint256 callPrice, uint256 callDelta, uint256 vega, uint256 gamma) {
        uint256 g32;
        uint256 ra;
        uint256 vq;
        bool d1NonNegative;
        (callPrice, g32, ra, vq, d1NonNegative) = _call(spot, strike, secondsToExpiry, vol);
        if (vq == 0) {
            // Expired or no volatility: the payoff's delta, half at the money (the limit of N(v / 2), v -> 0).
            callDelta = spot > strike
                ? WAD
                : spot < strike
                    ? 0
                    : WAD / 2;
            return (callPrice, callDelta, 0, 0);
        }
        // Both |d| >= 8: `_call` leaves ra = 0, so the delta is the payoff's (its error is below N(-8) < 1e-15), but
        // g32 is still G up to |d| = 16, as vega and gamma are G times factors that grow as v shrinks.
        assembly ("memory-safe") {
            // N(-|d1|) = G R(|d1|) / S in WAD. g32 < 2**133 and ra <= 2**95: the product is below 2**228; after
            // the shift, times 1e18, below 2**193. spot >= 1 here and spot << 32 < 2**132.
            let tail := div(mul(shr(96, mul(g32, ra)), WAD), shl(32, spot))
            if gt(tail, WAD) {
                tail := WAD
            }
            callDelta := tail
            if d1NonNegative {
                callDelta := sub(WAD, tail)
            }
            // vega = G sqrt(T) / sqrt(2 pi) = g32 vq INV / (2**128 vol): g32 vq < 2**234, shifted by 96 then
            // times INV (< 2**59) below 2**197. vol >= 1 because vq > 0.
            vega := shr(32, div(mul(shr(96, mul(g32, vq)), INV_SQRT_2PI_WAD), vol))
            // gamma = phi(d1) / (S v) in WAD: phiQ = phi(d1) * 1e18 * 2**32 < 2**91 (g32 INV < 2**192), then
            // phiQ * 1e18 * 2**64 < 2**215 over S vq (>= 1, < 2**201).
            let phiQ := div(mul(g32, INV_SQRT_2PI_WAD), spot)
            gamma := div(shl(64, mul(phiQ, WAD)), mul(spot, vq))
        }
    }

    /// @dev The call price clamped to [max(S - K, 0), S], and what the greeks need: g32 = G * 2**32 (G in the unit
    /// of spot, 0 when both |d| >= 16), ra = R(|d1|) in Q96 (0 when both |d| >= 8), vq = v in Q96 (0 when the price is
    /// intrinsic), and whether d1 >= 0. The kernels work in Q96 fixed point (a real x stored as x * 2**96); the errors
    /// quoted are the fits' (Q96 rounding, about 2**-90 relative, is far below them).
    // Assembly on purpose: each kernel as its own function would cost about 40 gas of call overhead.
    // solhint-disable-next-line function-max-lines
    function _call(
        uint256 spot,
        uint256 strike,
        uint256 secondsToExpiry,
        uint256 vol
    ) private pure returns (uint256 callPrice, uint256 g32, uint256 ra, uint256 vq, bool d1NonNegative) {
        // ln(S/K) in signed Q96, |error| < 1e-20 when spot and strike are in [1, 2**100), the only case that uses
        // it (vq > 0 below); meaningless but harmless (`lnRatioQ96` never reverts) otherwise. Held in ra (two's
        // complement) until ra becomes |d1|: one stack slot fewer.
        ra = uint256(LogMath.lnRatioQ96(spot, strike));
        assembly ("memory-safe") {
            if or(or(shr(100, or(spot, strike)), shr(26, secondsToExpiry)), shr(64, vol)) {
                // revert BlackScholes_InputOutOfRange(spot, strike, secondsToExpiry, vol), encoded past the free
                // memory pointer (scratch memory that nothing reads after the revert).
                let m := mload(0x40)
                mstore(m, INPUT_OUT_OF_RANGE_SELECTOR)
                mstore(add(m, 0x04), spot)
                mstore(add(m, 0x24), strike)
                mstore(add(m, 0x44), secondsToExpiry)
                mstore(add(m, 0x64), vol)
                revert(m, 0x84)
            }
            // floor(log2(x)) for x in [1, 2**32), 0 for x = 0; exact. A binary search for the highest set bit.
            function log2Floor32(x) -> r {
                r := shl(4, lt(0xffff, x))
                r := or(r, shl(3, lt(0xff, shr(r, x))))
                r := or(r, shl(2, lt(0xf, shr(r, x))))
                r := or(r, shl(1, lt(0x3, shr(r, x))))
                r := or(r, lt(0x1, shr(r, x)))
            }

            // A zero spot, strike or time prices at intrinsic value, the formula's limit (spot * strike * T < 2**226
            // does not wrap); so does a zero vol, through vq = 0 below.
            if mul(mul(spot, strike), secondsToExpiry) {
                // sqrt(T * 2**128) rounded up, for T in [1, 2**26): relative error in [0, 3e-17] plus one unit.
                // A first guess within 19% from log2 (2**(e/2) * 19/16 for even e, 2**((e-1)/2) * 27/16 for odd e,
                // e = 128 + log2 T), then four Newton steps: the relative error e -> e**2 / (2 (1 + e)) goes 0.19,
                // 1.6e-2, 1.2e-4, 7.2e-9, 2.6e-17. Newton steps from any positive guess stay at or above the floor of
                // the root (>= 2**64), so no division is by zero; x < 2**154 and z < 2**78: no overflow.
                let x := shl(128, secondsToExpiry)
                // e = 128 + floor(log2 T), T < 2**26.
                let e := add(128, log2Floor32(secondsToExpiry))
                let z := shr(4, shl(shr(1, e), add(19, shl(3, and(e, 1)))))
                z := shr(1, add(z, div(x, z)))
                z := shr(1, add(z, div(x, z)))
                z := shr(1, add(z, div(x, z)))
                z := shr(1, add(z, div(x, z)))
                // v in Q96: vol < 2**64, sqrt(T * 2**128) < 2**78 and the constant < 2**87.8: product < 2**230.
                vq := shr(128, mul(mul(vol, z), VOL_SQRT_TIME_TO_Q96))
            }
            // R(x) = N(-x) exp(x**2 / 2) in Q96 for x in [0, 8 * 2**96] (the caller clamps x to 8): a rational
            // P6(x) / Q7(x) fitted to minimise the absolute error of N(-x) itself (weight exp(-x**2 / 2)):
            // |exp(-x**2 / 2) error| <= 2.2e-17 on [0, 8]. Evaluated as its partial fractions (poles -2.96,
            // -2.93 +- 0.88i, -2.84 +- 1.79i, -2.68 +- 2.93i, all away from [0, 8]). x <= 2**99, every Q96 coefficient
            // is below 2**100 and every Q192 one below 2**197: numerators below 2**200 (B3 - A3 x stays positive, above
            // 0.21 * 2**192, for x <= 8), x (x + C) below 2**200, so denominators below 2**105 and at least
            // 2.9 * 2**96; each fraction is below 3.8 * 2**96 and the sum, R >= 0.049, is positive. Q96 rounding: four
            // units.
            function scaledNormalTail(x) -> r {
                r := add(
                    div(TAIL_E_Q192, add(x, TAIL_F_Q96)),
                    div(add(mul(TAIL_A2_Q96, x), TAIL_B2_Q192), add(shr(96, mul(x, add(x, TAIL_C2_Q96))), TAIL_D2_Q96))
                )
                r := add(
                    r,
                    div(sub(TAIL_B3_Q192, mul(TAIL_A3_Q96, x)), add(shr(96, mul(x, add(x, TAIL_C3_Q96))), TAIL_D3_Q96))
                )
                r := sub(
                    r,
                    div(add(mul(TAIL_A1_Q96, x), TAIL_B1_Q192), add(shr(96, mul(x, add(x, TAIL_C1_Q96))), TAIL_D1_Q96))
                )
            }

            switch vq
            case 0 {
                // Intrinsic value only (also when v < 2**-96); g32 = ra = 0.
                d1NonNegative := gt(spot, strike)
                if d1NonNegative {
                    callPrice := sub(spot, strike)
                }
            }
            default {
                // d1 = ln(S/K) / v + v / 2 in Q96: |ln| < 70 * 2**96, so the shift stays below 2**199 in
                // magnitude. d2 = d1 - v. Both below 2**200 in magnitude.
                let d1 := add(sdiv(shl(96, ra), vq), shr(1, vq))
                // |d1| and its sign (d1NonNegative); then d1 becomes d2 = d1 - v, then |d2| (magnitudes below 2**200;
                // m1 and m2 are the sign masks of d1 and d2, all ones when negative).
                let m1 := sar(255, d1)
                ra := xor(add(d1, m1), m1)
                d1NonNegative := iszero(m1)
                d1 := sub(d1, vq)
                let m2 := sar(255, d1)
                d1 := xor(add(d1, m2), m2)
                // G from the smaller |d|: S exp(-d1**2 / 2) when |d1| <= |d2| (that is, S <= K), else
                // K exp(-d2**2 / 2).
                let dm := d1
                g32 := strike
                if iszero(gt(ra, d1)) {
                    dm := ra
                    g32 := spot
                }
                // G up to |d| = 16, where G * 2**32 truncates to 0 for every spot and strike of the domain (below
                // 2**100 * exp(-128) * 2**32 < 1); the price uses it only below |d| = 8.
                switch lt(dm, FAR_LIMIT_D_Q96)
                case 0 {
                    g32 := 0
                }
                default {
                    // exp(-dm**2 / 2) = mantissa * 2**-(96 + shift) with mantissa in [0.70, 1.42] * 2**96, for
                    // dm < 16 * 2**96 (y = dm**2 / 2 < 128 * 2**96); relative error below 4e-16. y = shift ln2 + r,
                    // |r| <= ln2 / 2, and exp(-r) = (C - r) / (C + r) with C a degree-4 fit in r**2 of
                    // r coth(r / 2) on [0, 0.1202] (absolute error 2.0e-15; the relative error of the quotient is
                    // |r| / 2 times that).
                    dm := shr(97, mul(dm, dm))
                    // shift = round(y / ln2) (the first constant is ln2 / 2 in Q96).
                    let shift := div(add(dm, 27458388733853736675570735564), 54916777467707473351141471128)
                    // r (in dm) in [-ln2/2, ln2/2] as signed Q96; r2 = r**2 < 0.121.
                    dm := sub(dm, mul(shift, 54916777467707473351141471128))
                    let r2 := shr(96, mul(dm, dm))
                    // Signed Horner in r2 (alternating coefficients; |partial sums| < 2**98, r2 < 2**93).
                    let c2 := add(sar(96, mul(sub(0, 130010480588535286117031), r2)), 5239854114809173287717253)
                    c2 := sub(sar(96, mul(c2, r2)), 220078224759942962407420212)
                    c2 := add(sar(96, mul(c2, r2)), 13204693752310652754591960853)
                    c2 := add(sar(96, mul(c2, r2)), 158456325028528835496930362642)
                    // C is about 2 * 2**96 and |r| <= 0.35 * 2**96: C - r and C + r are positive, below 2**98.
                    // Then G = base * mantissa: base < 2**100, mantissa < 1.42 * 2**96, product below 2**197;
                    // shift <= 185, so the shift right is at most 249.
                    g32 := shr(add(64, shift), mul(g32, div(shl(96, sub(c2, dm)), add(c2, dm))))
                    // R(|d1|) into ra and R(|d2|) into d1.
                    // Both |d| at most 8 unless ra | d1 exceeds 8 (a larger |d| of exactly 8 may still take the second
                    // branch, where its clamp changes nothing).
                    switch gt(or(ra, d1), FAR_D_Q96)
                    case 0 {
                        ra := scaledNormalTail(ra)
                        d1 := scaledNormalTail(d1)
                    }
                    default {
                        let dSmaller := d1
                        if lt(ra, d1) {
                            dSmaller := ra
                        }
                        switch lt(dSmaller, FAR_D_Q96)
                        case 0 {
                            // Both |d| at least 8: the price neglects G (u = 0 below), below N(-8) (S + K), and the
                            // greeks keep it.
                            ra := 0
                            d1 := 0
                        }
                        default {
                            // One |d| beyond 8: R(8) in its place (R(8) G and the term it stands for are both
                            // below N(-8) times its base).
                            if gt(ra, FAR_D_Q96) {
                                ra := FAR_D_Q96
                            }
                            if gt(d1, FAR_D_Q96) {
                                d1 := FAR_D_Q96
                            }
                            ra := scaledNormalTail(ra)
                            d1 := scaledNormalTail(d1)
                        }
                    }
                }
                // call = S [d1 >= 0] - K [d2 >= 0] + G (u1 - u2), u = R(|d|) when d < 0 and -R(|d|) otherwise.
                // g32 < 2**133 and R <= 1/2, so |u1 - u2| <= 2**96 and the product stays below 2**229 (signed).
                // (ra and d1 now hold R(|d1|) and R(|d2|), both 0 when both |d| >= 8, and anything when g32 = 0;
                // m1 = d1NonNegative - 1 is the sign mask of d1.)
                let u := sub(xor(ra, sub(0, d1NonNegative)), sub(0, d1NonNegative))
                u := sub(u, sub(xor(d1, not(m2)), not(m2)))
                callPrice := add(sub(mul(spot, d1NonNegative), and(strike, not(m2))), sar(128, mul(g32, u)))
                // Clamp to [max(S - K, 0), S]: the no-arbitrage bounds (the sum may be negative by rounding).
                // low = max(S - K, 0) (the wrapped difference times 0 when S < K).
                let low := mul(gt(spot, strike), sub(spot, strike))
                if slt(callPrice, low) {
                    callPrice := low
                }
                if gt(callPrice, spot) {
                    callPrice := spot
                }
            }
        }
    }
}
