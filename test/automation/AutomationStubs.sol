// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";

/// @notice Test-only stand-in for the liquidation engine, for the automation's bookkeeping tests only (which
/// accounts a check reports, what a perform re-validates and skips): `canStart` is set per account by the test,
/// `startAuction` succeeds exactly when it is set and then clears it. The auction path on the real engine is
/// tested once the engine lands on main.
contract StubLiquidationEngine is ILiquidationEngine {
    mapping(address account => bool) public startable;
    mapping(address account => bool) public started;
    uint256 public startCount;
    bool public revertViews;

    function setStartable(address account, bool value) external {
        startable[account] = value;
    }

    function setRevertViews(bool value) external {
        revertViews = value;
    }

    function liquidationStatus(address account) external view returns (LiquidationStatus memory status) {
        if (revertViews) revert Liquidation_InvalidParams();
        status.canStart = startable[account];
        status.inAuction = started[account];
    }

    function startAuction(address account) external returns (uint256) {
        if (!startable[account]) revert Liquidation_AccountHealthy(account, 0, 0);
        startable[account] = false;
        started[account] = true;
        ++startCount;
        return 0;
    }

    function bid(address, address, uint256, int256) external pure returns (int256) {
        revert Liquidation_InvalidParams();
    }

    function endAuction(address) external pure {
        revert Liquidation_InvalidParams();
    }

    function setAuctionParams(AuctionParams calldata) external pure {
        revert Liquidation_InvalidParams();
    }

    function auctionParams() external pure returns (AuctionParams memory params) {
        return params;
    }
}

/// @notice Test-only position book that reports one open position for every account, so the watch-list bound can
/// be reached without a thousand trades.
contract StubEveryoneHoldsBook {
    uint256 public constant MAX_LIVE_SERIES_LIMIT = 32;

    function openPositionCount(address) external pure returns (uint256) {
        return 1;
    }

    function positionsOf(address) external pure returns (uint256[] memory seriesIds, int256[] memory sizes) {
        return (new uint256[](0), new int256[](0));
    }
}
