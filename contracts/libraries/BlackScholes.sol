// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {FixedPointKernels as K} from "./FixedPointKernels.sol";

/// @title BlackScholes
/// @notice European option prices and greeks in WAD fixed point, for marks and scenario shocks of the margin
/// engine. Black-76 with a zero rate: `spot` is taken as the forward and nothing is discounted, so
/// call = S N(d1) - K N(d2) and put = K N(-d2) - S N(-d1), d1,2 = (ln(S/K) +- v**2/2) / v, v = vol * sqrt(T / 365 d).
///
/// Domain (what the series registry and the oracles can produce, with room to spare): spot and strike in
/// [0, 2**100) raw WAD (2**100 = 1.27e30, i.e. prices up to 1.27e12), `secondsToExpiry` in [0, 2**26) (2.13 years),
/// `vol` in [0, 2**64) WAD (1844%). Every function reverts with `BlackScholes_InputOutOfRange` outside it and never
/// reverts inside it. T = 0, vol = 0, a zero spot or strike, or v below 2**-96, price at intrinsic value.
///
/// Error (against the exact formula, proven in the comments and measured against a 50-digit reference over grids of
/// moneyness 0.5-2, T 1 hour-1 year, vol 10%-300%): |price - exact| <= 2e-14 * (spot + strike) + 2 wei over the
/// whole domain (the measured maximum on the grids is below 2e-15 * spot). Rounding is not directed: a caller
/// wanting a one-sided bound adds or subtracts `priceErrorBound`. Whatever the rounding, results satisfy the
/// no-arbitrage bounds exactly: intrinsic <= price, call <= spot, put <= strike, and call - put = spot - strike.
///
/// Method: one shared exponential. With G = S exp(-d1**2 / 2) = K exp(-d2**2 / 2) and the scaled tail
/// R(x) = N(-x) exp(x**2 / 2), the time value TV (price minus intrinsic, the same for the call and the put) is
/// G (R(d2) - R(d1)) when d2 >= 0, G (R(|d1|) - R(|d2|)) when d1 <= 0, and min(S, K) - G (R(d1) + R(|d2|))
/// otherwise. G is computed from the smaller of |d1|, |d2| (exponent at most 32) and is 0 when both are at least
/// 8 (the neglected terms are then below N(-8) = 6.2e-16 of S + K). See `FixedPointKernels` for the kernels.
library BlackScholes {
    /// @notice An input lies outside the documented domain.
    error BlackScholes_InputOutOfRange(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol);

    uint256 internal constant WAD = 1e18;
    /// @dev The year of the volatility quote: 365 days.
    uint256 internal constant SECONDS_PER_YEAR = 365 days;
    /// @dev 1 / sqrt(2 pi) in WAD, rounded to nearest.
    uint256 internal constant INV_SQRT_2PI_WAD = 398942280401432678;
    /// @dev floor(2**245 / (1e36 * SECONDS_PER_YEAR)): vol**2 * T * this >> 53 = (vol * sqrt(T / year))**2 in Q192.
    uint256 internal constant VARIANCE_TO_Q192 = 1792843292519923216218465246821;
    /// @dev Absolute error bound of `price`, relative part: 2e-14 of spot + strike (see the library NatSpec).
    uint256 internal constant PRICE_ERROR_PER_WAD = 20000;

    /// @dev Equivalent to the Black-76 (zero rate) price of a call (`isCall`) or a put, in the unit of `spot`.
    /// Error: |result - exact| <= `priceErrorBound(spot, strike)`. Clamped to [intrinsic, spot] (call) or
    /// [intrinsic, strike] (put). Reverts only outside the domain (see the library NatSpec).
    function price(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol, bool isCall)
        internal
        pure
        returns (uint256 result)
    {
        (uint256 tv,,,,) = _timeValue(spot, strike, secondsToExpiry, vol);
        // unchecked: tv <= min(spot, strike) and intrinsic + min(spot, strike) <= max(spot, strike) < 2**100.
        unchecked {
            result = _intrinsic(spot, strike, isCall) + tv;
        }
    }

    /// @dev Equivalent to `(price(.., true), price(.., false))` at about the cost of one: the call and the put share
    /// their time value, so call - put = spot - strike exactly. Same error bound and domain as `price`.
    function prices(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)
        internal
        pure
        returns (uint256 callPrice, uint256 putPrice)
    {
        (uint256 tv,,,,) = _timeValue(spot, strike, secondsToExpiry, vol);
        // unchecked: as in `price`, each sum is at most max(spot, strike) < 2**100.
        unchecked {
            callPrice = _intrinsic(spot, strike, true) + tv;
            putPrice = _intrinsic(spot, strike, false) + tv;
        }
    }

    /// @dev Equivalent to `price(..)` together with its greeks, sharing d1, d2 and the density:
    /// - `delta` = dPrice/dSpot, signed WAD: N(d1) for a call, N(d1) - 1 for a put; |error| <= 1e-14 WAD.
    /// - `vega` = dPrice/dVol per 1.00 (100 points) of vol, in the unit of spot: S phi(d1) sqrt(T);
    ///   |error| <= 1e-15 * vega + 2 wei.
    /// - `gamma` = d2Price/dSpot2 in WAD per unit of spot: phi(d1) / (S v); |error| <= 1e-15 * gamma + 2 wei.
    /// At expiry (or zero vol) the greeks are those of the payoff: delta 1 (0 for a put) in the money, 0 (-1) out of
    /// it and half (minus half) at the money, vega and gamma 0. Same domain as `price`.
    function priceAndGreeks(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol, bool isCall)
        internal
        pure
        returns (uint256 result, int256 delta, uint256 vega, uint256 gamma)
    {
        uint256 tv;
        uint256 callDelta;
        (tv, callDelta, vega, gamma) = _timeValueAndGreeks(spot, strike, secondsToExpiry, vol);
        // unchecked: as in `price`.
        unchecked {
            result = _intrinsic(spot, strike, isCall) + tv;
        }
        // callDelta <= WAD, so the casts are exact.
        delta = isCall ? int256(callDelta) : int256(callDelta) - int256(WAD);
    }

    /// @dev Equivalent to the documented absolute error bound of `price`: 2e-14 * (spot + strike) + 2 wei, rounded
    /// up. Reverts on overflow only for inputs far outside the domain.
    function priceErrorBound(uint256 spot, uint256 strike) internal pure returns (uint256) {
        return ((spot + strike) * PRICE_ERROR_PER_WAD + WAD - 1) / WAD + 2;
    }

    /// @dev The time value, call delta, vega and gamma (see `priceAndGreeks`).
    function _timeValueAndGreeks(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)
        private
        pure
        returns (uint256 tv, uint256 callDelta, uint256 vega, uint256 gamma)
    {
        uint256 g32;
        uint256 ra;
        uint256 vq;
        bool d1Positive;
        (tv, g32, ra, vq, d1Positive) = _timeValue(spot, strike, secondsToExpiry, vol);
        if (vq == 0) {
            // Expired or no volatility: the payoff's delta, half at the money (the limit of N(v / 2), v -> 0).
            callDelta = spot > strike ? WAD : spot < strike ? 0 : WAD / 2;
            return (tv, callDelta, 0, 0);
        }
        /// @solidity memory-safe-assembly
        assembly {
            // N(-|d1|) = G R(|d1|) / S in WAD. g32 < 2**133 and ra <= 2**95: the product is below 2**228; after
            // the shift, times 1e18, below 2**193. spot >= 1 here and spot << 32 < 2**132.
            let tail := div(mul(shr(96, mul(g32, ra)), WAD), shl(32, spot))
            if gt(tail, WAD) { tail := WAD }
            callDelta := tail
            if d1Positive { callDelta := sub(WAD, tail) }
            // vega = G sqrt(T) / sqrt(2 pi) = g32 vq INV / (2**128 vol): g32 vq < 2**234, shifted by 96 then
            // times INV (< 2**59) below 2**197. vol >= 1 because vq > 0.
            vega := shr(32, div(mul(shr(96, mul(g32, vq)), INV_SQRT_2PI_WAD), vol))
            // gamma = phi(d1) / (S v) in WAD: phiQ = phi(d1) * 1e18 * 2**32 < 2**91 (g32 INV < 2**192), then
            // phiQ * 1e18 * 2**64 < 2**215 over S vq (>= 1, < 2**201).
            let phiQ := div(mul(g32, INV_SQRT_2PI_WAD), spot)
            gamma := div(shl(64, mul(phiQ, WAD)), mul(spot, vq))
        }
    }

    /// @dev max(spot - strike, 0) for a call, max(strike - spot, 0) for a put.
    function _intrinsic(uint256 spot, uint256 strike, bool isCall) private pure returns (uint256 r) {
        /// @solidity memory-safe-assembly
        assembly {
            // Both below 2**100 (checked by `_timeValue` first): the subtraction runs only when it is positive.
            let a := spot
            let b := strike
            if iszero(isCall) {
                a := strike
                b := spot
            }
            if gt(a, b) { r := sub(a, b) }
        }
    }

    /// @dev The time value shared by the call and the put, clamped to [0, min(spot, strike)], and what the greeks
    /// need: g32 = G * 2**32 (G = S exp(-d1**2 / 2) in the unit of spot), ra = R(|d1|) in Q96, vq = v in Q96
    /// (0 when the price is intrinsic), and the sign of d1.
    function _timeValue(uint256 spot, uint256 strike, uint256 secondsToExpiry, uint256 vol)
        private
        pure
        returns (uint256 tv, uint256 g32, uint256 ra, uint256 vq, bool d1Positive)
    {
        if ((spot | strike) >> 100 != 0 || secondsToExpiry >> 26 != 0 || vol >> 64 != 0) {
            revert BlackScholes_InputOutOfRange(spot, strike, secondsToExpiry, vol);
        }
        {
            uint256 variance;
            /// @solidity memory-safe-assembly
            assembly {
                // v**2 in Q192: vol**2 * T < 2**154 and the constant is below 2**100.5, so the product fits.
                variance := shr(53, mul(mul(mul(vol, vol), secondsToExpiry), VARIANCE_TO_Q192))
            }
            // Intrinsic value only: no time, no vol (v < 2**-96), or a zero price (the formula's limits).
            if (variance == 0 || spot == 0 || strike == 0) return (0, 0, 0, 0, spot > strike);
            vq = K.sqrtFloor(variance);
        }
        uint256 a;
        uint256 b;
        uint256 regime;
        {
            int256 lnRatio = K.lnRatioQ96(spot, strike);
            /// @solidity memory-safe-assembly
            assembly {
                // d1 = ln(S/K) / v + v / 2 in Q96: |ln| < 70 * 2**96, so the shift stays below 2**199 in magnitude,
                // vq >= 1 and vq < 2**101. d2 = d1 - v. Both below 2**200 in magnitude.
                let d1 := add(sdiv(shl(96, lnRatio), vq), shr(1, vq))
                let d2 := sub(d1, vq)
                d1Positive := sgt(d1, 0)
                // regime 0: d2 >= 0 (so d1 > 0); 2: d1 <= 0; 1: d1 > 0 > d2.
                regime := 1
                if iszero(slt(d2, 0)) { regime := 0 }
                if iszero(d1Positive) { regime := 2 }
                // |d1|, |d2| (two's complement magnitudes, below 2**200).
                let m := sar(255, d1)
                a := xor(add(d1, m), m)
                m := sar(255, d2)
                b := xor(add(d2, m), m)
            }
        }
        uint256 rb;
        (g32, ra, rb) = _tailTerms(spot, strike, a, b);
        /// @solidity memory-safe-assembly
        assembly {
            // g32 < 2**133 and ra, rb <= 2**95 (R <= 1/2): every product below 2**229, as signed values.
            switch regime
            case 0 { tv := sar(128, mul(g32, sub(rb, ra))) }
            case 2 { tv := sar(128, mul(g32, sub(ra, rb))) }
            default {
                // min(S, K) - G (R(d1) + R(|d2|)); may go negative by rounding, clamped below. When G = 0 (both
                // |d| >= 8, v >= 16) this is min(S, K): the call is worth the spot, the put the strike.
                let low := xor(spot, mul(xor(spot, strike), lt(strike, spot)))
                tv := sub(low, shr(128, mul(g32, add(ra, rb))))
            }
        }
        /// @solidity memory-safe-assembly
        assembly {
            // Clamp the time value to [0, min(S, K)]: then intrinsic + tv lies within the no-arbitrage bounds.
            if slt(tv, 0) { tv := 0 }
            let cap := xor(spot, mul(xor(spot, strike), lt(strike, spot)))
            if gt(tv, cap) { tv := cap }
        }
    }

    /// @dev G * 2**32 (G = S exp(-d1**2 / 2) = K exp(-d2**2 / 2), in the unit of spot), R(|d1|) and R(|d2|) in Q96,
    /// from a = |d1| and b = |d2| in Q96; G = 0 (and the tails unneeded) when both are at least 8.
    function _tailTerms(uint256 spot, uint256 strike, uint256 a, uint256 b)
        private
        pure
        returns (uint256 g32, uint256 ra, uint256 rb)
    {
        // G from the smaller |d|: S exp(-d1**2 / 2) when |d1| <= |d2| (that is, S <= K), else K exp(-d2**2 / 2).
        uint256 dm = a <= b ? a : b;
        if (dm >= K.TAIL_CUTOFF_Q96) return (0, 0, 0);
        // dm < 2**99: dm**2 / 2 < 32 * 2**96.
        (uint256 mantissa, uint256 shift) = K.expNegQ96((dm * dm) >> 97);
        /// @solidity memory-safe-assembly
        assembly {
            // base < 2**100, mantissa < 1.42 * 2**96: product below 2**197; shift <= 47.
            let base := strike
            if iszero(gt(a, b)) { base := spot }
            g32 := shr(add(64, shift), mul(base, mantissa))
        }
        ra = K.scaledNormalTailQ96(a);
        rb = K.scaledNormalTailQ96(b);
    }
}
