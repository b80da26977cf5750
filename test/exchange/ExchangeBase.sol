// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";

/// @notice The exchange scenario on the whole stack (`BaseTest`): ETH spot cross-checked by a second feed, at most
/// eight live series per account, a month-out chain of five calls and three puts, and three signing accounts.
abstract contract ExchangeBase is BaseTest {
    uint256 internal constant MAKER_PK = 0xA11CE5EC2E7;
    uint256 internal constant TAKER_PK = 0xB0B5EC2E7;
    uint256 internal constant OTHER_PK = 0xC4A21E;

    /// @dev 2023-11-14 22:13:20 UTC; EXPIRY is 2023-12-15 08:00 UTC, on the 08:00 grid.
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant EXPIRY = 1_702_627_200;
    int256 internal constant VOL_E8 = 0.8e8;
    uint256 internal constant SPOT = 3_000e18;
    uint128 internal constant OI_CAP = 1_000_000e18;
    uint256 internal constant MAX_LIVE_SERIES = 8;

    address internal maker;
    address internal taker;
    address internal other;

    /// @dev Calls at 3000, 3200, 3400, 3600, 2800 and puts at 2800, 2600, 2400; all expiring at EXPIRY.
    uint256[] internal seriesIds;
    uint256 internal callAtm;
    uint256 internal putOtm;

    function setUp() public virtual {
        maker = vm.addr(MAKER_PK);
        taker = vm.addr(TAKER_PK);
        other = vm.addr(OTHER_PK);
        StackConfig memory config = _defaultStack();
        config.maxLiveSeries = MAX_LIVE_SERIES;
        config.crossCheckedSpot = true;
        config.volDecimals = 8;
        config.maxExpiryHorizon = 365 days;
        config.openInterestCap = OI_CAP;
        _deployStack(T0, config);
        seriesIds.push(_list(3_000e18, EXPIRY, true));
        seriesIds.push(_list(3_200e18, EXPIRY, true));
        seriesIds.push(_list(3_400e18, EXPIRY, true));
        seriesIds.push(_list(3_600e18, EXPIRY, true));
        seriesIds.push(_list(2_800e18, EXPIRY, true));
        seriesIds.push(_list(2_800e18, EXPIRY, false));
        seriesIds.push(_list(2_600e18, EXPIRY, false));
        seriesIds.push(_list(2_400e18, EXPIRY, false));
        callAtm = seriesIds[0];
        putOtm = seriesIds[5];
    }
}
