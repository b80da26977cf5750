// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IInsuranceFund} from "./IInsuranceFund.sol";
import {IMarginEngine} from "./IMarginEngine.sol";
import {IPositionBook} from "./IPositionBook.sol";
import {IRiskController} from "./IRiskController.sol";
import {ISeriesRegistry} from "./ISeriesRegistry.sol";
import {ISettlement} from "./ISettlement.sol";
import {IVault} from "./IVault.sol";

/// @title ILiquidationEngine
/// @notice Dutch-auction liquidation of accounts below maintenance margin.
/// - `liquidationStatus` (view) and `startAuction` / `bid` / `endAuction` (execute) share one internal calculation,
///   so a keeper or the SDK predicts the chain exactly.
/// - Two valuations. Margin equity (collateral at haircut value + marks − settlement debt, from the margin engine)
///   decides whether an account is under water (equity < maintenance margin MM). Haircuts are a margin buffer, not a
///   transfer price: what changes hands and whether an account is insolvent are valued at market. grossValue = the
///   positions' marks + the account's collateral whose price is Ok at market value (`IVault.collateralMarketValue`);
///   market equity = grossValue − settlement debt; the account is insolvent when market equity < 0.
/// - Solvent auction: a bidder takes up to a fraction f of every position and of every collateral balance whose
///   price is Ok and pays f × grossValue × (1 − discount) in the quote asset to the account; the discount rises
///   linearly from `startDiscountWad` to `maxDiscountWad` over `discountRampSeconds`. f may not exceed what restores
///   the account to its buffer margin, MM × (1 + bufferWad), unless its gross value is below `smallAccountWad`
///   (then up to all); a bid asking more takes the maximum of the moment ("up to": never refused for drift).
/// - Insolvent auction: the bidder takes the whole account (and its settlement debt) and the insurance fund pays
///   it |market equity| + discount × max(grossValue, MM), the discount rising from `startDiscountWad` to
///   `maxDiscountWad` over `insolventRampSeconds` (so the account is worth taking over at once, and the fund pays
///   no more than the first bidder accepts). What the fund cannot pay is socialised (a pro-rata haircut on every
///   quote balance, see IVault), at most one capped event (`IVault.MAX_SOCIALISED_LOSS_WAD`) per call: the rest
///   is the bidder's loss claim, resolved step by step by `resolveLossClaim`. A liquidation never reverts because
///   of the socialisation cap.
/// - An auction ends when a bid leaves the account at or above maintenance margin, measured by the margin engine
///   after the bid (every rounding against the account), or when a bid takes everything; `endAuction` ends it when
///   the account is healthy again or empty. A new auction needs the account below maintenance again, so a flag
///   reward cannot be earned twice without a price move.
/// - Prices: no auction state changes and no payment is decided on a price that is not Ok, other than waiting.
///   What the engine may not price blocks or delays a liquidation only in proportion to what it contributes:
///   - Positions on an unhealthy underlying (the risk controller forbids liquidations on it: its spot is not Ok)
///     are valued conservatively, as the account's own exits are (`IMarginEngine.positionsMarginOf` on the
///     `exitMarginOf` valuation: on a Down price, each at the end of the outage range that goes against the
///     account), counted in equity and maintenance, never taken by a bidder (they stay with the account).
///   - Non-quote collateral whose price is not Ok is never priced: it is valued at 0 against the account and left
///     with it (in a takeover the fund pays for, or an `endAuction` in which the fund pays the debt, it goes to the
///     insurance fund instead, so the owner cannot keep what the fund paid for).
///   - A solvent auction (start, bid, end) waits only while their contribution exceeds
///     `UNHEALTHY_COLLATERAL_SHARE_WAD` (1%) of the account's size: unhealthy collateral at its reported (Degraded)
///     value + the frozen positions' |marks| + their maintenance, against healthy collateral at market + unhealthy
///     collateral + the frozen positions' |marks| + MM + settlement debt (an account left with debt only and a
///     dust position can still be flagged; its takeover, a fund decision, waits). Collateral whose price is Down
///     has no known value and never makes a solvent auction wait. `LiquidationStatus.pricesOk` is this decision.
///   - Fund decisions (an insolvent bid, an `endAuction` in which the fund pays the debt) wait while the account
///     holds any position on an unhealthy underlying or any collateral whose price is Down
///     (`LiquidationStatus.fundPricesOk`); so does the fund's payment of a solvent account's debt (a bid that
///     takes everything a bidder may take does not empty an account left with frozen positions).
/// - Liquidation proceeds feed the insurance fund: in a solvent bid the bidder also pays `fundShareWad` of the
///   discount it earns (f × grossValue × discount × share) to the fund; the liquidated account's side is unchanged.
/// - The flagger earns a bounded reward paid by the account.
/// @dev WAD values in the quote asset unless named otherwise; payments are quote token units.
interface ILiquidationEngine {
    /// @notice Governance parameters of auctions. `fundShareWad` (<= 0.5e18) is the share of a solvent bid's
    /// discount paid on top by the bidder to the insurance fund.
    struct AuctionParams {
        uint64 startDiscountWad;
        uint64 maxDiscountWad;
        uint32 discountRampSeconds;
        uint64 bufferWad;
        uint64 flagRewardWad;
        uint128 maxFlagRewardWad;
        uint32 insolventRampSeconds;
        uint128 smallAccountWad;
        uint64 fundShareWad;
    }

