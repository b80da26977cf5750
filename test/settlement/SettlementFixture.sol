// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";

/// @notice The settlement scenario on the whole stack (`BaseTest`), with the vault keeping its interim margin hook
/// so settlement is tested on its own: one call and one put struck at 3,000, expiring the next morning. Positions
/// are opened directly through the book (the test holds its trader role).
abstract contract SettlementFixture is BaseTest {
    address internal constant CAROL = address(0xCA401);

    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant EXPIRY = ((T0 / 1 days) + 1) * 1 days + 8 hours;
    uint256 internal constant STRIKE = 3_000e18;
    /// @dev Quote units per WAD·WAD product: 1e18 (WAD) × 1e12 (18 − 6 decimals).
    uint256 internal constant DENOM = 1e30;

    uint256 internal callId;
    uint256 internal putId;

    function setUp() public virtual {
        StackConfig memory config = _defaultStack();
        config.marginEngineIsHook = false;
        _deployStack(T0, config);
        vm.startPrank(ADMIN);
        book.grantRole(book.TRADER_ROLE(), address(this));
        vm.stopPrank();
        callId = _list(STRIKE, EXPIRY, true);
        putId = _list(STRIKE, EXPIRY, false);
    }

    /// @dev Proves the expiry price at `priceE8`, moving just past expiry.
    function _expire(int256 priceE8) internal {
        _proveExpiry(EXPIRY, priceE8);
    }

    function _ceilDiv(uint256 a, uint256 b) internal pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}
