// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {LogMath} from "../../contracts/libraries/LogMath.sol";
import {Test} from "../utils/Test.sol";

/// @notice LogMath against high-precision references (printed beside each constant) and its algebraic properties
/// under fuzzing.
contract LogMathTest is Test {
    /// @dev The documented error bound of `lnRatioQ96` (for a / b >= 2**-59): 1e-20 * 2**96, rounded up, in Q96 units.
    uint256 internal constant LN_BOUND = 792281626;
    /// @dev The largest argument of the ln kernel: 2**100 - 1.
    uint256 internal constant MAX_ARG = (1 << 100) - 1;

    function _absDiff(int256 a, int256 b) internal pure returns (uint256) {
        return a > b ? uint256(a - b) : uint256(b - a);
    }

    function _assertLn(uint256 a, uint256 b, int256 expectedQ96) internal pure {
        assertLe(
            _absDiff(LogMath.lnRatioQ96(a, b), expectedQ96),
            LN_BOUND,
            string.concat("ln ", vm.toString(a), " / ", vm.toString(b))
        );
    }

    /// @dev References: round(ln(a / b) * 2**96), computed with 60-digit mpmath.
    function test_lnRatioQ96_references() public pure {
        assertEq(LogMath.lnRatioQ96(3000e18, 3000e18), int256(0), "ln 1");
        _assertLn(2, 1, 54916777467707473351141471128); // ln 2 = 0.69314718055994530941723...
        _assertLn(3, 1, 87041032946764879767665216853); // ln 3 = 1.09861228866810969139524...
        _assertLn(10, 1, 182429585950654714090129938606); // ln 10 = 2.30258509299404568401799...
        _assertLn(1e18, 1, 3283732547111784853622338894909); // ln 1e18 = 41.4465316738928223123238...
        _assertLn(3000e18, 1e18, 634329790798729022038055032671); // ln 3000 = 8.00636756765024674344922...
        _assertLn(1.1e18, 1e18, 7551250414800804795182260455); // ln 1.1 = 0.0953101798043248600439521...
        _assertLn(MAX_ARG, 1, 5491677746770747335114147112801); // ln(2**100 - 1) = 69.3147180559945309...
        // a / b = 2**-100 < 2**-59: q keeps 55 bits, and the result still lands within the bound here.
        _assertLn(1, MAX_ARG, -5491677746770747335114147112801);
    }

    function test_lnRatioWad_revertsOnZeroAndOutOfRange() public {
        vm.expectRevert(LogMath.LogMath_LnOfZero.selector);
        this.lnRatioWadExternal(0, 1);
        vm.expectRevert(LogMath.LogMath_LnOfZero.selector);
        this.lnRatioWadExternal(1, 0);
        vm.expectRevert(abi.encodeWithSelector(LogMath.LogMath_OutOfRange.selector, uint256(1) << 100, 1));
        this.lnRatioWadExternal(uint256(1) << 100, 1);
        vm.expectRevert(abi.encodeWithSelector(LogMath.LogMath_OutOfRange.selector, 1, uint256(1) << 100));
        this.lnRatioWadExternal(1, uint256(1) << 100);
    }

    function lnRatioWadExternal(uint256 a, uint256 b) external pure returns (int256) {
        return LogMath.lnRatioWad(a, b);
    }

    function test_lnRatioWad_referencesAndRounding() public pure {
        // ln(1.1) = 0.095310179804324860043…: away from zero gives …861, and its negation for the inverse ratio.
        assertEq(LogMath.lnRatioWad(1.1e18, 1e18), int256(95310179804324861), "ln 1.1");
        assertEq(LogMath.lnRatioWad(1e18, 1.1e18), -int256(95310179804324861), "ln 1/1.1");
        assertEq(LogMath.lnRatioWad(3000e18, 3000e18), int256(0), "ln 1");
        // ln 2 = 0.693147180559945309417…
        assertEq(LogMath.lnRatioWad(2, 1), int256(693147180559945310), "ln 2");
    }

    function test_exp2NegWad_references() public pure {
        assertEq(LogMath.exp2NegWad(0), 1e18, "2^0");
        assertEq(LogMath.exp2NegWad(1e18), 0.5e18, "2^-1");
        assertEq(LogMath.exp2NegWad(3e18), 0.125e18, "2^-3");
        // 2^-0.5 = 0.707106781186547524400…
        assertEq(LogMath.exp2NegWad(0.5e18), 707106781186547524, "2^-0.5");
        // 2^-(1/7) = 0.905723664263906671594…; 1/7 in WAD rounds down to …142, i.e. 2^-x is a hair larger.
        assertEq(LogMath.exp2NegWad(uint256(1e18) / 7), 905723664263906671, "2^-1/7");
        assertEq(LogMath.exp2NegWad(60e18), 0, "2^-60 below a wei");
        assertEq(LogMath.exp2NegWad(type(uint256).max), 0, "no revert at the top");
    }

    /// @dev ln(a/c) = ln(a/b) + ln(b/c) within three bounds (ratios at least 1, so q keeps 96 bits).
    function testFuzz_lnRatioQ96_additive(uint256 a, uint256 b, uint256 c) public pure {
        c = bound(c, 1, MAX_ARG);
        b = bound(b, c, MAX_ARG);
        a = bound(a, b, MAX_ARG);
        uint256 diff = _absDiff(LogMath.lnRatioQ96(a, c), LogMath.lnRatioQ96(a, b) + LogMath.lnRatioQ96(b, c));
        assertLe(diff, 3 * LN_BOUND, "ln(a/c) = ln(a/b) + ln(b/c)");
    }

    /// @dev ln is monotone up to its error bound, and lnRatioWad is antisymmetric.
    function testFuzz_ln_monotoneAndAntisymmetric(uint256 a, uint256 b) public pure {
        a = bound(a, 1, MAX_ARG);
        b = bound(b, 1, MAX_ARG);
        if (a < b) assertTrue(LogMath.lnRatioQ96(a, 1) < LogMath.lnRatioQ96(b, 1) + int256(2 * LN_BOUND), "monotone");
        assertEq(LogMath.lnRatioWad(a, b), -LogMath.lnRatioWad(b, a), "antisymmetric");
    }

    /// @dev 2^-(x+1) = 2^-x / 2 within a wei, values in [0, 1e18], and monotone.
    function testFuzz_exp2NegWad_halvingAndMonotone(uint256 x, uint256 y) public pure {
        x = bound(x, 0, 70e18);
        y = bound(y, 0, 70e18);
        uint256 ex = LogMath.exp2NegWad(x);
        assertLe(ex, 1e18, "at most one");
        uint256 half = LogMath.exp2NegWad(x + 1e18);
        assertLe(half > ex / 2 ? half - ex / 2 : ex / 2 - half, 1, "halving");
        if (x <= y) assertGe(ex + 1, LogMath.exp2NegWad(y), "monotone");
    }
}
