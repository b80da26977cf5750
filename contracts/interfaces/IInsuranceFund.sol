// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IVault} from "./IVault.sol";

/// @title IInsuranceFund
/// @notice Holds the protocol's insurance capital as a vault account (its own address) in the quote asset. It
/// receives its share of trading fees (the exchange credits this account) and liquidation proceeds, and pays
/// insolvent auctions and settlement deficits on the liquidation engine's request. With an account it pays for, it
/// may receive non-quote collateral whose price was not Ok. Governance may move only the quote surplus above a
/// floor, and such collateral, through the timelock.
interface IInsuranceFund {
    /// @notice The caller is not the liquidation engine.
    error Insurance_Unauthorized(address caller);
    /// @notice Withdrawing `amount` would leave the fund below its floor.
    error Insurance_BelowFloor(uint256 balance, uint256 amount, uint256 floor);
    /// @notice A zero address or amount.
    error Insurance_InvalidInput();
    /// @notice The liquidation engine is already set (to `engine`): it is set once.
    error Insurance_EngineAlreadySet(address engine);

    /// @notice The fund paid `amount` (quote units) to vault account `to`.
    event InsurancePaid(address indexed to, uint256 amount);
    /// @notice Governance withdrew `amount` of surplus to `to`.
    event SurplusWithdrawn(address indexed to, uint256 amount);
    /// @notice Governance moved `amount` of the non-quote collateral `token` to vault account `to`.
    event CollateralWithdrawn(address indexed token, address indexed to, uint256 amount);
    /// @notice The floor changed.
    event FloorSet(uint256 floor);
    /// @notice The liquidation engine was set.
    event LiquidationEngineSet(address indexed engine);

    /// @notice Pays up to `amount` to vault account `to`, as far as the balance goes. Liquidation engine only.
    /// @return paid What was paid.
    function pay(address to, uint256 amount) external returns (uint256 paid);

    /// @notice Moves `amount` above the floor to vault account `to`. Governance (timelock) only.
    function withdrawSurplus(address to, uint256 amount) external;

    /// @notice Moves `amount` of a non-quote collateral `token` the fund holds (collateral whose price was not Ok,
    /// handed over by the liquidation engine with an account the fund paid for) to vault account `to`. Governance
    /// (timelock) only; the quote asset leaves only through `withdrawSurplus`.
    function withdrawCollateral(address token, address to, uint256 amount) external;

    /// @notice Sets the floor (quote units). Governance (timelock) only.
    function setFloor(uint256 floor) external;

    /// @notice Sets the liquidation engine, once (breaks the deployment cycle). Governance only.
    function setLiquidationEngine(address engine) external;

    /// @notice The only caller of `pay`; zero until set.
    function liquidationEngine() external view returns (address);

    /// @notice The fund's quote balance in the vault.
    function balance() external view returns (uint256);

    /// @notice The floor below which governance cannot withdraw.
    function floor() external view returns (uint256);

    /// @notice The vault holding the fund's account.
    function vault() external view returns (IVault);

    /// @notice The vault's quote asset, in which the fund holds and pays.
    function quoteAsset() external view returns (address);
}
