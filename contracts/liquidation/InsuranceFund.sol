// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {IVault} from "../interfaces/IVault.sol";

/// @title InsuranceFund
/// @notice The protocol's insurance capital: the quote balance of this contract's own vault account. The exchange
/// credits its fee share here; the liquidation engine asks it to pay insolvent auctions and settlement debts left by
/// emptied accounts. Governance (the timelock, `DEFAULT_ADMIN_ROLE`) sets the floor and withdraws only above it.
/// @dev The fund owns its vault account, so it pays with `vault.transfer` and needs no vault role. The vault runs
/// its margin hook on the debited account; the fund holds no positions and no debt, so the margin engine accepts it
/// without reading a price. Deployment cycle: the engine's constructor takes the fund, so the fund may be deployed
/// with a zero engine and governance sets it once with `setLiquidationEngine`.
contract InsuranceFund is IInsuranceFund, AccessControl {
    /// @inheritdoc IInsuranceFund
    IVault public immutable vault;
    /// @inheritdoc IInsuranceFund
    address public immutable quoteAsset;

    /// @inheritdoc IInsuranceFund
    address public liquidationEngine;
    /// @inheritdoc IInsuranceFund
    uint256 public floor;

    /// @param admin Governance (the timelock).
    /// @param vault_ The vault.
    /// @param liquidationEngine_ The liquidation engine, or zero to set it later (once) with `setLiquidationEngine`.
    constructor(address admin, IVault vault_, address liquidationEngine_) {
        if (admin == address(0) || address(vault_) == address(0)) revert Insurance_InvalidInput();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        vault = vault_;
        quoteAsset = vault_.quoteAsset();
        if (liquidationEngine_ != address(0)) _setLiquidationEngine(liquidationEngine_);
    }

    /// @inheritdoc IInsuranceFund
    function pay(address to, uint256 amount) external returns (uint256 paid) {
        // An unset engine (zero) matches no caller.
        if (msg.sender != liquidationEngine) revert Insurance_Unauthorized(msg.sender);
        if (to == address(0)) revert Insurance_InvalidInput();
        uint256 available = vault.balanceOf(address(this), quoteAsset);
        paid = amount < available ? amount : available;
        if (paid == 0) return 0;
        vault.transfer(address(this), to, quoteAsset, paid);
        emit InsurancePaid(to, paid);
    }

    /// @inheritdoc IInsuranceFund
    function withdrawSurplus(address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (to == address(0) || amount == 0) revert Insurance_InvalidInput();
        uint256 balance_ = vault.balanceOf(address(this), quoteAsset);
        if (amount > balance_ || balance_ - amount < floor) revert Insurance_BelowFloor(balance_, amount, floor);
        vault.transfer(address(this), to, quoteAsset, amount);
        emit SurplusWithdrawn(to, amount);
    }

    /// @inheritdoc IInsuranceFund
    function withdrawCollateral(address token, address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == quoteAsset || to == address(0) || amount == 0) revert Insurance_InvalidInput();
        vault.transfer(address(this), to, token, amount);
        emit CollateralWithdrawn(token, to, amount);
    }

    /// @inheritdoc IInsuranceFund
    function setFloor(uint256 floor_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        floor = floor_;
        emit FloorSet(floor_);
    }

    /// @inheritdoc IInsuranceFund
    function setLiquidationEngine(address engine) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (engine == address(0)) revert Insurance_InvalidInput();
        if (liquidationEngine != address(0)) revert Insurance_EngineAlreadySet(liquidationEngine);
        _setLiquidationEngine(engine);
    }

    /// @inheritdoc IInsuranceFund
    function balance() external view returns (uint256) {
        return vault.balanceOf(address(this), quoteAsset);
    }

    function _setLiquidationEngine(address engine) internal {
        liquidationEngine = engine;
        emit LiquidationEngineSet(engine);
    }
}
