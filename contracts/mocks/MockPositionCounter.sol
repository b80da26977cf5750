// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPositionCounter} from "../interfaces/IMarginHook.sol";

/// @notice A position book stand-in whose open-position counts tests set directly.
contract MockPositionCounter is IPositionCounter {
    mapping(address account => uint256) public openPositionCount;

    function setOpenPositionCount(address account, uint256 count) external {
        openPositionCount[account] = count;
    }
}