    /// @notice What the chain would do for `account` now.
    /// @param equityWad Margin equity (collateral at haircut value + marks − debt), positions on an unhealthy
    /// underlying valued conservatively (0 when they cannot be valued at all).
    /// @param maintenanceWad Maintenance margin requirement, likewise.
    /// @param grossValueWad Market value of what a bidder takes: Ok-priced collateral at market + Σ marks, debt
    /// excluded (0 when negative).
    /// @param canStart Whether `startAuction` would succeed now.
    /// @param inAuction Whether an auction is running.
    /// @param insolvent Whether the running (or startable) auction is insolvent (market equity < 0).
    /// @param discountWad Current discount (of the solvent or the insolvent ramp).
    /// @param maxFractionWad Largest fraction a bid may take now (1e18 = everything).
    /// @param fundPaymentWad Insolvent auction: what the fund would pay a bidder taking the account now.
    /// @param pricesOk The prices the account depends on let a solvent auction act now (start, bid, end): what the
    /// engine may not price is within the dust share and the account could be valued. Automation and keepers read
    /// this instead of judging each price themselves.
    /// @param fundPricesOk `pricesOk`, and no position on an unhealthy underlying nor Down collateral is held: a
    /// fund decision (insolvent bid, the fund paying an emptied account's debt) may be taken now.
    struct LiquidationStatus {
        int256 equityWad;
        uint256 maintenanceWad;
        uint256 grossValueWad;
        bool canStart;
        bool inAuction;
        bool insolvent;
        uint256 discountWad;
        uint256 maxFractionWad;
        uint256 fundPaymentWad;
        bool pricesOk;
        bool fundPricesOk;
    }

    /// @notice The account meets maintenance margin: it may not be auctioned.
    error Liquidation_AccountHealthy(address account, int256 equityWad, uint256 maintenanceWad);
    /// @notice No auction is running for the account.
    error Liquidation_NotInAuction(address account);
    /// @notice An auction is already running for the account.
    error Liquidation_AlreadyInAuction(address account);
    /// @notice A price the auction needs is not healthy (stale, disagreeing sources, sequencer) for `underlyingId`:
    /// the account's positions on it contribute more than the dust share, or a fund decision waits for it.
    error Liquidation_PricesUnhealthy(uint256 underlyingId);
    /// @notice The price of a non-quote collateral `token` the account holds is not healthy (not Ok).
    error Liquidation_CollateralPriceUnhealthy(address token);
    /// @notice The fraction (after clamping to the current maximum) is zero, or partial in an all-or-nothing auction.
    error Liquidation_InvalidFraction(uint256 fractionWad, uint256 maxFractionWad);
    /// @notice The bid's payment misses the bidder's limit (payment > 0: the bidder pays; < 0: receives).
    error Liquidation_PriceLimitExceeded(int256 payment, int256 limit);
    /// @notice An account may not bid on itself (that would dodge the discount).
    error Liquidation_SelfBid(address account);
    /// @notice `caller` may not act for `bidderAccount`.
    error Liquidation_Unauthorized(address bidderAccount, address caller);
    /// @notice `endAuction` on an account still below maintenance margin (and not empty).
    error Liquidation_StillUnderwater(address account, int256 equityWad, uint256 maintenanceWad);
    /// @notice `creditor` holds no loss claim.
    error Liquidation_NoLossClaim(address creditor);
    /// @notice Parameters out of range.
    error Liquidation_InvalidParams();
    /// @notice A zero address where one is required.
    error Liquidation_ZeroAddress();

    /// @notice An auction started; `flagger` earned `reward` (quote units) from the account.
    event AuctionStarted(address indexed account, address indexed flagger, bool insolvent, uint256 reward);
    /// @notice A bid took `fractionWad` of `account`; `payment` (quote units) went from bidder to account when
    /// positive, or from the insurance fund to the bidder when negative; `socialised` could not be paid by the fund.
    event AuctionBid(
        address indexed account,
        address indexed bidder,
        uint256 fractionWad,
        int256 payment,
        uint256 discountWad,
        uint256 socialised
    );
    /// @notice The auction of `account` ended (healthy again or emptied).
    event AuctionEnded(address indexed account, bool emptied);
    /// @notice `amount` (quote units) owed to `creditor` could be paid neither by the fund nor by one socialisation
    /// event: it is now `creditor`'s loss claim.
    event LossClaimRecorded(address indexed creditor, uint256 amount);
    /// @notice `resolved` (quote units) of `creditor`'s loss claim was paid, `socialised` of it by the vault.
    event LossClaimResolved(address indexed creditor, uint256 resolved, uint256 socialised);
    /// @notice Auction parameters changed.
    event AuctionParamsSet(AuctionParams params);

