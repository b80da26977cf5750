// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

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
/// Error against the exact formula: |price - exact| <= 2e-14 * (spot + strike) + 2 wei (`priceErrorBound`),
/// from the error budget below; measured against a 60-digit reference on 4,000 cases (moneyness 0.5-2, T 1 hour-1
/// year, vol 10%-300%) the largest error is 1.5e-14 * spot. Rounding is not directed (a caller wanting a one-sided
/// bound adds or subtracts `priceErrorBound`), but results always satisfy the no-arbitrage bounds exactly:
/// intrinsic <= price, call <= spot, put <= strike, and call - put = spot - strike.
/// Budget: the normal tail fit, 5.0e-15 per N (times S + K); ln(S/K), 1e-18 absolute, and v, 3e-17 relative, both
/// move the price by less than 1e-16 * (S + K); exp, 4e-16 relative on G <= min(S, K); neglected tails beyond
/// |d| = 8, 6.2e-16 * (S + K); Q96 rounding, below 1e-26; the final WAD rounding, 1 wei.
///
/// Method: one exponential. With G = S exp(-d1**2 / 2) = K exp(-d2**2 / 2) and the scaled normal tail
/// R(x) = N(-x) exp(x**2 / 2), N(d) is 1 - (G / S) R(d) or (G / S) R(-d) by the sign of d, so
/// call = S [d1 >= 0] - K [d2 >= 0] + G (+-R(|d1|) -+ R(|d2|)) with one exp and two R. G is computed from the smaller
/// of |d1|, |d2| (exponent at most 32) and is 0 when both are at least 8. The kernels (sqrt, ln, exp, R) are Yul
/// functions of one assembly block in `_call`, each with its domain and error. Their coefficients are
/// minimax-style fits computed in 50-digit arithmetic by `scripts/math/fitKernels.py`.
library BlackScholes {
    /// @notice An input lies outside the documented domain.
    error BlackScholes_InputOutOfRange(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol);

    uint256 internal constant WAD = 1e18;
    /// @dev The year of the volatility quote: 365 days.
    uint256 internal constant SECONDS_PER_YEAR = 365 days;
    /// @dev 1 / sqrt(2 pi) in WAD, rounded to nearest.
    uint256 internal constant INV_SQRT_2PI_WAD = 398942280401432678;
    /// @dev floor(2**160 / (1e18 * sqrt(SECONDS_PER_YEAR))): vol * sqrt(T * 2**128) * this >> 128 = v in Q96.
    uint256 internal constant VOL_SQRT_TIME_TO_Q96 = 260253154810983904072398467;
    /// @dev Absolute error bound of `price`, relative part: 2e-14 of spot + strike, in WAD.
    uint256 internal constant PRICE_ERROR_WAD = 20000;

    /// @dev Equivalent to the Black-76 (zero rate) price of a call (`isCall`) or a put, in the unit of `spot`.
    /// |result - exact| <= `priceErrorBound(spot, strike)`; clamped to [intrinsic, spot] for a call and
    /// [intrinsic, strike] for a put. Reverts only outside the domain (see the library NatSpec).
    function price(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol, bool isCall)
        internal
        pure
        returns (uint256 result)
    {
        (result,,,,) = _call(spot, strike, secondsToExpiry, vol);
        // unchecked: the call is at least spot - strike and at most spot, so the put lies in [0, strike].
        unchecked {
            if (!isCall) result = result + strike - spot;
        }
    }

    /// @dev Equivalent to `(price(.., true), price(.., false))` at the cost of one: call - put = spot - strike
    /// exactly. Same error bound and domain as `price`.
    function prices(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)
        internal
        pure
        returns (uint256 callPrice, uint256 putPrice)
    {
        (callPrice,,,,) = _call(spot, strike, secondsToExpiry, vol);
        // unchecked: as in `price`.
        unchecked {
            putPrice = callPrice + strike - spot;
        }
    }

    /// @dev Equivalent to `price(..)` together with its greeks, sharing d1, d2 and the density:
    /// - `delta` = dPrice/dSpot, signed WAD: N(d1) for a call, N(d1) - 1 for a put; |error| <= 1e-14 WAD.
    /// - `vega` = dPrice/dVol per 1.00 (100 points) of vol, in the unit of spot: S phi(d1) sqrt(T);
    ///   |error| <= 1e-15 * spot + 2 wei.
    /// - `gamma` = d2Price/dSpot2 in WAD per unit of spot: phi(d1) / (S v); |error| <= 1e-15 * gamma + 1e-12 / spot
    ///   + 2 wei.
    /// At expiry (or zero vol) the greeks are those of the payoff: delta 1 (0 for a put) in the money, 0 (-1) out of
    /// it and half (minus half) at the money, vega and gamma 0. Same domain as `price`.
    function priceAndGreeks(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol, bool isCall)
        internal
        pure
        returns (uint256 result, int256 delta, uint256 vega, uint256 gamma)
    {
        uint256 callDelta;
        (result, callDelta, vega, gamma) = _callAndGreeks(spot, strike, secondsToExpiry, vol);
        // unchecked: as in `price`; callDelta <= WAD, so the casts are exact.
        unchecked {
            if (!isCall) result = result + strike - spot;
            delta = isCall ? int256(callDelta) : int256(callDelta) - int256(WAD);
        }
    }

    /// @dev Equivalent to the documented absolute error bound of `price`: 2e-14 * (spot + strike) + 2 wei, rounded
    /// up. Never reverts within the domain.
    function priceErrorBound(uint256 spot, uint256 strike) internal pure returns (uint256) {
        return ((spot + strike) * PRICE_ERROR_WAD + WAD - 1) / WAD + 2;
    }

    /// @dev The call price, call delta, vega and gamma (see `priceAndGreeks`).
    function _callAndGreeks(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)
        private
        pure
        returns (uint256 callPrice, uint256 callDelta, uint256 vega, uint256 gamma)
    {
        uint256 g32;
        uint256 ra;
        uint256 vq;
        bool d1NonNegative;
        (callPrice, g32, ra, vq, d1NonNegative) = _call(spot, strike, secondsToExpiry, vol);
        if (vq == 0) {
            // Expired or no volatility: the payoff's delta, half at the money (the limit of N(v / 2), v -> 0).
            callDelta = spot > strike ? WAD : spot < strike ? 0 : WAD / 2;
            return (callPrice, callDelta, 0, 0);
        }
        /// @solidity memory-safe-assembly
        assembly {
            // N(-|d1|) = G R(|d1|) / S in WAD. g32 < 2**133 and ra <= 2**95: the product is below 2**228; after
            // the shift, times 1e18, below 2**193. spot >= 1 here and spot << 32 < 2**132.
            let tail := div(mul(shr(96, mul(g32, ra)), WAD), shl(32, spot))
            if gt(tail, WAD) { tail := WAD }
            callDelta := tail
            if d1NonNegative { callDelta := sub(WAD, tail) }
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
    /// of spot, 0 when both |d| >= 8), ra = R(|d1|) in Q96, vq = v in Q96 (0 when the price is intrinsic), and
    /// whether d1 >= 0. The kernels are Yul functions in Q96 fixed point (a real x stored as x * 2**96); the errors
    /// quoted are the fits' (Q96 rounding, about 2**-90 relative, is far below them).
    function _call(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)
        private
        pure
        returns (uint256 callPrice, uint256 g32, uint256 ra, uint256 vq, bool d1NonNegative)
    {
        bool outOfRange;
        /// @solidity memory-safe-assembly
        assembly {
            outOfRange := or(or(shr(100, or(spot, strike)), shr(26, secondsToExpiry)), shr(64, vol))
        }
        if (outOfRange) revert BlackScholes_InputOutOfRange(spot, strike, secondsToExpiry, vol);
        /// @solidity memory-safe-assembly
        assembly {
            // floor(log2(x)) for x in [1, 2**32), 0 for x = 0; exact. A binary search for the highest set bit.
            function log2Floor32(x) -> r {
                r := shl(4, lt(0xffff, x))
                r := or(r, shl(3, lt(0xff, shr(r, x))))
                r := or(r, shl(2, lt(0xf, shr(r, x))))
                r := or(r, shl(1, lt(0x3, shr(r, x))))
                r := or(r, lt(0x1, shr(r, x)))
            }

            // sqrt(t * 2**128) rounded up, for t in [1, 2**26): relative error in [0, 3e-17] plus one unit.
            // A first guess within 19% from log2 (2**(e/2) * 19/16 for even e, 2**((e-1)/2) * 27/16 for odd e,
            // e = 128 + log2 t), then four Newton steps: the relative error e -> e**2 / (2 (1 + e)) goes 0.19,
            // 1.6e-2, 1.2e-4, 7.2e-9, 2.6e-17. Newton steps from any positive guess stay at or above the floor of
            // the root (>= 2**64), so no division is by zero; x < 2**154 and z < 2**78: no overflow.
            function sqrtTimeQ64(t) -> z {
                let x := shl(128, t)
                let e := add(128, log2Floor32(t))
                z := shr(4, shl(shr(1, e), add(19, shl(3, and(e, 1)))))
                z := shr(1, add(z, div(x, z)))
                z := shr(1, add(z, div(x, z)))
                z := shr(1, add(z, div(x, z)))
                z := shr(1, add(z, div(x, z)))
            }

            // floor(log2(x)), 0 for x = 0; exact. A binary search for the highest set bit.
            function log2Floor(x) -> r {
                r := shl(7, lt(0xffffffffffffffffffffffffffffffff, x))
                r := or(r, shl(6, lt(0xffffffffffffffff, shr(r, x))))
                r := or(r, shl(5, lt(0xffffffff, shr(r, x))))
                r := or(r, log2Floor32(shr(r, x)))
            }

            // ln(a / b) in signed Q96 for a, b in [1, 2**100); absolute error below 2**-60 (1e-18).
            // q = a / b * 2**155 in (2**55, 2**255) keeps at least 55 significant bits (96 whenever a/b >= 2**-59);
            // m = q / 2**k reduced to [1/sqrt2, sqrt2]; ln m = z A(z**2) with z = (m - 1) / (m + 1), |z| <= 0.172,
            // A a degree-6 fit of 2 atanh(sqrt w) / sqrt w on [0, 0.0295] (relative error 3.5e-16, so the error of
            // ln m is below 6.1e-17).
            function lnRatio(a, b) -> r {
                // a < 2**100, so a << 155 < 2**255.
                let q := div(shl(155, a), b)
                // The usual moneyness a/b in [1/2, 2) puts q in [2**154, 2**156): k in two comparisons.
                let k := shr(154, q)
                switch lt(sub(k, 1), 3)
                case 1 { k := add(154, gt(k, 1)) }
                default { k := log2Floor(q) }
                // The mantissa in [1, 2) as Q96 (a shift left when q has fewer than 96 bits).
                let x := shr(sub(k, 96), q)
                if lt(k, 96) { x := shl(sub(96, k), q) }
                // Halve m above sqrt2 (floor(sqrt2 * 2**96)), adding one to the binary exponent.
                let c := gt(x, 112045541949572279837463876454)
                x := shr(c, x)
                k := add(k, c)
                // z in signed Q96: |m - 1| < 2**95, so the shift stays below 2**191 in magnitude; m + 1 > 0.
                let z := sdiv(shl(96, sub(x, 0x1000000000000000000000000)), add(x, 0x1000000000000000000000000))
                // w = z**2 < 0.0295 (z * z < 2**188 whatever the sign of z).
                let w := shr(96, mul(z, z))
                // Horner in w: positive coefficients, partial sums below 2**98, products below 2**191.
                let p := add(shr(96, mul(13340168605169970281300806668, w)), 14357675661891614706576672509)
                p := add(shr(96, mul(p, w)), 17607218839558652537656218543)
                p := add(shr(96, mul(p, w)), 22636607917829743575697099488)
                p := add(shr(96, mul(p, w)), 31691265054622482263372612229)
                p := add(shr(96, mul(p, w)), 52818775009419437418139992507)
                p := add(shr(96, mul(p, w)), 158456325028528702264823706510)
                // ln = z A(w) + (k - 155) ln 2 (floor(ln2 * 2**96)); |k - 155| <= 101: the product is below 2**104.
                r := add(sar(96, mul(z, p)), mul(sub(k, 155), 54916777467707473351141471128))
            }

            // exp(-y) for y in [0, 32] * 2**96, as mantissa * 2**-(96 + shift), mantissa in [0.70, 1.42] * 2**96;
            // relative error below 4e-16. y = shift ln2 + r, |r| <= ln2 / 2, and exp(-r) = (C - r) / (C + r) with C
            // a degree-4 fit in r**2 of r coth(r / 2) on [0, 0.1202] (absolute error 2.0e-15; the relative error
            // of the quotient is |r| / 2 times that).
            function expNeg(y) -> mantissa, shift {
                // shift = round(y / ln2) (the first constant is ln2 / 2 in Q96).
                shift := div(add(y, 27458388733853736675570735564), 54916777467707473351141471128)
                // r in [-ln2/2, ln2/2] as signed Q96; s = r**2 < 0.121.
                let r := sub(y, mul(shift, 54916777467707473351141471128))
                let s := shr(96, mul(r, r))
                // Signed Horner in s (alternating coefficients; |partial sums| < 2**98, s < 2**93).
                let c := add(sar(96, mul(sub(0, 130010480588535286117031), s)), 5239854114809173287717253)
                c := sub(sar(96, mul(c, s)), 220078224759942962407420212)
                c := add(sar(96, mul(c, s)), 13204693752310652754591960853)
                c := add(sar(96, mul(c, s)), 158456325028528835496930362642)
                // c is about 2 * 2**96 and |r| <= 0.35 * 2**96: c - r and c + r are positive, below 2**98.
                mantissa := div(shl(96, sub(c, r)), add(c, r))
            }

            // R(x) = N(-x) exp(x**2 / 2) in Q96 for x in [0, 8] * 2**96 (N the standard normal CDF), and R(8) for
            // larger x. A rational P5(x) / Q6(x) fitted to minimise the absolute error of N(-x) itself (weight
            // exp(-x**2 / 2)): |exp(-x**2 / 2) error| <= 5.0e-15 on [0, 8]. Positive coefficients; the partial sums
            // stay below 2**104 (P(8) = 84, Q(8) = 1.1e3) and x <= 2**99, so products stay below 2**203.
            function tail(x) -> r {
                if gt(x, 0x8000000000000000000000000) { x := 0x8000000000000000000000000 }
                let n := add(shr(96, mul(34623397998286284809436328, x)), 546396912523717576587338131)
                n := add(shr(96, mul(n, x)), 3866668824151367417417054798)
                n := add(shr(96, mul(n, x)), 15403492728225584552488995017)
                n := add(shr(96, mul(n, x)), 34821691195053927606126081728)
                n := add(shr(96, mul(n, x)), 39614081257131779380930108888)
                let d := add(shr(96, mul(86797078395883583330629528, x)), 1369313406728265605390206286)
                d := add(shr(96, mul(d, x)), 9783960493629490402250439588)
                d := add(shr(96, mul(d, x)), 39929006454146935776603395103)
                d := add(shr(96, mul(d, x)), 97198498560091650859305763100)
                d := add(shr(96, mul(d, x)), 132858310040867027280523103061)
                d := add(shr(96, mul(d, x)), 0x1000000000000000000000000)
                // n < 2**104, so n << 96 < 2**200; d >= 2**96.
                r := div(shl(96, n), d)
            }

            // The clamped call price from v, for a spot and strike in [1, 2**100) and v in [1, 2**101) (Q96).
            function core(s, k, v) -> c, g, ta, d1NonNeg {
                // d1 = ln(S/K) / v + v / 2 in Q96: |ln| < 70 * 2**96, so the shift stays below 2**199 in
                // magnitude. d2 = d1 - v. Both below 2**200 in magnitude.
                let d1 := add(sdiv(shl(96, lnRatio(s, k)), v), shr(1, v))
                let d2 := sub(d1, v)
                // Sign masks (all ones when negative) and magnitudes |d1| (in ta until R replaces it), |d2|.
                let m1 := sar(255, d1)
                let m2 := sar(255, d2)
                d1NonNeg := iszero(m1)
                ta := xor(add(d1, m1), m1)
                let tb := xor(add(d2, m2), m2)
                // G from the smaller |d|: S exp(-d1**2 / 2) when |d1| <= |d2| (that is, S <= K), else
                // K exp(-d2**2 / 2). Both |d| >= 8: G = 0 (the neglected terms are below N(-8) (S + K)).
                let dm := tb
                g := k
                if iszero(gt(ta, tb)) {
                    dm := ta
                    g := s
                }
                switch lt(dm, 0x8000000000000000000000000)
                case 0 { g := 0 }
                default {
                    // dm < 2**99, so dm**2 / 2 < 32 * 2**96.
                    let mantissa, shift := expNeg(shr(97, mul(dm, dm)))
                    // base < 2**100 and mantissa < 1.42 * 2**96: product below 2**197; shift <= 47.
                    g := shr(add(64, shift), mul(g, mantissa))
                    ta := tail(ta)
                    tb := tail(tb)
                }
                // call = S [d1 >= 0] - K [d2 >= 0] + G (u1 - u2), u = R(|d|) when d < 0 and -R(|d|) otherwise.
                // g < 2**133 and R <= 1/2, so |u1 - u2| <= 2**96 and the product stays below 2**229 (signed).
                // With g = 0 the tails are unused.
                let u := sub(xor(ta, not(m1)), not(m1))
                u := sub(u, sub(xor(tb, not(m2)), not(m2)))
                c := add(sub(and(s, not(m1)), and(k, not(m2))), sar(128, mul(g, u)))
                // Clamp to [max(S - K, 0), S]: the no-arbitrage bounds (c may be negative by rounding).
                let low := 0
                if gt(s, k) { low := sub(s, k) }
                if slt(c, low) { c := low }
                if gt(c, s) { c := s }
            }

            // A zero spot or strike, zero time or zero vol price at intrinsic value (the formula's limits).
            // (spot * strike < 2**200 and T * vol < 2**90: neither product wraps.)
            if and(iszero(iszero(mul(spot, strike))), iszero(iszero(mul(secondsToExpiry, vol)))) {
                // v in Q96: vol < 2**64, sqrt(T * 2**128) < 2**78 and the constant < 2**87.8: product < 2**230.
                vq := shr(128, mul(mul(vol, sqrtTimeQ64(secondsToExpiry)), VOL_SQRT_TIME_TO_Q96))
            }
            switch vq
            case 0 {
                // Intrinsic value only (also when v < 2**-96); g32 = ra = 0.
                d1NonNegative := gt(spot, strike)
                if d1NonNegative { callPrice := sub(spot, strike) }
            }
            default { callPrice, g32, ra, d1NonNegative := core(spot, strike, vq) }
        }
    }
}
