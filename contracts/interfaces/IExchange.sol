// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IMarginEngine} from "./IMarginEngine.sol";
import {IPauseGuard} from "./IPauseGuard.sol";
import {IPositionBook} from "./IPositionBook.sol";
import {IRiskController} from "./IRiskController.sol";
import {ISeriesRegistry} from "./ISeriesRegistry.sol";
import {IVault} from "./IVault.sol";

/// @title IExchange
/// @notice EIP-712 signed limit orders on option series. A taker fills a maker's order (partially or fully); a
/// matcher may cross two orders at the maker's price. Premium moves in the quote asset between the two vault
/// accounts; the taker pays a fee of a fraction of notional capped by a fraction of premium, split between the fee
/// recipient and the insurance fund. After a fill both accounts must hold initial margin, except an account whose
/// side of the fill only reduced its risk, which must keep maintenance margin or end no worse than it started.
/// @dev Orders are signed by the maker account itself (an EOA, or a contract through ERC-1271). Amounts are WAD
/// options; prices are quote WAD per option.
interface IExchange {
    /// @notice A signed order.
    /// @param maker The account whose position and premium move.
    /// @param seriesId The series traded.
    /// @param isBuy True to buy (go longer), false to sell.
    /// @param amount Largest total amount (WAD options) the order may fill.
    /// @param minFillAmount The maker's protection against dust (WAD options; 0 for none). A fill must take at
    /// least this much and leave at least this much of the order, unless it takes the whole remainder (so the size
    /// rule never blocks the last remainder, however small); and no fill, the last included, may leave the maker
    /// holding a nonzero position in the series smaller than it (a closing order is sized to the position it
    /// closes). Dust fills, and round trips through zero, cannot then occupy the maker's live-series slots.
    /// @param limitPriceE18 Buy: highest premium per option; sell: lowest (quote WAD).
    /// @param deadline Last second the order may fill.
    /// @param nonce Uniqueness salt; orders with a nonce below the maker's floor are cancelled.
    /// @param taker The only account allowed to fill it, or zero for anyone (RFQ when set).
    struct Order {
        address maker;
        uint256 seriesId;
        bool isBuy;
        uint256 amount;
        uint256 minFillAmount;
        uint256 limitPriceE18;
        uint64 deadline;
        uint256 nonce;
        address taker;
    }

    /// @notice Fee schedule, WAD fractions.
    /// @param notionalFeeWad Fee as a fraction of notional (amount × spot).
    /// @param premiumCapWad Cap of the fee as a fraction of premium.
    /// @param insuranceShareWad Share of each fee credited to the insurance fund account.
    struct FeeConfig {
        uint64 notionalFeeWad;
        uint64 premiumCapWad;
        uint64 insuranceShareWad;
    }

    /// @notice The signature does not come from the order's maker.
    error Exchange_InvalidSignature(address maker, bytes32 orderHash);
    /// @notice The order's deadline has passed.
    error Exchange_OrderExpired(bytes32 orderHash, uint256 deadline);
    /// @notice Filling `amount` would exceed the order: `filled` of `total` is already used.
    error Exchange_Overfill(bytes32 orderHash, uint256 filled, uint256 amount, uint256 total);
    /// @notice The order was cancelled by hash or by nonce floor.
    error Exchange_OrderCancelled(bytes32 orderHash);
    /// @notice The order names another taker.
    error Exchange_WrongTaker(bytes32 orderHash, address expected, address actual);
    /// @notice The series has reached expiry.
    error Exchange_SeriesExpired(uint256 seriesId, uint256 expiry);
    /// @notice The two orders do not cross (different series, same side, or prices apart).
    error Exchange_OrdersDoNotCross(bytes32 makerOrderHash, bytes32 takerOrderHash);
    /// @notice The series' underlying is reduce-only (paused, or the risk controller disallows new risk) and this
    /// fill adds risk for `account`.
    error Exchange_ReduceOnly(uint256 seriesId, address account);
    /// @notice A fill of `amount` takes less than the order's `minFillAmount`, or leaves less of it than that
    /// (`remaining` before the fill), without taking the whole remainder.
    error Exchange_FillBelowMinimum(bytes32 orderHash, uint256 amount, uint256 minFillAmount, uint256 remaining);
    /// @notice The fill would leave an order's maker `account` holding a position of size `sizeAfter` in
    /// `seriesId`: nonzero and smaller than the order's `minFillAmount`.
    error Exchange_DustPosition(address account, uint256 seriesId, uint256 sizeAfter, uint256 minFillAmount);
    /// @notice A zero amount (or a fill whose premium rounds to zero).
    error Exchange_ZeroAmount();
    /// @notice `caller` may not act for `account` (neither the account nor its vault operator).
    error Exchange_Unauthorized(address account, address caller);
    /// @notice Fee parameters out of range.
    error Exchange_InvalidFeeConfig();
    /// @notice A zero address where one is required.
    error Exchange_ZeroAddress();
    /// @notice A nonce floor may only rise.
    error Exchange_NonceFloorNotIncreasing(address maker, uint256 current, uint256 requested);

