// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title FixedPointKernels
/// @notice The elementary kernels behind `BlackScholes`: floor log2 and square root of integers, a natural log of a
/// ratio, a negative exponential and the scaled normal tail, in Q96 fixed point (a real `x` is stored as
/// `x * 2**96`). Each kernel states its domain, where it fails and its error.
/// @dev The polynomial and rational coefficients are minimax-style fits computed with 50-digit arithmetic by
/// `scripts/math/fitKernels.py`; the errors quoted are the fits' (the Q96 rounding, about 2**-90 relative, is far
/// below them). Every assembly block is `memory-safe`: none touches memory.
library FixedPointKernels {
    /// @dev 1 in Q96.
    uint256 internal constant ONE_Q96 = 0x1000000000000000000000000;
    /// @dev floor(ln(2) * 2**96).
    uint256 internal constant LN2_Q96 = 54916777467707473351141471128;
    /// @dev floor(ln(2) * 2**95): half of `LN2_Q96`, used to round `y / ln 2` to nearest.
    uint256 internal constant HALF_LN2_Q96 = 27458388733853736675570735564;
    /// @dev floor(sqrt(2) * 2**96).
    uint256 internal constant SQRT2_Q96 = 112045541949572279837463876454;
    /// @dev `scaledNormalTailQ96` is fitted on [0, TAIL_CUTOFF]; it clamps larger arguments to it. N(-8) = 6.2e-16.
    uint256 internal constant TAIL_CUTOFF_Q96 = 8 << 96;

    /// @dev Returns floor(log2(x)), and 0 for x = 0. Exact; never reverts.
    function log2Floor(uint256 x) internal pure returns (uint256 r) {
        /// @solidity memory-safe-assembly
        assembly {
            // Binary search for the highest set bit: each step tests the upper half of what is left.
            r := shl(7, lt(0xffffffffffffffffffffffffffffffff, x))
            r := or(r, shl(6, lt(0xffffffffffffffff, shr(r, x))))
            r := or(r, shl(5, lt(0xffffffff, shr(r, x))))
            r := or(r, shl(4, lt(0xffff, shr(r, x))))
            r := or(r, shl(3, lt(0xff, shr(r, x))))
            r := or(r, shl(2, lt(0xf, shr(r, x))))
            r := or(r, shl(1, lt(0x3, shr(r, x))))
            r := or(r, lt(0x1, shr(r, x)))
        }
    }

    /// @dev Returns floor(sqrt(x)). Exact; never reverts (0 for x = 0).
    /// Method: a first guess within a factor 1.19 of sqrt(x) from log2, then six Newton steps (the relative error
    /// after k steps is below 0.19**(2**k) / 2**k, far below 2**-128 after six), then a floor correction.
    function sqrtFloor(uint256 x) internal pure returns (uint256 z) {
        uint256 e = log2Floor(x);
        /// @solidity memory-safe-assembly
        assembly {
            // 2**(e/2) * 19/16 when e is even, 2**((e-1)/2) * 27/16 when e is odd: both within 19% of sqrt(x).
            // No overflow: e <= 255, so the shift is at most 127 bits on a 5-bit number.
            z := shr(4, shl(shr(1, e), add(19, shl(3, and(e, 1)))))
            // z >= 1 for every x (19 >> 4 = 1), so the divisions below never divide by zero; for x = 0 the first
            // step gives 0 and the next ones divide by zero, which the EVM defines as 0.
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            z := shr(1, add(z, div(x, z)))
            // After a Newton step z >= floor(sqrt(x)); at convergence it may still be one above: take the floor.
            z := sub(z, lt(div(x, z), z))
        }
    }

    /// @dev Equivalent to `ln(a / b) * 2**96` (signed), for `a` and `b` in [1, 2**100).
    /// Absolute error below 2**-60 (about 1e-18): the quotient is taken to at least 55 significant bits
    /// (2**-55 relative only at the extreme ratios 2**-100; at least 96 bits whenever a/b >= 2**-59), then
    /// ln(m) = z * A(z**2), z = (m - 1) / (m + 1), with m reduced to [1/sqrt2, sqrt2] and A a degree-7 fit of
    /// 2 atanh(sqrt w) / sqrt w on [0, 0.0295] (relative error 2.3e-18).
    /// Outside the domain the result is meaningless (a = 0 or b = 0 divide by zero to 0); it never reverts.
    function lnRatioQ96(uint256 a, uint256 b) internal pure returns (int256 r) {
        uint256 q;
        /// @solidity memory-safe-assembly
        assembly {
            // a < 2**100, so a << 155 < 2**255; q = a / b * 2**155 lies in (2**55, 2**255).
            q := div(shl(155, a), b)
        }
        uint256 k = log2Floor(q);
        /// @solidity memory-safe-assembly
        assembly {
            // The mantissa m = q / 2**k in [1, 2), in Q96 (a shift left when q has fewer than 96 bits).
            let x := shr(sub(k, 96), q)
            if lt(k, 96) { x := shl(sub(96, k), q) }
            // Reduce m to [1/sqrt2, sqrt2]: halving it adds one to the binary exponent.
            let c := gt(x, SQRT2_Q96)
            x := shr(c, x)
            k := add(k, c)
            // z = (m - 1) / (m + 1) in [-0.172, 0.172], signed Q96. |m - 1| < 2**95, so the shift stays below
            // 2**191 in magnitude; m + 1 > 0.
            let z := sdiv(shl(96, sub(x, ONE_Q96)), add(x, ONE_Q96))
            // w = z**2 < 0.0295 in Q96 (z*z < 2**188 whatever the sign of z).
            let w := shr(96, mul(z, z))
            // Horner in w, every coefficient positive and every partial sum below 2**98: no overflow.
            let p := add(shr(96, mul(11733461392431805769726612914, w)), 12131834686428453019620134656)
            p := add(shr(96, mul(p, w)), 14406557258607347606889261835)
            p := add(shr(96, mul(p, w)), 17606238398342978595499707951)
            p := add(shr(96, mul(p, w)), 22636618011128451233861330450)
            p := add(shr(96, mul(p, w)), 31691265005152990343716920936)
            p := add(shr(96, mul(p, w)), 52818775009510334032921422055)
            p := add(shr(96, mul(p, w)), 158456325028528675008671237042)
            // ln m = z * A(w); then add (k - 155) ln 2 (|k - 155| <= 100, so the product stays below 2**103).
            r := add(sar(96, mul(z, p)), mul(sub(k, 155), LN2_Q96))
        }
    }

    /// @dev Equivalent to `exp(-y / 2**96)`, returned as `mantissa * 2**-(96 + shift)` with mantissa in
    /// [0.70, 1.42] * 2**96, for `y` in [0, 2**104) (exponents down to -2**8 ln 2; callers use y < 32 * 2**96).
    /// Relative error below 1e-18: y = shift * ln2 + r with |r| <= ln2 / 2 and
    /// exp(-r) = (C(r**2) - r) / (C(r**2) + r), C a degree-5 fit of r * coth(r / 2) on [0, 0.1202] (absolute
    /// error 1.5e-18, i.e. relative error of exp below 3e-19). Larger `y` are outside the domain; never reverts.
    function expNegQ96(uint256 y) internal pure returns (uint256 mantissa, uint256 shift) {
        /// @solidity memory-safe-assembly
        assembly {
            // shift = round(y / ln 2); y < 2**104 keeps the sum far from overflow.
            shift := div(add(y, HALF_LN2_Q96), LN2_Q96)
            // r = y - shift * ln 2 in [-ln2/2, ln2/2], signed Q96; s = r**2 < 0.121 in Q96.
            let r := sub(y, mul(shift, LN2_Q96))
            let s := shr(96, mul(r, r))
            // Signed Horner in s (the coefficients alternate in sign; |partial sums| < 2**98, s < 2**93).
            let c := sub(sar(96, mul(3278053762383324847258, s)), 130994899546580571863623)
            c := add(sar(96, mul(c, s)), 5239957586448501278204886)
            c := sub(sar(96, mul(c, s)), 220078229199204571081042706)
            c := add(sar(96, mul(c, s)), 13204693752377316669164317964)
            c := add(sar(96, mul(c, s)), 158456325028528675308747076092)
            // c is about 2 * 2**96 and |r| <= 0.35 * 2**96, so c - r and c + r are positive and below 2**98.
            mantissa := div(shl(96, sub(c, r)), add(c, r))
        }
    }

    /// @dev Equivalent to `N(-x) * exp(x**2 / 2) * 2**96` for `x / 2**96` in [0, 8] (N the standard normal
    /// CDF), and to its value at 8 for larger x. Method: a rational P5(x) / Q6(x) fitted to minimise the absolute
    /// error of N(-x) itself, i.e. weighted by exp(-x**2 / 2): |exp(-x**2 / 2) * error| <= 5.0e-15 on [0, 8].
    /// All coefficients are positive, so the Horner sums and the quotient are exact up to Q96 rounding. Never
    /// reverts.
    function scaledNormalTailQ96(uint256 x) internal pure returns (uint256 r) {
        /// @solidity memory-safe-assembly
        assembly {
            if gt(x, TAIL_CUTOFF_Q96) { x := TAIL_CUTOFF_Q96 }
            // x <= 2**99 and every partial sum is below 2**104 (P(8) = 84, Q(8) = 1.1e3): products below 2**203.
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
            d := add(shr(96, mul(d, x)), ONE_Q96)
            // n < 2**104, so n << 96 < 2**200; d >= 1 * 2**96.
            r := div(shl(96, n), d)
        }
    }
}
