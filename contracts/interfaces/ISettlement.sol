// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPositionBook} from "./IPositionBook.sol";
import {ISeriesRegistry} from "./ISeriesRegistry.sol";
import {IVault} from "./IVault.sol";

/// @title ISettlement
/// @notice Cash settlement of expired series. Once a series' expiry price is set, anyone may settle any account's
/// position in it: the position closes and intrinsic value moves in the quote asset, shorts paying into the
/// series' pool and longs being paid from it.
/// - Netting: settling one position settles all of the account's positions of the same underlying and expiry in
///   one step, longs first, so their payouts fund its shorts: the order in which its series are named never
///   changes what it owes.
/// - A short pays what it owes (rounded up) from its quote balance; what it cannot pay becomes the account's
///   settlement debt (counted against its equity by the margin engine, and owed to the series pool) and the series'
///   recorded shortfall. It never waits for anyone.
/// - Longs of a series share what its pool has collected pro rata: a long is entitled to its payout e (rounded
///   down) and may be paid, at any time, up to e × collected / E, where collected is everything paid into the
///   series' pool so far and E every long's entitlement (settled longs exactly, live ones from the open interest,
///   rounded down). Once the shorts have paid, collected >= E and every long is paid in full; while a shortfall
///   remains every long carries the same fraction of it, whatever the order of settlement. The rest of an
///   entitlement stays claimable (`claim`).
/// - Debt collection: an account that owes settlement debt cannot withdraw (the margin engine refuses), and anyone
///   may collect the debt without the owner (`collectDebt`): first from its quote balance, then by buying its
///   other collateral at `COLLECTION_DISCOUNT_WAD` below the router's market price (which must be Ok). Claims
///   first: a collection first pays the debtor every unpaid long claim it is due now (`claimSeriesOf`), so no
///   collateral is ever sold for a debt its own claims pay. A payout to an account that owes debt repays the debt
///   first.
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
    /// @notice `token` is not a listed non-quote collateral with a price router.
    error Settlement_NotCollateral(address token);
    /// @notice The market price of `token` is not Ok (`health`), so no collateral is sold for debt.
    error Settlement_PriceNotOk(address token, uint8 health);
    /// @notice The collection would move nothing (no quote balance and nothing of `token` to buy, or a zero cap).
    error Settlement_NothingToCollect(address account, uint256 seriesId, address token);
    /// @notice The collateral bought is below the collector's minimum (the price moved since its preview).
    error Settlement_CollectionBelowMinimum(uint256 seized, uint256 minSeized);

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

    /// @notice `account`'s settlement debt on `seriesId` was collected by `collector`: `fromBalance` from the
    /// account's quote balance, then `bought` paid by the collector for `seized` of `token` at `priceE18`
    /// (quote WAD per whole token) less the collection discount.
    event DebtCollected(
        address indexed account,
        uint256 indexed seriesId,
        address indexed collector,
        address token,
        uint256 fromBalance,
        uint256 bought,
        uint256 seized,
        uint256 priceE18
    );

    /// @notice What `collectDebt` would do now (see it). Quote token units, except `seized` in `token` units.
    /// @param fromBalance Debt repaid from the account's own quote balance.
    /// @param bought Debt repaid by the collector, who receives `seized` of `token`.
    /// @param seized `token` units moved from the account to the collector.
    /// @param priceE18 The router's market price of one whole `token` (0 when nothing is bought).
    /// @param fromClaims What the debtor's own unpaid claims paid into its quote balance first (part of the balance
    /// `fromBalance` then draws on).
    struct Collection {
        uint256 fromBalance;
        uint256 bought;
        uint256 seized;
        uint256 priceE18;
        uint256 fromClaims;
    }

    /// @notice Settles `account`'s position in `seriesId` together with all its other positions of the same
    /// underlying and expiry (longs first, then shorts, which pay from the longs' proceeds). Permissionless.
    /// Afterwards any quote balance the account holds repays its settlement debts.
    /// @return paid Quote token units moved now for `seriesId`. @return outstanding Its debt (short) or claim (long)
    /// left.
    function settle(address account, uint256 seriesId) external returns (uint256 paid, uint256 outstanding);

    /// @notice Pays `account` its pro rata share of what `seriesId`'s pool has collected, less what it was already
    /// paid (see `claimable`); a payout to an account that owes settlement debt repays the debt first.
    /// Permissionless.
    function claim(address account, uint256 seriesId) external returns (uint256 paid);

    /// @notice What `claim` would pay now (before the socialised-loss scaling of the pool, see S3), quote units.
    function claimable(address account, uint256 seriesId) external view returns (uint256);

    /// @notice Collects up to `maxRepay` of `account`'s debt on `seriesId` without the account's cooperation:
    /// first it pays the account every claim it is due now (`claimSeriesOf`, into its quote balance), then takes
    /// from its quote balance, then, when `token` is a non-quote collateral, the caller's vault account pays
    /// the rest (up to what the account's `token` covers) and receives `token` at the router's price less
    /// `COLLECTION_DISCOUNT_WAD`; the caller must keep initial margin afterwards. The price must be Ok. Reverts
    /// with `Settlement_CollectionBelowMinimum` when fewer than `minSeized` units of `token` would be bought.
    /// Permissionless; the same calculation as `previewCollection`.
    function collectDebt(
        address account,
        uint256 seriesId,
        address token,
        uint256 maxRepay,
        uint256 minSeized
    ) external returns (Collection memory collection);

    /// @notice What `collectDebt` with these arguments would do in the current state.
    function previewCollection(
        address account,
        uint256 seriesId,
        address token,
        uint256 maxRepay
    ) external view returns (Collection memory);

    /// @notice The discount below market at which a collector buys a debtor's collateral, WAD (2%).
    function COLLECTION_DISCOUNT_WAD() external view returns (uint256);

    /// @notice `account`'s total payout entitlement on `seriesId` as a long (paid and unpaid), quote units.
    function entitlementOf(address account, uint256 seriesId) external view returns (uint256);

    /// @notice Everything paid into `seriesId`'s pool so far (short payments and debt repayments), quote units.
    function collectedOf(uint256 seriesId) external view returns (uint256);

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

    /// @notice The series on which `account` holds an unpaid long claim (non-zero `claimOf`), in no particular
    /// order: what a collection pays the debtor first.
    function claimSeriesOf(address account) external view returns (uint256[] memory);

    /// @notice The series on which `account` owes a settlement debt (non-zero `debtOn`), in no particular order.
    function debtSeriesOf(address account) external view returns (uint256[] memory);

    /// @notice `account`'s total settlement debt across series, quote token units (what the margin engine deducts).
    function debtOf(address account) external view returns (uint256);

    /// @notice `account`'s debt on one series.
    function debtOn(address account, uint256 seriesId) external view returns (uint256);

    /// @notice `account`'s unpaid claim on one series (what remains of its entitlement as a long).
    function claimOf(address account, uint256 seriesId) external view returns (uint256);

    /// @notice The quote held for `seriesId`'s longs (in the settlement contract's vault account).
    function poolOf(uint256 seriesId) external view returns (uint256);

    /// @notice The series' recorded shortfall: short obligations not yet paid (the sum of debts on it).
    function shortfallOf(uint256 seriesId) external view returns (uint256);

    /// @notice The amount a position of `position` in `seriesId` owes (negative) or is owed (positive) at the
    /// stored expiry price, quote token units: shorts rounded up, longs down. Reverts when the price is not set.
    function settlementAmount(uint256 seriesId, int256 position) external view returns (int256 amount);

    /// @notice The vault holding margin accounts (and this contract's pool account).
    function vault() external view returns (IVault);

    /// @notice The position book whose expired positions this contract closes.
    function book() external view returns (IPositionBook);

    /// @notice The series registry (terms and routers for expiry prices).
    function registry() external view returns (ISeriesRegistry);

    /// @notice The quote asset in which settlement pays.
    function quoteAsset() external view returns (address);

    /// @notice The sum of all series pools (nominal), what this contract's vault balance backs.
    function totalPooled() external view returns (uint256);
}
