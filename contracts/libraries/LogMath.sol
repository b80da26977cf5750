// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title LogMath
/// @notice The natural logarithm and a negative power of two in fixed point, for the risk controller's EWMA of
/// log-returns. Both work internally at 1e36 and are plain loops over convergent series: they favour exactness and
/// readability over gas (the risk controller calls them once per observation, never on a trading path).
///
/// - `lnE36(x)`: ln of a positive integer, scaled by 1e36. Argument reduction x = 2^e × m with m in [1/√2, √2],
///   then ln m = 2 atanh(z) = 2 (z + z³/3 + z⁵/5 + …), z = (m − 1)/(m + 1), |z| <= 0.1716, summed until a term
///   rounds to zero (at most 23 terms: 0.1716^47 < 1e-36). Error budget, in units of 1e-36: m rounds by < 1 (and
///   1 more when halved), z by < 2, each series term and its division by < 2 (24 terms: < 48, doubled: < 96),
///   the neglected tail < 1, and e × ln 2 < 0.08 × 256 < 21; total < 125, i.e. |lnE36(x) − 1e36 ln x| < 125.
/// - `lnRatioWad(a, b)`: ln(a / b) in WAD, |error| < 1 wei + 2.5e-34; rounded away from zero, so the magnitude of
///   a log-return (and hence a variance built from it) is never underestimated beyond 2.5e-34.
/// - `exp2NegWad(x)`: 2^(−x / 1e18) in WAD, rounded down; |error| < 1 wei. 2^−n exactly by a shift, 2^−f for the
///   fraction f < 1 as exp(−f ln 2) by its Taylor series at 1e36 (terms until one rounds to zero, at most 36).
library LogMath {
    /// @notice `lnE36` / `lnRatioWad` of zero.
    error LogMath_LnOfZero();

    uint256 internal constant WAD = 1e18;
    uint256 internal constant E36 = 1e36;
    /// @dev ln 2 × 1e36, rounded down (the next digits are .0755).
    int256 internal constant LN2_E36 = 693147180559945309417232121458176568;
    /// @dev √2 × 1e36, rounded up: the reduction threshold (its exactness does not matter, only that it is near √2).
    uint256 internal constant SQRT2_E36 = 1414213562373095048801688724209698079;

    /// @dev Equivalent to round(ln(x) × 1e36) within 125 units (see the library NatSpec). Reverts
    /// `LogMath_LnOfZero` for x = 0; defined for every other uint256.
    function lnE36(uint256 x) internal pure returns (int256) {
        if (x == 0) revert LogMath_LnOfZero();
        uint256 e = Math.log2(x);
        // m = x / 2^e in [1, 2), at 1e36 (floor; relative error < 1e-36).
        uint256 m = Math.mulDiv(x, E36, uint256(1) << e);
        if (m > SQRT2_E36) {
            m >>= 1;
            ++e;
        }
        // All within int256: m < 1.42e36, so every product below is under 2.1e72.
        int256 mi = int256(m);
        int256 one = int256(E36);
        int256 z = ((mi - one) * one) / (mi + one);
        int256 z2 = (z * z) / one;
        int256 term = z;
        int256 sum = z;
        for (int256 k = 3; ; k += 2) {
            term = (term * z2) / one;
            if (term == 0) break;
            sum += term / k;
        }
        // e <= 255, so e × ln 2 × 1e36 < 1.8e38.
        return int256(e) * LN2_E36 + 2 * sum;
    }

    /// @dev Equivalent to ln(a / b) × 1e18, rounded away from zero, |error| < 1 wei + 2.5e-34 WAD. Reverts
    /// `LogMath_LnOfZero` when a or b is zero.
    function lnRatioWad(uint256 a, uint256 b) internal pure returns (int256) {
        int256 d = lnE36(a) - lnE36(b);
        int256 q = d / int256(WAD);
        // Away from zero: a non-zero remainder moves the (truncated) quotient one unit outward.
        if (q * int256(WAD) != d) q += d > 0 ? int256(1) : int256(-1);
        return q;
    }

    /// @dev Equivalent to floor(2^(−xWad / 1e18) × 1e18) within 1 wei: 1e18 at x = 0, decreasing, 0 from
    /// x >= 60e18 on (2^−60 < 1e-18). Never reverts.
    function exp2NegWad(uint256 xWad) internal pure returns (uint256) {
        uint256 n = xWad / WAD;
        if (n >= 60) return 0;
        // y = f ln 2 at 1e36 for the fraction f = x mod 1, y < 0.7 × 1e36.
        uint256 y = ((xWad % WAD) * uint256(LN2_E36)) / WAD;
        // exp(−y) = Σ (−y)^k / k!: alternating, terms decreasing from k = 1 on since y < 1.
        uint256 term = E36;
        uint256 pos = E36;
        uint256 neg;
        for (uint256 k = 1; ; ++k) {
            term = (term * y) / (k * E36);
            if (term == 0) break;
            if (k & 1 == 1) neg += term;
            else pos += term;
        }
        // pos > neg: exp(−y) >= 0.5. Then 2^−n by a shift and the scale down to WAD, both rounding down.
        return ((pos - neg) >> n) / WAD;
    }
}
