// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IMarginHook, IPositionCounter} from "../interfaces/IMarginHook.sol";

/// @title OpenPositionsMarginHook
/// @notice The interim margin hook, until the margin engine lands: an account may withdraw or transfer out only
/// while it holds no open position. Without a position book (counter zero) no position can exist, so every
/// withdrawal passes.
contract OpenPositionsMarginHook is IMarginHook {
    /// @notice `account` holds `count` open positions, so no collateral may leave it.
    error MarginHook_OpenPositions(address account, uint256 count);

    /// @notice The position book asked for open-position counts; zero while none is deployed.
    IPositionCounter public immutable positionCounter;

    /// @param counter The position book, or zero when none is deployed yet.
    constructor(IPositionCounter counter) {
        positionCounter = counter;
    }

    /// @inheritdoc IMarginHook
    function checkWithdrawal(address account) external view {
        if (address(positionCounter) == address(0)) return;
        uint256 count = positionCounter.openPositionCount(account);
        if (count != 0) revert MarginHook_OpenPositions(account, count);
    }
}