    /// @notice What the chain would do for `account` now; the same calculation as `startAuction` and `bid`.
    function liquidationStatus(address account) external view returns (LiquidationStatus memory);

    /// @notice Starts an auction of `account` (equity < maintenance margin, healthy prices). Permissionless; the
    /// caller's account earns the flag reward.
    function startAuction(address account) external returns (uint256 reward);

    /// @notice Bids on `account` for `bidderAccount` (caller: the account or its vault operator), taking up to
    /// `fractionWad` of it: the fraction is clamped to the current maximum (and must then be 1e18 in an
    /// all-or-nothing auction, which every insolvent one is). `paymentLimit` bounds the signed payment: the bid
    /// reverts if payment > paymentLimit. The bidder must hold initial margin afterwards; a part of an insolvent
    /// payment neither the fund nor one socialisation event can pay becomes the bidder's loss claim.
    /// @return payment Quote units: > 0 paid by the bidder in all (to the account, plus the fund's share of the
    /// discount), < 0 received by the bidder from the fund.
    function bid(
        address account,
        address bidderAccount,
        uint256 fractionWad,
        int256 paymentLimit
    ) external returns (int256 payment);

    /// @notice Ends the auction of an account that is healthy again (price moved back) or empty. Permissionless.
    /// Refused while a price the account depends on is not Ok. On an empty account with settlement debt left, the
    /// fund pays the debt into the series pool and the vault socialises up to one capped event of the rest; debt
    /// left beyond that keeps the auction open for the next call.
    function endAuction(address account) external;

    /// @notice Pays the next step of `creditor`'s loss claim: from the insurance fund, then up to one capped
    /// socialisation event. Permissionless. Reverts with `Liquidation_NoLossClaim` when there is none.
    /// @return resolved What was paid (quote units).
    function resolveLossClaim(address creditor) external returns (uint256 resolved);

    /// @notice What the protocol still owes `creditor` for an insolvency (quote units), see `resolveLossClaim`.
    function lossClaimOf(address creditor) external view returns (uint256);

    /// @notice The sum of every loss claim (quote units).
    function totalLossClaims() external view returns (uint256);

    /// @notice Sets auction parameters. Governance (timelock) only.
    function setAuctionParams(AuctionParams calldata params) external;

    /// @notice The vault whose accounts the engine liquidates (flag rewards and payments move there).
    function vault() external view returns (IVault);

    /// @notice Current auction parameters.
    function auctionParams() external view returns (AuctionParams memory);

    /// @notice When `account`'s running auction started (0: none).
    function auctionStart(address account) external view returns (uint256);

    /// @notice Largest `maxDiscountWad`.
    function MAX_DISCOUNT_WAD() external view returns (uint256);

    /// @notice Largest `bufferWad`.
    function MAX_BUFFER_WAD() external view returns (uint256);

    /// @notice Largest `flagRewardWad` (a fraction of maintenance margin).
    function MAX_FLAG_REWARD_WAD() external view returns (uint256);

    /// @notice Largest share of a solvent bid's discount that goes to the insurance fund.
    function MAX_FUND_SHARE_WAD() external view returns (uint256);

    /// @notice The position book.
    function book() external view returns (IPositionBook);

    /// @notice The series registry (series terms and each underlying's router).
    function registry() external view returns (ISeriesRegistry);

    /// @notice The margin engine.
    function margin() external view returns (IMarginEngine);

    /// @notice The insurance fund.
    function fund() external view returns (IInsuranceFund);

    /// @notice The risk controller, whose `allowsLiquidation` gates liquidations per underlying.
    function riskController() external view returns (IRiskController);

    /// @notice Settlement (from the margin engine), or zero when none is deployed.
    function settlement() external view returns (ISettlement);

    /// @notice The vault's quote asset.
    function quoteAsset() external view returns (address);

    /// @notice 10^(18 − quote decimals): quote token units to WAD.
    function QUOTE_TO_WAD() external view returns (uint256);

    /// @notice Largest share of the account's size that what the engine may not price (unhealthy-price collateral
    /// and positions on unhealthy underlyings) may contribute and still be left out of a solvent auction instead of
    /// making it wait; see `ILiquidationEngine` (prices).
    function UNHEALTHY_COLLATERAL_SHARE_WAD() external view returns (uint256);
}