    /// @notice An order was (partially) filled.
    event OrderFilled(
        bytes32 indexed orderHash,
        address indexed maker,
        address indexed taker,
        uint256 seriesId,
        bool makerIsBuy,
        uint256 amount,
        uint256 priceE18,
        uint256 premium,
        uint256 fee
    );
    /// @notice An order was cancelled by its maker.
    event OrderCancelled(bytes32 indexed orderHash, address indexed maker);
    /// @notice Every order of `maker` with a nonce below `nonceFloor` is cancelled.
    event NonceFloorRaised(address indexed maker, uint256 nonceFloor);
    /// @notice The fee schedule or recipients changed.
    event FeeConfigSet(uint256 notionalFeeWad, uint256 premiumCapWad, uint256 insuranceShareWad);
    /// @notice Fee recipients changed.
    event FeeRecipientsSet(address indexed feeRecipient, address indexed insuranceFund);

    /// @notice Role allowed to call `matchOrders`.
    function MATCHER_ROLE() external view returns (bytes32);

    /// @notice EIP-712 type hash of `Order`, every field in declaration order.
    function ORDER_TYPEHASH() external view returns (bytes32);

    /// @notice The EIP-712 domain separator (chain id and this deployment's address included).
    function DOMAIN_SEPARATOR() external view returns (bytes32);

    /// @notice Largest `notionalFeeWad` (1% of notional).
    function MAX_NOTIONAL_FEE_WAD() external view returns (uint256);

    /// @notice Largest `premiumCapWad` (50% of premium).
    function MAX_PREMIUM_CAP_WAD() external view returns (uint256);

    /// @notice Largest `insuranceShareWad` (all of the fee).
    function MAX_INSURANCE_SHARE_WAD() external view returns (uint256);

    /// @notice The vault holding every account's collateral (this exchange holds its `CLEARING_ROLE`).
    function vault() external view returns (IVault);

    /// @notice The position book (this exchange holds its `TRADER_ROLE`).
    function book() external view returns (IPositionBook);

    /// @notice The series registry: each series' terms and its underlying's oracle router.
    function registry() external view returns (ISeriesRegistry);

    /// @notice The margin engine that checks both accounts after every fill.
    function margin() external view returns (IMarginEngine);

    /// @notice The pause guard: while an underlying is paused only risk-reducing fills pass.
    function pauseGuard() external view returns (IPauseGuard);

    /// @notice The vault's quote asset, in which premiums and fees move.
    function quoteAsset() external view returns (address);

    /// @notice The vault account receiving the fees not credited to the insurance fund.
    function feeRecipient() external view returns (address);

    /// @notice The insurance fund's vault account.
    function insuranceFund() external view returns (address);

    /// @notice The fee schedule.
    function feeConfig() external view returns (FeeConfig memory);

    /// @notice Fills `amount` of `order` against `takerAccount` at the order's limit price. The caller must be
    /// `takerAccount` or its vault operator.
    /// @return premium The premium paid by the buyer to the seller, in quote token units.
    function fill(
        Order calldata order,
        bytes calldata signature,
        uint256 amount,
        address takerAccount
    ) external returns (uint256 premium);

    /// @notice Crosses a resting `makerOrder` with a `takerOrder` for `amount`, at the maker's limit price; the
    /// taker order's account pays the fee. Matcher role only.
    function matchOrders(
        Order calldata makerOrder,
        bytes calldata makerSignature,
        Order calldata takerOrder,
        bytes calldata takerSignature,
        uint256 amount
    ) external returns (uint256 premium);

    /// @notice Cancels one order. Its maker (or the maker's vault operator) only.
    function cancel(Order calldata order) external;

    /// @notice Cancels every order of `maker` whose nonce is below `nonceFloor`. The floor only rises.
    function raiseNonceFloor(address maker, uint256 nonceFloor) external;

    /// @notice Sets the fee schedule. Governance (timelock) only. notionalFee <= 0.01e18, premiumCap <= 0.5e18,
    /// insuranceShare <= 1e18.
    function setFeeConfig(FeeConfig calldata config) external;

    /// @notice Sets the fee recipient and insurance fund accounts. Governance (timelock) only.
    function setFeeRecipients(address feeRecipient, address insuranceFund) external;

    /// @notice The risk controller consulted, with the pause guard, before fills that add risk (immutable, set at
    /// construction).
    function riskController() external view returns (IRiskController);

    /// @notice The EIP-712 hash of an order.
    function hashOrder(Order calldata order) external view returns (bytes32);

    /// @notice Amount of an order already filled.
    function filled(bytes32 orderHash) external view returns (uint256);

    /// @notice Whether an order was cancelled by hash.
    function cancelled(bytes32 orderHash) external view returns (bool);

    /// @notice A maker's nonce floor.
    function nonceFloor(address maker) external view returns (uint256);

    /// @notice The fee a taker pays on a fill of `amount` at `priceE18` in `seriesId` (quote token units).
    function feeFor(uint256 seriesId, uint256 amount, uint256 priceE18) external view returns (uint256 fee);
}
