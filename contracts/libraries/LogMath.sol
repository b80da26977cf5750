// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {WAD} from "./Constants.sol";

/// @title LogMath
/// @notice The protocol's one natural logarithm, and a negative power of two, in fixed point: `lnRatioQ96` is the
/// kernel of `BlackScholes` (the moneyness ln(S/K) of every price) and, through `lnRatioWad`, of the risk controller's
/// EWMA of log-returns.
///
/// - `lnRatioQ96(a, b)`: ln(a / b) in signed Q96 (a real x stored as x * 2**96) for a, b in [1, 2**100). Argument
///   reduction q = a / b * 2**155 = m * 2**e with m in [1/sqrt2, sqrt2] (q keeps at least 55 significant bits, 96
///   whenever a/b >= 2**-59), then ln m = z A(z**2) with z = (m - 1) / (m + 1), |z| <= 0.1716, and A a degree-8 fit of
///   2 atanh(sqrt w) / sqrt w on [0, 0.0295] (relative error 1.6e-20, so the error of ln m is below 6e-21); the
///   binary exponent adds (e - 155) ln 2 with ln 2 rounded down in Q96 (|e - 155| <= 101: below 1.3e-27). In all,
///   |lnRatioQ96(a, b) - ln(a / b) * 2**96| < 1e-20 * 2**96 (Q96 rounding, a few units of 2**-96, is far below).
///   Coefficients: `scripts/math/fitKernels.py`.
/// - `lnRatioWad(a, b)`: ln(a / b) in WAD, |error| < 1 wei + 1e-20; rounded away from zero, so the magnitude of a
///   log-return (and hence a variance built from it) is never underestimated beyond 1e-20. Exactly antisymmetric.
/// - `exp2NegWad(x)`: 2^(−x / 1e18) in WAD, rounded down; |error| < 1 wei. 2^−n exactly by a shift, 2^−f for the
///   fraction f < 1 as exp(−f ln 2) by its Taylor series at 1e36 (terms until one rounds to zero, at most 36).
library LogMath {
    /// @notice `lnRatioWad` of zero.
    error LogMath_LnOfZero();
    /// @notice `lnRatioWad` of an argument at or above 2**100 (the domain of the ln kernel).
    error LogMath_OutOfRange(uint256 a, uint256 b);

    uint256 internal constant E36 = 1e36;
    /// @dev ln 2 × 1e36, rounded down (the next digits are .0755).
    uint256 internal constant LN2_E36 = 693147180559945309417232121458176568;
    /// @dev The first argument at which `lnRatioQ96` leaves its domain: 2**100.
    uint256 internal constant LN_ARGUMENT_LIMIT = 1 << 100;

    /// @dev Equivalent to ln(a / b) * 2**96 within 1e-20 * 2**96, for a, b in [1, 2**100) (see the library NatSpec).
    /// Unchecked, for the pricing kernel: outside the domain the result is meaningless (it never reverts); callers
    /// keep a and b in it. Exactly 0 when a = b.
    // One assembly block on purpose: this is the pricing kernel's logarithm, where call overhead counts.
    // solhint-disable-next-line function-max-lines
    function lnRatioQ96(uint256 a, uint256 b) internal pure returns (int256 lnQ96) {
        assembly ("memory-safe") {
            // floor(log2(x)), 0 for x = 0; exact. A binary search for the highest set bit.
            function log2Floor(x) -> r {
                r := shl(7, lt(0xffffffffffffffffffffffffffffffff, x))
                r := or(r, shl(6, lt(0xffffffffffffffff, shr(r, x))))
                r := or(r, shl(5, lt(0xffffffff, shr(r, x))))
                r := or(r, shl(4, lt(0xffff, shr(r, x))))
                r := or(r, shl(3, lt(0xff, shr(r, x))))
                r := or(r, shl(2, lt(0xf, shr(r, x))))
                r := or(r, shl(1, lt(0x3, shr(r, x))))
                r := or(r, lt(0x1, shr(r, x)))
            }

            // a < 2**100, so a << 155 < 2**255; q >= 2**55.
            let q := div(shl(155, a), b)
            // The usual moneyness a/b in [1/2, 2) puts q in [2**154, 2**156): e = floor(log2 q) in two comparisons.
            let e := shr(154, q)
            // The mantissa m = q / 2**e in [1, 2) as Q96 (x).
            let x
            switch lt(sub(e, 1), 3)
            case 1 {
                e := add(154, gt(e, 1))
                x := shr(sub(e, 96), q)
            }
            default {
                e := log2Floor(q)
                x := shr(sub(e, 96), q)
                // A shift left when q has fewer than 96 bits.
                if lt(e, 96) {
                    x := shl(sub(96, e), q)
                }
            }
            // Halve m above sqrt2 (floor(sqrt2 * 2**96)), adding one to the binary exponent.
            let h := gt(x, 112045541949572279837463876454)
            x := shr(h, x)
            e := add(e, h)
            // z (in x) in signed Q96: |m - 1| < 2**95, so the shift stays below 2**191 in magnitude; m + 1 > 0.
            x := sdiv(shl(96, sub(x, 0x1000000000000000000000000)), add(x, 0x1000000000000000000000000))
            // w = z**2 < 0.0295 (z * z < 2**188 whatever the sign of z).
            let w := shr(96, mul(x, x))
            // Horner in w: positive coefficients, partial sums below 2**98, products below 2**191.
            let p := add(shr(96, mul(10507321051664220437306530330, w)), 10496751546893639531825185874)
            p := add(shr(96, mul(p, w)), 12190964864888890370746502238)
            p := add(shr(96, mul(p, w)), 14405085245131392633950839979)
            p := add(shr(96, mul(p, w)), 17606258696759439035145511745)
            p := add(shr(96, mul(p, w)), 22636617859150967252549010753)
            p := add(shr(96, mul(p, w)), 31691265005711672341296507266)
            p := add(shr(96, mul(p, w)), 52818775009509551836045453442)
            p := add(shr(96, mul(p, w)), 158456325028528675188280060356)
            // ln = z A(w) + (e - 155) ln 2 (floor(ln2 * 2**96)); |e - 155| <= 101: the product is below 2**104.
            lnQ96 := add(sar(96, mul(x, p)), mul(sub(e, 155), 54916777467707473351141471128))
        }
    }

    /// @dev Equivalent to ln(a / b) × 1e18, rounded away from zero, |error| < 1 wei + 1e-20 WAD, for a, b in
    /// [1, 2**100) (prices up to 1.27e12 in WAD, the domain of `BlackScholes`); -lnRatioWad(b, a) exactly. Reverts
    /// `LogMath_LnOfZero` when a or b is zero and `LogMath_OutOfRange` when either is at least 2**100.
    function lnRatioWad(uint256 a, uint256 b) internal pure returns (int256) {
        if (a == 0 || b == 0) revert LogMath_LnOfZero();
        if (a >= LN_ARGUMENT_LIMIT || b >= LN_ARGUMENT_LIMIT) revert LogMath_OutOfRange(a, b);
        // The kernel on the ratio >= 1, whose ln it returns non-negative (z >= 0 unless m is halved, and then
        // e - 155 >= 1 outweighs it), so the result is exactly antisymmetric.
        bool negative = a < b;
        (uint256 hi, uint256 lo) = negative ? (b, a) : (a, b);
        // ln(hi / lo) < 70 * 2**96, times 1e18 below 2**163; to WAD rounding up (away from zero).
        uint256 magnitude = Math.mulDiv(SafeCast.toUint256(lnRatioQ96(hi, lo)), WAD, 1 << 96, Math.Rounding.Ceil);
        return negative ? -SafeCast.toInt256(magnitude) : SafeCast.toInt256(magnitude);
    }

    /// @dev Equivalent to floor(2^(−xWad / 1e18) × 1e18) within 1 wei: 1e18 at x = 0, decreasing, 0 from
    /// x >= 60e18 on (2^−60 < 1e-18). Never reverts.
    function exp2NegWad(uint256 xWad) internal pure returns (uint256) {
        uint256 n = xWad / WAD;
        if (n >= 60) return 0;
        // y = f ln 2 at 1e36 for the fraction f = x mod 1, y < 0.7 × 1e36.
        uint256 y = ((xWad % WAD) * LN2_E36) / WAD;
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
