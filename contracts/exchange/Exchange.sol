// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IExchange} from "../interfaces/IExchange.sol";
import {IMarginEngine} from "../interfaces/IMarginEngine.sol";
import {Health} from "../interfaces/IOracleRouter.sol";
import {IPauseGuard} from "../interfaces/IPauseGuard.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {IRiskController} from "../interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {IVault} from "../interfaces/IVault.sol";
import {WAD} from "../libraries/Constants.sol";
import {NewRiskGate} from "../libraries/NewRiskGate.sol";

/// @title Exchange
/// @notice EIP-712 signed limit orders on option series, cleared through the vault (premium and fees, with its
/// `CLEARING_ROLE`) and the position book (positions, with its `TRADER_ROLE`). Governance (the timelock) holds
/// `DEFAULT_ADMIN_ROLE`; an off-chain matcher may hold `MATCHER_ROLE`.
/// @dev Every fill, from `fill` or `matchOrders`, runs through `_settle` once:
/// 1. the series must not have reached expiry;
/// 2. a side that signed an order with a `minFillAmount` may not end holding a nonzero position in the series
///    smaller than it (dust cannot take a maker's live-series slot, not even by a round trip through zero);
/// 3. each side is classified as reducing (its position moves toward zero without crossing it) or not; while the
///    underlying is reduce-only — `NewRiskGate.allowsNewRisk` false: paused by the guardian, or new risk
///    disallowed by the risk controller (stale, disagreeing or sequencer-gated prices) — both sides must be reducing;
/// 4. for each reducing side, `equity − maintenance` is read before anything moves;
/// 5. premium (buyer → seller), the taker's fee (→ insurance fund and fee recipient) and the position move;
/// 6. a non-reducing side must hold initial margin; a reducing side must hold maintenance margin or end with an
///    `equity − maintenance` no lower than before (so an underwater account can always de-risk). Both accounts are
///    checked in one `IMarginEngine.checkTradeMargin` call, buyer first, sharing the price reads.
/// The fee is `min(notionalFee × amount × spot, premiumCap × premium)`, in quote units rounded up; when the
/// underlying's router reports its spot as Down the premium cap alone applies: there is no spot to measure notional
/// by, the cap bounds the fee either way, and a missing price never blocks the fee step of a fill.
/// In `matchOrders` one `OrderFilled` is emitted per order; the fee is reported once, on the maker order's event
/// (whose `taker` is the account that paid it, as in `fill`), and as 0 on the taker order's event, so the sum of
/// `fee` over all events is the fees collected.
contract Exchange is IExchange, AccessControl, EIP712, ReentrancyGuardTransient {
    /// @inheritdoc IExchange
    bytes32 public constant MATCHER_ROLE = keccak256("MATCHER_ROLE");

    /// @inheritdoc IExchange
    bytes32 public constant ORDER_TYPEHASH =
        keccak256(
            "Order(address maker,uint256 seriesId,bool isBuy,uint256 amount,uint256 minFillAmount,"
            "uint256 limitPriceE18,uint64 deadline,uint256 nonce,address taker)"
        );

    /// @inheritdoc IExchange
    uint256 public constant MAX_NOTIONAL_FEE_WAD = 0.01e18;
    /// @inheritdoc IExchange
    uint256 public constant MAX_PREMIUM_CAP_WAD = 0.5e18;
    /// @inheritdoc IExchange
    uint256 public constant MAX_INSURANCE_SHARE_WAD = 1e18;

    /// @dev The top bit of an order's state: cancelled by hash.
    uint256 internal constant CANCELLED_BIT = 1 << 255;

    /// @inheritdoc IExchange
    IVault public immutable vault;
    /// @inheritdoc IExchange
    IPositionBook public immutable book;
    /// @inheritdoc IExchange
    ISeriesRegistry public immutable registry;
    /// @inheritdoc IExchange
    IMarginEngine public immutable margin;
    /// @inheritdoc IExchange
    IPauseGuard public immutable pauseGuard;
    /// @inheritdoc IExchange
    IRiskController public immutable riskController;
    /// @inheritdoc IExchange
    address public immutable quoteAsset;

    /// @dev 10^(36 − quote decimals): amount (WAD) × price (WAD) / this = quote token units.
    uint256 internal immutable _premiumScale;
    /// @dev 10^(54 − quote decimals): amount (WAD) × spot (WAD) × fee (WAD) / this = quote token units.
    uint256 internal immutable _notionalFeeScale;

    /// @inheritdoc IExchange
    address public feeRecipient;
    /// @inheritdoc IExchange
    address public insuranceFund;

    FeeConfig internal _feeConfig;

    /// @dev Per order hash, one slot: the amount filled in the low 255 bits and the cancellation in the top bit.
    /// Every fill moves at most the book's `MAX_AMOUNT` (1e36) or reverts, so the filled total stays below 2^255
    /// for any feasible number of fills (2^255 / 1e36 > 5e40) and never reaches the cancellation bit.
    mapping(bytes32 orderHash => uint256) internal _orderState;
    /// @inheritdoc IExchange
    mapping(address maker => uint256) public nonceFloor;

    /// @dev The two accounts of a fill and what moves between them.
    struct Trade {
        uint256 seriesId;
        address buyer;
        address seller;
        uint256 amount;
        uint256 priceE18;
        address feePayer;
        /// @dev Smallest nonzero position the buyer / seller may end with: its order's `minFillAmount` when it
        /// signed one (0 for a `fill` taker).
        uint256 buyerMinSize;
        uint256 sellerMinSize;
    }

    /// @param admin Governance (the timelock).
    /// @param vault_ The vault (this exchange needs its `CLEARING_ROLE`).
    /// @param book_ The position book (this exchange needs its `TRADER_ROLE`).
    /// @param registry_ The series registry.
    /// @param margin_ The margin engine.
    /// @param pauseGuard_ The pause guard.
    /// @param riskController_ The risk controller, which with the pause guard decides reduce-only (`NewRiskGate`).
    /// @param feeRecipient_ The vault account receiving fees.
    /// @param insuranceFund_ The insurance fund's vault account.
    /// @dev Fees start at zero until governance sets a schedule.
    constructor(
        address admin,
        IVault vault_,
        IPositionBook book_,
        ISeriesRegistry registry_,
        IMarginEngine margin_,
        IPauseGuard pauseGuard_,
        IRiskController riskController_,
        address feeRecipient_,
        address insuranceFund_
    ) EIP712("Optio Exchange", "1") {
        if (
            admin == address(0) ||
            address(vault_) == address(0) ||
            address(book_) == address(0) ||
            address(registry_) == address(0) ||
            address(margin_) == address(0) ||
            address(pauseGuard_) == address(0) ||
            address(riskController_) == address(0)
        ) revert Exchange_ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        vault = vault_;
        book = book_;
        registry = registry_;
        margin = margin_;
        pauseGuard = pauseGuard_;
        riskController = riskController_;
        address quote = vault_.quoteAsset();
        quoteAsset = quote;
        // The vault caps decimals at 18, so both exponents are non-negative.
        uint256 decimals = vault_.collateralConfig(quote).decimals;
        _premiumScale = 10 ** (36 - decimals);
        _notionalFeeScale = 10 ** (54 - decimals);
        _setFeeRecipients(feeRecipient_, insuranceFund_);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Trading
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IExchange
    function fill(
        Order calldata order,
        bytes calldata signature,
        uint256 amount,
        address takerAccount
    ) external nonReentrant returns (uint256 premium) {
        _requireAuthorized(takerAccount);
        bytes32 orderHash = _checkAndRecord(order, signature, amount, takerAccount);
        Trade memory t = order.isBuy
            ? Trade(
                order.seriesId,
                order.maker,
                takerAccount,
                amount,
                order.limitPriceE18,
                takerAccount,
                order.minFillAmount,
                0
            )
            : Trade(
                order.seriesId,
                takerAccount,
                order.maker,
                amount,
                order.limitPriceE18,
                takerAccount,
                0,
                order.minFillAmount
            );
        uint256 fee;
        (premium, fee) = _settle(t);
        _emitFilled(orderHash, order, takerAccount, amount, order.limitPriceE18, premium, fee);
    }

    /// @inheritdoc IExchange
    function matchOrders(
        Order calldata makerOrder,
        bytes calldata makerSignature,
        Order calldata takerOrder,
        bytes calldata takerSignature,
        uint256 amount
    ) external nonReentrant onlyRole(MATCHER_ROLE) returns (uint256 premium) {
        _requireCross(makerOrder, takerOrder);
        bytes32 makerHash = _checkAndRecord(makerOrder, makerSignature, amount, takerOrder.maker);
        bytes32 takerHash = _checkAndRecord(takerOrder, takerSignature, amount, makerOrder.maker);
        premium = _settleMatch(makerOrder, makerHash, takerOrder, takerHash, amount);
    }

    /// @inheritdoc IExchange
    function cancel(Order calldata order) external {
        _requireAuthorized(order.maker);
        bytes32 orderHash = _hashOrder(order);
        _orderState[orderHash] |= CANCELLED_BIT;
        emit OrderCancelled(orderHash, order.maker);
    }

    /// @inheritdoc IExchange
    function raiseNonceFloor(address maker, uint256 nonceFloor_) external {
        _requireAuthorized(maker);
        uint256 current = nonceFloor[maker];
        if (nonceFloor_ <= current) revert Exchange_NonceFloorNotIncreasing(maker, current, nonceFloor_);
        nonceFloor[maker] = nonceFloor_;
        emit NonceFloorRaised(maker, nonceFloor_);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IExchange
    function setFeeConfig(FeeConfig calldata config) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (
            config.notionalFeeWad > MAX_NOTIONAL_FEE_WAD ||
            config.premiumCapWad > MAX_PREMIUM_CAP_WAD ||
            config.insuranceShareWad > MAX_INSURANCE_SHARE_WAD
        ) revert Exchange_InvalidFeeConfig();
        _feeConfig = config;
        emit FeeConfigSet(config.notionalFeeWad, config.premiumCapWad, config.insuranceShareWad);
    }

    /// @inheritdoc IExchange
    function setFeeRecipients(address feeRecipient_, address insuranceFund_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFeeRecipients(feeRecipient_, insuranceFund_);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IExchange
    function hashOrder(Order calldata order) external view returns (bytes32) {
        return _hashOrder(order);
    }

    /// @inheritdoc IExchange
    function filled(bytes32 orderHash) external view returns (uint256) {
        return _orderState[orderHash] & ~CANCELLED_BIT;
    }

    /// @inheritdoc IExchange
    function cancelled(bytes32 orderHash) external view returns (bool) {
        return _orderState[orderHash] & CANCELLED_BIT != 0;
    }

    /// @inheritdoc IExchange
    function feeFor(uint256 seriesId, uint256 amount, uint256 priceE18) external view returns (uint256 fee) {
        uint256 underlyingId = registry.getSeries(seriesId).underlyingId;
        return _feeOf(underlyingId, amount, _premiumOf(amount, priceE18));
    }

    /// @inheritdoc IExchange
    function feeConfig() external view returns (FeeConfig memory) {
        return _feeConfig;
    }

    /// @inheritdoc IExchange
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Checks `order` for a fill of `amount` against `counterparty`: amount, taker restriction, deadline,
    /// cancellation, signature, remaining size and minimum fill, in that order; then records the fill before any
    /// external call moves value. Returns the order's hash.
    function _checkAndRecord(
        Order calldata order,
        bytes calldata signature,
        uint256 amount,
        address counterparty
    ) internal returns (bytes32 orderHash) {
        orderHash = _hashOrder(order);
        if (amount == 0) revert Exchange_ZeroAmount();
        address taker = order.taker;
        if (taker != address(0) && taker != counterparty) revert Exchange_WrongTaker(orderHash, taker, counterparty);
        if (block.timestamp > order.deadline) revert Exchange_OrderExpired(orderHash, order.deadline);
        // Not cancelled, so the state is the filled amount alone.
        uint256 done = _orderState[orderHash];
        if (done & CANCELLED_BIT != 0 || order.nonce < nonceFloor[order.maker]) {
            revert Exchange_OrderCancelled(orderHash);
        }
        if (!SignatureChecker.isValidSignatureNow(order.maker, orderHash, signature)) {
            revert Exchange_InvalidSignature(order.maker, orderHash);
        }
        if (amount > order.amount || done > order.amount - amount) {
            revert Exchange_Overfill(orderHash, done, amount, order.amount);
        }
        // unchecked: `done <= order.amount - amount` was just checked, so neither subtraction underflows.
        unchecked {
            uint256 remaining = order.amount - done;
            uint256 minFill = order.minFillAmount;
            // The whole remainder always fills; otherwise the fill and what it leaves are both at least the minimum,
            // so a remainder is never dust.
            if (amount != remaining && (amount < minFill || remaining - amount < minFill)) {
                revert Exchange_FillBelowMinimum(orderHash, amount, minFill, remaining);
            }
        }
        _orderState[orderHash] = done + amount;
    }

    /// @dev Same series, opposite sides, and the buy limit at or above the sell limit.
    function _requireCross(Order calldata makerOrder, Order calldata takerOrder) internal view {
        (uint256 buyLimit, uint256 sellLimit) = makerOrder.isBuy
            ? (makerOrder.limitPriceE18, takerOrder.limitPriceE18)
            : (takerOrder.limitPriceE18, makerOrder.limitPriceE18);
        if (makerOrder.seriesId != takerOrder.seriesId || makerOrder.isBuy == takerOrder.isBuy || buyLimit < sellLimit)
            revert Exchange_OrdersDoNotCross(_hashOrder(makerOrder), _hashOrder(takerOrder));
    }

    /// @dev Clears a matched pair at the maker's price, the taker order's account paying the fee.
    function _settleMatch(
        Order calldata makerOrder,
        bytes32 makerHash,
        Order calldata takerOrder,
        bytes32 takerHash,
        uint256 amount
    ) internal returns (uint256 premium) {
        (Order calldata buy, Order calldata sell) = makerOrder.isBuy
            ? (makerOrder, takerOrder)
            : (takerOrder, makerOrder);
        uint256 priceE18 = makerOrder.limitPriceE18;
        uint256 fee;
        (premium, fee) = _settle(
            Trade(
                makerOrder.seriesId,
                buy.maker,
                sell.maker,
                amount,
                priceE18,
                takerOrder.maker,
                buy.minFillAmount,
                sell.minFillAmount
            )
        );
        _emitFilled(makerHash, makerOrder, takerOrder.maker, amount, priceE18, premium, fee);
        _emitFilled(takerHash, takerOrder, makerOrder.maker, amount, priceE18, premium, 0);
    }

    function _emitFilled(
        bytes32 orderHash,
        Order calldata order,
        address taker,
        uint256 amount,
        uint256 priceE18,
        uint256 premium,
        uint256 fee
    ) internal {
        emit OrderFilled(orderHash, order.maker, taker, order.seriesId, order.isBuy, amount, priceE18, premium, fee);
    }

    /// @dev Clears one fill: expiry, pause and margin rules, premium, fee and position (see the contract's @dev).
    function _settle(Trade memory t) internal returns (uint256 premium, uint256 fee) {
        ISeriesRegistry.Series memory series = registry.getSeries(t.seriesId);
        if (block.timestamp >= series.expiry) revert Exchange_SeriesExpired(t.seriesId, series.expiry);
        premium = _premiumOf(t.amount, t.priceE18);
        if (premium == 0) revert Exchange_ZeroAmount();

        // Reducing: the position moves toward zero without crossing it (a short bought back, a long sold).
        int256 buyerBefore = book.positionOf(t.buyer, t.seriesId);
        int256 sellerBefore = book.positionOf(t.seller, t.seriesId);
        if (t.buyerMinSize != 0) _requireNoDust(t.buyer, t.seriesId, buyerBefore, t.amount, t.buyerMinSize);
        if (t.sellerMinSize != 0) _requireNoDust(t.seller, t.seriesId, -sellerBefore, t.amount, t.sellerMinSize);
        bool buyerReduces = buyerBefore < 0 && t.amount <= uint256(-buyerBefore);
        bool sellerReduces = sellerBefore > 0 && t.amount <= uint256(sellerBefore);
        // A fill that reduces both sides is always allowed: the reduce-only sources are read only otherwise.
        if (
            !(buyerReduces && sellerReduces) &&
            !NewRiskGate.allowsNewRisk(pauseGuard, riskController, series.underlyingId)
        ) {
            revert Exchange_ReduceOnly(t.seriesId, buyerReduces ? t.seller : t.buyer);
        }
        (int256 buyerSurplus, int256 sellerSurplus) = _surplusesBefore(t, buyerReduces, sellerReduces);

        fee = _feeOf(series.underlyingId, t.amount, premium);
        vault.clearingTransfer(t.buyer, t.seller, quoteAsset, premium);
        if (fee != 0) _collectFee(t.feePayer, fee);
        book.transferPosition(t.seriesId, t.buyer, t.seller, t.amount);

        margin.checkTradeMargin(
            IMarginEngine.TradeCheck(t.buyer, buyerReduces, buyerSurplus),
            IMarginEngine.TradeCheck(t.seller, sellerReduces, sellerSurplus)
        );
    }

    /// @dev Reverts when an account whose position (signed in the direction of the fill: +long for the buyer,
    /// +short for the seller) is `before` ends with a size in (0, minSize) after the fill adds `amount` to it. The
    /// book stores positions as int128, so negating one (as `_settle` does for the seller) cannot overflow.
    function _requireNoDust(
        address account,
        uint256 seriesId,
        int256 before,
        uint256 amount,
        uint256 minSize
    ) internal pure {
        uint256 sizeAfter;
        if (before >= 0) {
            // Away from zero: size = before + amount, at least `amount`; summed only when below the minimum.
            if (amount >= minSize || uint256(before) >= minSize - amount) return;
            sizeAfter = uint256(before) + amount;
        } else {
            uint256 size = uint256(-before);
            sizeAfter = amount > size ? amount - size : size - amount;
            if (sizeAfter == 0 || sizeAfter >= minSize) return;
        }
        revert Exchange_DustPosition(account, seriesId, sizeAfter, minSize);
    }

    /// @dev Splits `fee` from `payer`: the insurance share (rounded down) to the fund, the rest to the recipient.
    function _collectFee(address payer, uint256 fee) internal {
        uint256 toInsurance = Math.mulDiv(fee, _feeConfig.insuranceShareWad, WAD);
        if (toInsurance != 0) vault.clearingTransfer(payer, insuranceFund, quoteAsset, toInsurance);
        // unchecked: `toInsurance <= fee` because the share is at most 1e18.
        unchecked {
            if (fee != toInsurance) vault.clearingTransfer(payer, feeRecipient, quoteAsset, fee - toInsurance);
        }
    }

    /// @dev `equity − maintenance` of each reducing side before the fill (0 for a side that adds risk), the buyer's
    /// read first; both in one engine call when both sides reduce.
    function _surplusesBefore(
        Trade memory t,
        bool buyerReduces,
        bool sellerReduces
    ) internal view returns (int256 buyerSurplus, int256 sellerSurplus) {
        if (buyerReduces && sellerReduces) {
            address[] memory accounts = new address[](2);
            accounts[0] = t.buyer;
            accounts[1] = t.seller;
            IMarginEngine.AccountMargin[] memory m = margin.exitMarginsOf(accounts);
            return (_surplus(m[0]), _surplus(m[1]));
        }
        if (buyerReduces) buyerSurplus = _surplus(margin.exitMarginOf(t.buyer));
        if (sellerReduces) sellerSurplus = _surplus(margin.exitMarginOf(t.seller));
    }

    function _surplus(IMarginEngine.AccountMargin memory m) internal pure returns (int256) {
        return m.equityWad - SafeCast.toInt256(m.maintenanceWad);
    }

    /// @dev premium = amount × price, in quote token units, rounded up: the buyer pays (and the seller receives)
    /// the whole premium, never a truncated one.
    function _premiumOf(uint256 amount, uint256 priceE18) internal view returns (uint256) {
        return Math.mulDiv(amount, priceE18, _premiumScale, Math.Rounding.Ceil);
    }

    /// @dev min(notionalFee × amount × spot, premiumCap × premium) in quote token units, each rounded up (in the
    /// protocol's favour). The premium cap alone applies when the underlying's spot is Down.
    function _feeOf(uint256 underlyingId, uint256 amount, uint256 premium) internal view returns (uint256 fee) {
        FeeConfig memory config = _feeConfig;
        if (config.notionalFeeWad == 0 || config.premiumCapWad == 0) return 0;
        fee = Math.mulDiv(premium, config.premiumCapWad, WAD, Math.Rounding.Ceil);
        (uint256 spotE18, Health health) = registry.routerOf(underlyingId).spot();
        if (health == Health.Down) return fee;
        uint256 notionalFee = Math.mulDiv(
            amount,
            spotE18 * config.notionalFeeWad,
            _notionalFeeScale,
            Math.Rounding.Ceil
        );
        return Math.min(fee, notionalFee);
    }

    function _hashOrder(Order calldata order) internal view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ORDER_TYPEHASH, order)));
    }

    /// @dev The vault's `isAuthorized`, without the external call when the caller is the account itself.
    function _requireAuthorized(address account) internal view {
        if (msg.sender != account && !vault.isOperator(account, msg.sender)) {
            revert Exchange_Unauthorized(account, msg.sender);
        }
    }

    function _setFeeRecipients(address feeRecipient_, address insuranceFund_) internal {
        if (feeRecipient_ == address(0) || insuranceFund_ == address(0)) revert Exchange_ZeroAddress();
        feeRecipient = feeRecipient_;
        insuranceFund = insuranceFund_;
        emit FeeRecipientsSet(feeRecipient_, insuranceFund_);
    }
}
