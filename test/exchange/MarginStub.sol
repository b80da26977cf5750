// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";

/// @notice TEMPORARY stand-in until the real margin engine is merged: equity is collateral, nothing is required.
contract MarginStub is IMarginEngine {
    IVault internal immutable _vault;

    constructor(address, IVault vault_, IPositionBook, ISeriesRegistry, ISettlement) {
        _vault = vault_;
    }

    function marginOf(address account) public view returns (AccountMargin memory m) {
        m.equityWad = int256(_vault.collateralValue(account));
    }

    function checkInitialMargin(address account) external view {
        AccountMargin memory m = marginOf(account);
        if (m.equityWad < int256(m.initialWad))
            revert Margin_InsufficientInitialMargin(account, m.equityWad, m.initialWad);
    }

    function checkWithdrawal(address account) external view {}

    function markOf(uint256) external pure returns (uint256) {
        return 0;
    }

    function setMarginParams(uint256, MarginParams calldata) external {}

    function marginParams(uint256) external pure returns (MarginParams memory p) {
        return p;
    }
}
