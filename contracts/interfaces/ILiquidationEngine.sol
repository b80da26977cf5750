// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IVault} from "./IVault.sol";

/// @title ILiquidationEngine
/// @notice Dutch-auction liquidation of accounts below maintenance margin.
/// - `liquidationStatus` (view) and `startAuction` / `bid` (execute) share one internal calculation, so a keeper or
///   the SDK predicts the chain exactly.
/// - Solvent auction (equity >= 0): a bidder takes a fraction f of every position and every collateral balance of
///   the account and pays f × grossValue × (1 − discount) in the quote asset to the account, where grossValue =
///   collateral value + Σ position marks (debt excluded) and the discount rises linearly from `startDiscountWad`
///   to `maxDiscountWad` over `discountRampSeconds`. f may not exceed what restores the account to its buffer
///   margin, MM × (1 + bufferWad), unless the account's gross value is below `smallAccountWad` (then up to all).
/// - Insolvent auction (equity < 0): the bidder takes the whole account and the insurance fund pays the bidder an
///   amount rising linearly over `insolventRampSeconds` from 0 to |equity| + maxDiscountWad × grossValue. What the
///   fund cannot pay is socialised: a pro-rata haircut on every quote balance in the vault (see IVault).
/// - Liquidation proceeds feed the insurance fund: in a solvent bid the bidder also pays `fundShareWad` of the
///   discount it earns (f × grossValue × discount × share) to the fund; the liquidated account's side is unchanged.
/// - Auctions start and bids execute only on healthy prices (every underlying the account holds has an Ok spot and
///   the risk controller allows liquidations, and every non-quote collateral it holds has an Ok price); the
///   flagger earns a bounded reward paid by the account.
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
    /// @param equityWad Equity (collateral + marks − debt).
    /// @param maintenanceWad Maintenance margin requirement.
    /// @param grossValueWad Collateral value + Σ marks, debt excluded (what a bidder buys a fraction of).
    /// @param canStart Whether `startAuction` would succeed now.
    /// @param inAuction Whether an auction is running.
    /// @param insolvent Whether the running (or startable) auction is insolvent (equity < 0).
    /// @param discountWad Current discount of a solvent auction.
    /// @param maxFractionWad Largest fraction a bid may take now (1e18 = everything).
    /// @param fundPaymentWad Insolvent auction: what the fund would pay a bidder taking the account now.
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
    }

    /// @notice The account meets maintenance margin: it may not be auctioned.
    error Liquidation_AccountHealthy(address account, int256 equityWad, uint256 maintenanceWad);
    /// @notice No auction is running for the account.
    error Liquidation_NotInAuction(address account);
    /// @notice An auction is already running for the account.
    error Liquidation_AlreadyInAuction(address account);
    /// @notice A price the auction needs is not healthy (stale, disagreeing sources, sequencer) for `underlyingId`.
    error Liquidation_PricesUnhealthy(uint256 underlyingId);
    /// @notice The price of a non-quote collateral `token` the account holds is not healthy (not Ok).
    error Liquidation_CollateralPriceUnhealthy(address token);
    /// @notice The requested fraction is zero or above the current maximum.
    error Liquidation_InvalidFraction(uint256 fractionWad, uint256 maxFractionWad);
    /// @notice The bid's payment misses the bidder's limit (payment > 0: the bidder pays; < 0: receives).
    error Liquidation_PriceLimitExceeded(int256 payment, int256 limit);
    /// @notice An account may not bid on itself (that would dodge the discount).
    error Liquidation_SelfBid(address account);
    /// @notice `caller` may not act for `bidderAccount`.
    error Liquidation_Unauthorized(address bidderAccount, address caller);
    /// @notice `endAuction` on an account still below maintenance margin (and not empty).
    error Liquidation_StillUnderwater(address account, int256 equityWad, uint256 maintenanceWad);
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
    /// @notice Auction parameters changed.
    event AuctionParamsSet(AuctionParams params);

    /// @notice What the chain would do for `account` now; the same calculation as `startAuction` and `bid`.
    function liquidationStatus(address account) external view returns (LiquidationStatus memory);

    /// @notice Starts an auction of `account` (equity < maintenance margin, healthy prices). Permissionless; the
    /// caller's account earns the flag reward.
    function startAuction(address account) external returns (uint256 reward);

    /// @notice Bids on `account` for `bidderAccount` (caller: the account or its vault operator), taking
    /// `fractionWad` of it (must be 1e18 in an insolvent auction). `paymentLimit` bounds the signed payment: the
    /// bid reverts if payment > paymentLimit. The bidder must hold initial margin afterwards.
    /// @return payment Quote units: > 0 paid by the bidder in all (to the account, plus the fund's share of the
    /// discount), < 0 received by the bidder from the fund.
    function bid(
        address account,
        address bidderAccount,
        uint256 fractionWad,
        int256 paymentLimit
    ) external returns (int256 payment);

    /// @notice Ends the auction of an account that is healthy again (price moved back) or empty. Permissionless.
    function endAuction(address account) external;

    /// @notice Sets auction parameters. Governance (timelock) only.
    function setAuctionParams(AuctionParams calldata params) external;

    /// @notice The vault whose accounts the engine liquidates (flag rewards and payments move there).
    function vault() external view returns (IVault);

    /// @notice Current auction parameters.
    function auctionParams() external view returns (AuctionParams memory);

    /// @notice When `account`'s running auction started (0: none).
    function auctionStart(address account) external view returns (uint256);
}
