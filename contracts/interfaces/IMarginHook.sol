// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IMarginHook
/// @notice What the vault asks before collateral leaves an account. The margin engine implements it; it reverts
/// with its own custom error (naming the account, the requirement and what the account has) when the account
/// would not satisfy initial margin after the debit that the vault has already applied.
interface IMarginHook {
    /// @notice Reverts unless `account`, in its current (already debited) state, may keep the withdrawal.
    function checkWithdrawal(address account) external view;
}

/// @title IPositionCounter
/// @notice The number of open positions an account holds (implemented by the position book).
interface IPositionCounter {
    /// @notice Open (non-zero) positions of `account`.
    function openPositionCount(address account) external view returns (uint256);
}
