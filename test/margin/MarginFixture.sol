// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {BlackScholes} from "../../contracts/libraries/BlackScholes.sol";
import {WAD} from "../../contracts/libraries/Constants.sol";
import {BaseTest} from "../utils/BaseTest.sol";

/// @notice The margin scenario on the whole stack (`BaseTest`): ETH spot cross-checked by a second feed, up to 32
/// live series per account, expiries 30 and 60 days out, and the formulas the engine's figures are checked against.
abstract contract MarginFixture is BaseTest {
    /// @dev 2023-11-15 08:00 UTC: on the expiry grid, so the expiries below are exactly 30 and 60 days away.
    uint256 internal constant T0 = 1_700_035_200;
    uint256 internal constant EXPIRY_1 = T0 + 30 days;
    uint256 internal constant EXPIRY_2 = T0 + 60 days;
    int256 internal constant SPOT_E8 = ETH_USD_E8;
    int256 internal constant VOL_E8 = 0.8e8;
    uint256 internal constant SPOT = 3_000e18;
    uint256 internal constant VOL = VOL_WAD;
    uint256 internal constant A = 0.15e18;
    uint256 internal constant B = 0.1e18;
    uint256 internal constant C = 0.075e18;

    function setUp() public virtual {
        StackConfig memory config = _defaultStack();
        config.maxLiveSeries = 32;
        config.crossCheckedSpot = true;
        config.volDecimals = 8;
        config.maxExpiryHorizon = 365 days;
        config.openInterestCap = 1e30;
        _deployStack(T0, config);
    }

    // Expected values, computed here from the formulas (never read back from the engine).

    function _call(uint256 spot, uint256 strike, uint256 t) internal pure returns (uint256) {
        return BlackScholes.price(spot, strike, t, VOL, true);
    }

    function _put(uint256 spot, uint256 strike, uint256 t) internal pure returns (uint256) {
        return BlackScholes.price(spot, strike, t, VOL, false);
    }

    function _err(uint256 spot, uint256 strike) internal pure returns (uint256) {
        return ((spot + strike) * 1_000 + WAD - 1) / WAD + 2;
    }

    function _ceilDiv(uint256 x, uint256 y) internal pure returns (uint256) {
        return x == 0 ? 0 : (x - 1) / y + 1;
    }

    /// @dev Value of `size` longs at `mark` − bound, rounded down.
    function _longValue(uint256 sizeE18, uint256 markE18, uint256 errE18) internal pure returns (int256) {
        uint256 m = markE18 > errE18 ? markE18 - errE18 : 0;
        return int256((sizeE18 * m) / WAD);
    }

    /// @dev Value of `size` shorts at `mark` + bound, rounded up, as a negative number.
    function _shortValue(uint256 sizeE18, uint256 markE18, uint256 errE18) internal pure returns (int256) {
        return -int256(_ceilDiv(sizeE18 * (markE18 + errE18), WAD));
    }

    function _max(uint256 x, uint256 y) internal pure returns (uint256) {
        return x > y ? x : y;
    }

    function _min(uint256 x, uint256 y) internal pure returns (uint256) {
        return x < y ? x : y;
    }

    function _assertMargin(
        address account,
        int256 equityE18,
        uint256 initialE18,
        uint256 maintenanceE18,
        string memory label
    ) internal view {
        IMarginEngine.AccountMargin memory m = margin.marginOf(account);
        assertEq(m.equityWad, equityE18, string.concat(label, ": equity"));
        assertEq(m.initialWad, initialE18, string.concat(label, ": initial"));
        assertEq(m.maintenanceWad, maintenanceE18, string.concat(label, ": maintenance"));
    }
}
