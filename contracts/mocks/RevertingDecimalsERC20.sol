// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An ERC-20 whose `decimals()` reverts, to test that listing rejects tokens with unreadable decimals.
contract RevertingDecimalsERC20 is ERC20 {
    error RevertingDecimals();

    constructor() ERC20("No Decimals", "NODEC") {}

    function decimals() public pure override returns (uint8) {
        revert RevertingDecimals();
    }
}
