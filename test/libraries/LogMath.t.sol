// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {LogMath} from "../../contracts/libraries/LogMath.sol";
import {Test} from "../utils/Test.sol";

/// @notice LogMath against 80-digit references (Python `decimal`, printed beside each constant) and its algebraic
/// properties under fuzzing.
contract LogMathTest is Test {
    /// @dev The documented error bound of `lnE36`, in units of 1e-36.
    uint256 internal constant LN_BOUND = 125;

    function _absDiff(int256 a, int256 b) internal pure returns (uint256) {
        return a > b ? uint256(a - b) : uint256(b - a);
    }

    function _assertLn(uint256 x, int256 expectedE36) internal pure {
        assertLe(_absDiff(LogMath.lnE36(x), expectedE36), LN_BOUND, string.concat("ln ", vm.toString(x)));
    }

    function test_lnE36_references() public pure {
        assertEq(LogMath.lnE36(1), int256(0), "ln 1");
        _assertLn(2, 693147180559945309417232121458176568);
        _assertLn(3, 1098612288668109691395245236922525705);
        _assertLn(10, 2302585092994045684017991454684364208);
        _assertLn(1e18, 41446531673892822312323846184318555737);
        _assertLn(3000e18, 49452899241543069055773065785294174064);
        _assertLn(type(uint128).max, 88722839111672999605405711546646600714);
    }

    function test_lnE36_revertsOnZero() public {
        vm.expectRevert(LogMath.LogMath_LnOfZero.selector);
        this.lnE36External(0);
    }

    function lnE36External(uint256 x) external pure returns (int256) {
        return LogMath.lnE36(x);
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

    /// @dev ln(ab) = ln a + ln b within three bounds.
    function testFuzz_lnE36_additive(uint256 a, uint256 b) public pure {
        a = bound(a, 1, type(uint128).max);
        b = bound(b, 1, type(uint128).max);
        uint256 diff = _absDiff(LogMath.lnE36(a * b), LogMath.lnE36(a) + LogMath.lnE36(b));
        assertLe(diff, 3 * LN_BOUND, "ln(ab) = ln a + ln b");
    }

    /// @dev ln is monotone up to its error bound, and lnRatioWad is antisymmetric.
    function testFuzz_ln_monotoneAndAntisymmetric(uint256 a, uint256 b) public pure {
        a = bound(a, 1, type(uint128).max);
        b = bound(b, 1, type(uint128).max);
        if (a < b) assertTrue(LogMath.lnE36(a) < LogMath.lnE36(b) + int256(2 * LN_BOUND), "monotone");
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
