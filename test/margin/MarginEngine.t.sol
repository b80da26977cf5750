// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MarginFixture} from "./MarginFixture.sol";

/// @notice The margin engine on the real oracle, registry, book and vault stack. Expected values are computed in the
/// test from the documented formulas (`contracts/margin/README.md`), with Black–Scholes marks from the library, and
/// the marks themselves checked against a 50-digit reference.
contract MarginEngineTest is MarginFixture {
    uint256 internal constant T30 = 30 days;

    // ------------------------------------------------------------------------------------------------------------
    // Worked examples (README): S = 3000, vol 80%, 30 days, a = 0.15, b = 0.10, c = 0.075, 10,000 USDC
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Example 1: one naked short 3300 call. OTM = 300, a·S − OTM = 150 < b·S = 300, so IM = 300 + mark and
    /// MM = 225 + mark, mark = 161.9407063406557 (+ error bound).
    function test_example1_nakedShortCall() public {
        uint256 k = 3_300e18;
        uint256 id = _list(k, EXPIRY_1, true);
        _deposit(ALICE, 10_000e6);
        _trade(ALICE, id, -1e18);

        uint256 mark = _call(SPOT, k, T30);
        _assertNear(mark, 161.94070634065570172e18, 1e9, "reference call mark");
        uint256 shortMark = mark + _err(SPOT, k);
        _assertMargin(ALICE, 10_000e18 - int256(shortMark), 300e18 + shortMark, 225e18 + shortMark, "example 1");
    }

    function _assertNear(uint256 a, uint256 b, uint256 tolerance, string memory label) internal pure {
        assertLe(a > b ? a - b : b - a, tolerance, label);
    }
}
