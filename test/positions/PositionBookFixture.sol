// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";

/// @notice The position book on the whole stack (`BaseTest`) with a limit of four live series per account and
/// open-interest caps out of the way; two plain accounts hold its trader and settler roles.
abstract contract PositionBookFixture is BaseTest {
    address internal constant TRADER = address(0x7EAD);
    address internal constant SETTLER = address(0x5E771);

    /// @dev 2023-11-15 08:00 UTC; series expire 30 days later.
    uint256 internal constant T0 = 1_700_035_200;
    uint256 internal constant EXPIRY = T0 + 30 days;
    uint128 internal constant DEFAULT_CAP = 1e37;
    uint256 internal constant MAX_LIVE = 4;

    function setUp() public virtual {
        StackConfig memory config = _defaultStack();
        config.maxLiveSeries = MAX_LIVE;
        config.maxExpiryHorizon = 365 days;
        config.openInterestCap = DEFAULT_CAP;
        _deployStack(T0, config);
        vm.startPrank(ADMIN);
        book.grantRole(book.TRADER_ROLE(), TRADER);
        book.grantRole(book.SETTLER_ROLE(), SETTLER);
        vm.stopPrank();
    }

    /// @dev Lists `count` calls struck 2000, 2100, ...
    function _listSeries(uint256 count) internal returns (uint256[] memory ids) {
        ids = new uint256[](count);
        for (uint256 i; i < count; ++i) ids[i] = _list(2_000e18 + i * 100e18, EXPIRY, true);
    }
}
