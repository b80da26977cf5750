// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title ISettlement
/// @notice Cash settlement of expired series. Once a series' expiry price is set, anyone may settle any account's
/// position in it: the position closes and intrinsic value moves in the quote asset, shorts paying into the
/// series' pool and longs being paid from it.
/// - A short pays what it owes (rounded up) from its quote balance; what it cannot pay becomes the account's
///   settlement debt (counted against its equity by the margin engine, and owed to the series pool) and the series'
///   recorded shortfall. It never waits for anyone.
/// - A long is paid what it is owed (rounded down) from the pool at once, up to what the pool holds; the rest
///   stays claimable and is paid by `claim` as shorts pay in or debts are repaid.
/// Every unit is accounted for: pool inflows (short payments and debt repayments) equal long payouts plus the pool
/// balance, and Σ long entitlements + rounding dust = Σ short obligations.
/// - The liquidation engine (DEBT_RESOLVER_ROLE) resolves a liquidated account's debt with `resolveDebt`: from the
///   account's own quote balance, from the bidder that takes the account over, or from what the insurance fund (or,
///   beyond it, a socialised loss) already credited to this contract's vault account.
interface ISettlement {
    /// @notice The series' expiry price is not set yet.
    error Settlement_PriceNotSet(uint256 seriesId, uint256 expiry);
    /// @notice The account holds no position in the series.
    error Settlement_NoPosition(address account, uint256 seriesId);
    /// @notice Nothing is claimable.
    error Settlement_NothingToClaim(address account, uint256 seriesId);
    /// @notice The account has no settlement debt on the series.
    error Settlement_NoDebt(address account, uint256 seriesId);
    /// @notice A zero amount.
    error Settlement_ZeroAmount();
    /// @notice `caller` may not spend `payer`'s vault balance (neither the account nor its operator).
    error Settlement_Unauthorized(address payer, address caller);
    /// @notice A zero address where one is required.
    error Settlement_ZeroAddress();

    /// @notice `account`'s `position` in `seriesId` settled at `expiryPriceE18`: `paid` moved (into the pool for a
    /// short, out of it for a long) and `outstanding` remains (debt for a short, claim for a long).
    event PositionSettled(
        address indexed account,
        uint256 indexed seriesId,
        int256 position,
        uint256 expiryPriceE18,
        uint256 paid,
        uint256 outstanding
    );
    /// @notice `amount` of an earlier long claim was paid.
    event ClaimPaid(address indexed account, uint256 indexed seriesId, uint256 amount);
    /// @notice `amount` of `account`'s settlement debt on `seriesId` was repaid by `payer`.
    event DebtRepaid(address indexed account, uint256 indexed seriesId, address indexed payer, uint256 amount);

    /// @notice Settles `account`'s position in `seriesId`. Permissionless.
    /// @return paid Quote token units moved now. @return outstanding Debt (short) or claim (long) left.
    function settle(address account, uint256 seriesId) external returns (uint256 paid, uint256 outstanding);

    /// @notice Pays as much of `account`'s claim on `seriesId` as the pool holds. Permissionless.
    function claim(address account, uint256 seriesId) external returns (uint256 paid);

    /// @notice Repays up to `amount` of `account`'s debt on `seriesId` from `payer`'s vault quote balance into the
    /// pool; the caller must be `payer` or its vault operator. A payer other than the account must keep initial
    /// margin afterwards (the vault's margin hook decides). Returns the amount repaid.
    function repayDebt(address account, uint256 seriesId, address payer, uint256 amount) external returns (uint256);

    /// @notice Role of the contract that resolves liquidated accounts' debts (the liquidation engine).
    function DEBT_RESOLVER_ROLE() external view returns (bytes32);

    /// @notice Resolves up to `amount` of `account`'s debt on `seriesId` into the series pool and returns what was
    /// resolved. `payer` is a vault account whose quote balance pays (no margin check: the caller checks), or this
    /// contract itself when the caller already credited this contract's vault account with the amount (the
    /// insurance fund's payment or a socialised loss). Debt resolver role only. Emits `DebtRepaid`.
    function resolveDebt(address account, uint256 seriesId, address payer, uint256 amount) external returns (uint256);

    /// @notice The series on which `account` owes a settlement debt (non-zero `debtOn`), in no particular order.
    function debtSeriesOf(address account) external view returns (uint256[] memory);

    /// @notice `account`'s total settlement debt across series, quote token units (what the margin engine deducts).
    function debtOf(address account) external view returns (uint256);

    /// @notice `account`'s debt on one series.
    function debtOn(address account, uint256 seriesId) external view returns (uint256);

    /// @notice `account`'s unpaid claim on one series.
    function claimOf(address account, uint256 seriesId) external view returns (uint256);

    /// @notice The quote held for `seriesId`'s longs (in the settlement contract's vault account).
    function poolOf(uint256 seriesId) external view returns (uint256);

    /// @notice The series' recorded shortfall: short obligations not yet paid (the sum of debts on it).
    function shortfallOf(uint256 seriesId) external view returns (uint256);

    /// @notice The amount a position of `position` in `seriesId` owes (negative) or is owed (positive) at the
    /// stored expiry price, quote token units: shorts rounded up, longs down. Reverts when the price is not set.
    function settlementAmount(uint256 seriesId, int256 position) external view returns (int256 amount);
}
