// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IInsuranceFund} from "../interfaces/IInsuranceFund.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {IMarginEngine} from "../interfaces/IMarginEngine.sol";
import {Health} from "../interfaces/IOracleRouter.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {IRiskController} from "../interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IVault} from "../interfaces/IVault.sol";
import {WAD} from "../libraries/Constants.sol";
import {MemoryArrays} from "../libraries/MemoryArrays.sol";
import {SeriesTerms} from "../libraries/SeriesTerms.sol";
import {LiquidationMath} from "./LiquidationMath.sol";

/// @title LiquidationEngine
/// @notice Dutch-auction liquidations over the vault, the position book and the margin engine. Governance (the
/// timelock) holds `DEFAULT_ADMIN_ROLE` and sets the auction parameters. Needs the book's `TRADER_ROLE`, the
/// vault's `CLEARING_ROLE` and `SOCIALISER_ROLE`, and settlement's `DEBT_RESOLVER_ROLE`.
/// @dev `_compute` is the one calculation behind `liquidationStatus`, `startAuction`, `bid` and `endAuction`:
/// margin equity and maintenance from `marginOf` (whether the account is under water; positions on an underlying
/// whose liquidation the risk controller forbids valued conservatively instead, `_valuation`), the market value of
/// what a bidder takes (marks of the other positions plus collateral whose price is Ok, at market:
/// `IVault.collateralMarketValue`), market equity (that minus settlement debt: whether the account is insolvent),
/// the discount or fund payment of the moment, the largest fraction and whether the prices the account depends on
/// let the engine act (`pricesOk`, `fundPricesOk`: the dust rule).
/// Rounding: a bid takes floor(size × f) of each position and floor(balance × f) of each collateral (the
/// liquidated account keeps the rounding); the bidder pays gross × f × (1 − discount) rounded up; the fund pays
/// its amount rounded down; whether a bid ended the auction is measured after it by the margin engine.
/// Settlement debt after a bid: the account repays what it can from its own quote balance. If the bid emptied the
/// account (fraction 1) and debt is left, then in an insolvent auction the bidder, who takes the whole account and
/// was paid for its negative equity (debt included), repays it; in a solvent auction (the proceeds fell short of
/// the debt because of the discount) the insurance fund pays it into the series pool, and the vault socialises what
/// the fund cannot pay, up to one capped event per call: debt left beyond that stays on the account, whose auction
/// stays open, and each `endAuction` resolves the next step. `endAuction` on an account emptied by settlement runs
/// the same fund path.
/// An auction that turns insolvent keeps its start time: its discount ramps from the auction's start.
contract LiquidationEngine is ILiquidationEngine, AccessControl, ReentrancyGuard {
    /// @inheritdoc ILiquidationEngine
    uint256 public constant MAX_DISCOUNT_WAD = 0.5e18;
    /// @inheritdoc ILiquidationEngine
    uint256 public constant MAX_BUFFER_WAD = 1e18;
    /// @inheritdoc ILiquidationEngine
    uint256 public constant MAX_FLAG_REWARD_WAD = 0.1e18;
    /// @inheritdoc ILiquidationEngine
    uint256 public constant MAX_FUND_SHARE_WAD = 0.5e18;

    /// @inheritdoc ILiquidationEngine
    IVault public immutable vault;
    /// @inheritdoc ILiquidationEngine
    IPositionBook public immutable book;
    /// @inheritdoc ILiquidationEngine
    ISeriesRegistry public immutable registry;
    /// @inheritdoc ILiquidationEngine
    IMarginEngine public immutable margin;
    /// @inheritdoc ILiquidationEngine
    IInsuranceFund public immutable fund;
    /// @inheritdoc ILiquidationEngine
    IRiskController public immutable riskController;
    /// @inheritdoc ILiquidationEngine
    ISettlement public immutable settlement;
    /// @inheritdoc ILiquidationEngine
    address public immutable quoteAsset;
    /// @inheritdoc ILiquidationEngine
    uint256 public immutable QUOTE_TO_WAD;

    /// @inheritdoc ILiquidationEngine
    uint256 public constant UNHEALTHY_COLLATERAL_SHARE_WAD = 0.01e18;

    AuctionParams internal _params;
    mapping(address account => uint256) internal _auctionStart;

    /// @inheritdoc ILiquidationEngine
    mapping(address creditor => uint256) public lossClaimOf;
    /// @inheritdoc ILiquidationEngine
    uint256 public totalLossClaims;

    /// @dev The shared calculation: the status and what the executes need besides it.
    /// `grossWad`: market value of what a bidder takes (signed); `lostWad`: per unit of fraction taken, the margin
    /// equity a solvent bid costs the account (see `LiquidationMath.solventMaxFractionDown`); `unhealthyUnderlying`:
    /// the first underlying the account holds positions on whose price the engine may not act on (0: none);
    /// `frozen[i]`: position i is on such an underlying (valued conservatively, never taken); `downHeld`: the
    /// account holds collateral whose price is Down (unknown value), which makes fund decisions wait.
    struct Context {
        LiquidationStatus status;
        int256 grossWad;
        int256 lostWad;
        bool allOrNothing;
        uint256 unhealthyUnderlying;
        bool downHeld;
        uint256[] seriesIds;
        int256[] sizes;
        bool[] frozen;
        uint256 frozenMaintenanceWad;
    }

    /// @param admin Governance (the timelock).
    /// @param riskController_ The risk controller.
    constructor(
        address admin,
        IVault vault_,
        IPositionBook book_,
        ISeriesRegistry registry_,
        IMarginEngine margin_,
        IInsuranceFund fund_,
        IRiskController riskController_
    ) {
        if (
            admin == address(0) ||
            address(vault_) == address(0) ||
            address(book_) == address(0) ||
            address(registry_) == address(0) ||
            address(margin_) == address(0) ||
            address(fund_) == address(0) ||
            address(riskController_) == address(0)
        ) revert Liquidation_ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        vault = vault_;
        book = book_;
        registry = registry_;
        margin = margin_;
        fund = fund_;
        riskController = riskController_;
        settlement = margin_.settlement();
        address quote = vault_.quoteAsset();
        quoteAsset = quote;
        // The vault caps decimals at 18.
        QUOTE_TO_WAD = 10 ** (18 - vault_.collateralConfig(quote).decimals);
        // Lyra v2's shape: 5% → 30% over 15 minutes, a 20% buffer; an insolvent account's premium ramps alike.
        _setAuctionParams(
            AuctionParams({
                startDiscountWad: 0.05e18,
                maxDiscountWad: 0.3e18,
                discountRampSeconds: 15 minutes,
                bufferWad: 0.2e18,
                flagRewardWad: 0.01e18,
                maxFlagRewardWad: 50e18,
                insolventRampSeconds: 15 minutes,
                smallAccountWad: 100e18,
                fundShareWad: 0
            })
        );
    }

    // ------------------------------------------------------------------------------------------------------------
    // Auctions
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    function startAuction(address account) external nonReentrant returns (uint256 reward) {
        // Checked before the valuation: a flag that lost a race is told so, whatever the account's state.
        if (_auctionStart[account] != 0) revert Liquidation_AlreadyInAuction(account);
        Context memory c = _compute(account);
        LiquidationStatus memory s = c.status;
        _requireHealthyPrices(account, c, false);
        if (s.equityWad >= SafeCast.toInt256(s.maintenanceWad)) {
            revert Liquidation_AccountHealthy(account, s.equityWad, s.maintenanceWad);
        }
        _auctionStart[account] = block.timestamp;

        // min(flagReward × MM, cap) in quote units rounded down, as far as the account's quote balance goes.
        AuctionParams memory p = _params;
        uint256 rewardWad = Math.min(Math.mulDiv(p.flagRewardWad, s.maintenanceWad, WAD), p.maxFlagRewardWad);
        reward = Math.min(rewardWad / QUOTE_TO_WAD, vault.balanceOf(account, quoteAsset));
        if (reward != 0) vault.clearingTransfer(account, msg.sender, quoteAsset, reward);
        emit AuctionStarted(account, msg.sender, s.insolvent, reward);
    }

    /// @inheritdoc ILiquidationEngine
    function bid(
        address account,
        address bidderAccount,
        uint256 fractionWad,
        int256 paymentLimit
    ) external nonReentrant returns (int256 payment) {
        if (bidderAccount == account) revert Liquidation_SelfBid(account);
        if (!vault.isAuthorized(bidderAccount, msg.sender)) {
            revert Liquidation_Unauthorized(bidderAccount, msg.sender);
        }
        Context memory c = _compute(account);
        LiquidationStatus memory s = c.status;
        if (!s.inAuction) revert Liquidation_NotInAuction(account);
        _requireHealthyPrices(account, c, s.insolvent);
        if (s.equityWad >= SafeCast.toInt256(s.maintenanceWad)) {
            revert Liquidation_AccountHealthy(account, s.equityWad, s.maintenanceWad);
        }
        // A bid takes up to `fractionWad`: clamped to the maximum of the moment, so a keeper acting on the view a
        // block earlier is never refused for drift.
        if (fractionWad > s.maxFractionWad) fractionWad = s.maxFractionWad;
        if (fractionWad == 0 || (c.allOrNothing && fractionWad != WAD)) {
            revert Liquidation_InvalidFraction(fractionWad, s.maxFractionWad);
        }

        uint256 socialised;
        if (s.insolvent) {
            uint256 fundPays = s.fundPaymentWad / QUOTE_TO_WAD;
            payment = -SafeCast.toInt256(fundPays);
            if (payment > paymentLimit) revert Liquidation_PriceLimitExceeded(payment, paymentLimit);
            _take(account, bidderAccount, c, WAD, 0, true);
            socialised = _payFromFund(bidderAccount, fundPays);
        } else {
            payment = _solventBid(account, bidderAccount, c, fractionWad, paymentLimit);
        }
        // Positions on an unhealthy underlying stay with the account: it is not empty, and no fund pays its debt.
        bool emptied = fractionWad == WAD && c.unhealthyUnderlying == 0;
        socialised += _resolveDebts(account, bidderAccount, emptied, s.insolvent);
        margin.checkInitialMargin(bidderAccount);
        emit AuctionBid(account, bidderAccount, fractionWad, payment, s.discountWad, socialised);

        if (emptied) {
            // Debt the fund and one socialisation event could not resolve keeps the auction open (see `endAuction`).
            if (!_hasDebt(account)) _end(account, true);
        } else {
            _endIfAtMaintenance(account, c);
        }
    }

    /// @dev After a partial bid. Measured, not predicted: the auction ends only if the account really is at
    /// maintenance now, with the margin engine's rounding (against the account) and the rounding of every slice
    /// taken (`c`: the calculation before the bid, its sizes updated by `_take`); positions left on an unhealthy
    /// underlying valued as before the bid, conservatively.
    function _endIfAtMaintenance(address account, Context memory c) internal {
        // Without frozen positions, `c.sizes` is what the account holds now (`_take`), none of it zero (a partial bid
        // takes less than every position): valued without reading the book again. With them, read and partitioned
        // again.
        Context memory held = c;
        if (c.unhealthyUnderlying != 0) {
            Context memory read;
            (read.seriesIds, read.sizes) = book.positionsOf(account);
            _partition(read);
            held = read;
        }
        (IMarginEngine.AccountMargin memory m, , bool valued) = _valuation(
            held,
            vault.collateralValue(account),
            _debtWad(account)
        );
        // Prices do not change within the call, so what was valued before the bid is valued now; never end on a
        // valuation the engine could not make.
        if (valued && m.equityWad >= SafeCast.toInt256(m.maintenanceWad)) _end(account, false);
    }

    /// @inheritdoc ILiquidationEngine
    function endAuction(address account) external nonReentrant {
        Context memory c = _compute(account);
        LiquidationStatus memory s = c.status;
        if (!s.inAuction) revert Liquidation_NotInAuction(account);
        // Empty: no positions and nothing of value a bidder could take (settlement may have closed every position).
        bool empty = c.seriesIds.length == 0 && c.grossWad <= 0;
        // No auction state changes on a price that is not Ok: paying an empty account's debt is a fund decision.
        bool fundPays = empty && _hasDebt(account);
        _requireHealthyPrices(account, c, fundPays);
        if (fundPays) {
            _seizeUnhealthyCollateral(account);
            _resolveDebts(account, address(0), true, false);
            if (_hasDebt(account)) return;
        } else if (!empty && s.equityWad < SafeCast.toInt256(s.maintenanceWad)) {
            revert Liquidation_StillUnderwater(account, s.equityWad, s.maintenanceWad);
        }
        _end(account, empty);
    }

    /// @inheritdoc ILiquidationEngine
    function resolveLossClaim(address creditor) external nonReentrant returns (uint256 resolved) {
        uint256 claim = lossClaimOf[creditor];
        if (claim == 0) revert Liquidation_NoLossClaim(creditor);
        uint256 socialised;
        (resolved, socialised) = _coverFromFund(creditor, claim);
        lossClaimOf[creditor] = claim - resolved;
        totalLossClaims -= resolved;
        emit LossClaimResolved(creditor, resolved, socialised);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    function setAuctionParams(AuctionParams calldata params) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setAuctionParams(params);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationEngine
    /// @dev Reverts with the margin engine's `Margin_PriceUnavailable` when a position cannot be marked at all.
    function liquidationStatus(address account) external view returns (LiquidationStatus memory) {
        return _compute(account).status;
    }

    /// @inheritdoc ILiquidationEngine
    function auctionParams() external view returns (AuctionParams memory) {
        return _params;
    }

    /// @inheritdoc ILiquidationEngine
    function auctionStart(address account) external view returns (uint256) {
        return _auctionStart[account];
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------------------

    /// @dev The one calculation (see the contract's notes). The fraction and the fund payment are those of a bid
    /// now: zero unless an auction runs on an account below maintenance whose prices allow it.
    function _compute(address account) internal view returns (Context memory c) {
        (c.seriesIds, c.sizes) = book.positionsOf(account);
        _partition(c);
        IVault.MarketValue memory v = vault.collateralMarketValue(account);
        int256 debtWad = _debtWad(account);
        // The vault's haircut value of the collateral is the sum of its two haircut parts (`IVault`).
        (IMarginEngine.AccountMargin memory m, IMarginEngine.AccountMargin memory frozen, bool valued) = _valuation(
            c,
            v.okHaircutWad + v.unhealthyHaircutWad,
            debtWad
        );
        LiquidationStatus memory s = c.status;
        s.equityWad = m.equityWad;
        s.maintenanceWad = m.maintenanceWad;

        // Haircuts are a margin buffer, not a transfer price: a bidder takes the positions on healthy underlyings
        // and the collateral whose price is Ok at market value; the rest is left out (unhealthy collateral valued
        // at 0, positions on unhealthy underlyings at their conservative value, against the account).
        int256 marksWad = m.equityWad +
            debtWad -
            SafeCast.toInt256(v.okHaircutWad + v.unhealthyHaircutWad) -
            frozen.equityWad;
        c.grossWad = marksWad + SafeCast.toInt256(v.okWad);
        s.grossValueWad = c.grossWad > 0 ? uint256(c.grossWad) : 0;
        s.insolvent = c.grossWad + frozen.equityWad < debtWad;
        // What the engine may not price makes the auction wait only when it contributes more than the dust share
        // of the account's size (collateral at market, frozen |marks|, maintenance and settlement debt): unhealthy
        // collateral at its reported value, frozen positions at |marks| + MM.
        uint256 frozenMarksWad = SafeCast.toUint256(frozen.equityWad < 0 ? -frozen.equityWad : frozen.equityWad);
        s.pricesOk =
            valued &&
            (v.unhealthyWad + frozenMarksWad + frozen.maintenanceWad) * WAD <=
                UNHEALTHY_COLLATERAL_SHARE_WAD *
                    (v.okWad + v.unhealthyWad + frozenMarksWad + m.maintenanceWad + uint256(debtWad));
        c.downHeld = v.downHeld;
        c.frozenMaintenanceWad = frozen.maintenanceWad;
        s.fundPricesOk = s.pricesOk && !v.downHeld && c.unhealthyUnderlying == 0;

        uint256 start = _auctionStart[account];
        s.inAuction = start != 0;
        bool underwater = m.equityWad < SafeCast.toInt256(m.maintenanceWad);
        s.canStart = !s.inAuction && underwater && s.pricesOk;
        _auctionTerms(c, start, debtWad, marksWad + SafeCast.toInt256(v.okHaircutWad), underwater && s.pricesOk);
    }

    /// @dev The account's margin as the engine values it (`margin.marginOf`, from the positions `c` already read,
    /// its collateral's haircut value `collateralWad` and its debt, while every underlying it holds is healthy),
    /// and the part of it of the positions on unhealthy underlyings (`c.frozen`). With such positions:
    /// collateral at haircut value − debt + the other positions on the `marginOf` valuation + the frozen ones on the
    /// `exitMarginOf` valuation (each at the end of its outage range that goes against the account), margin being
    /// additive across underlyings. Zeros and `valued` false when the margin engine cannot value them (the status
    /// then says why nothing can happen).
    function _valuation(
        Context memory c,
        uint256 collateralWad,
        int256 debtWad
    )
        internal
        view
        returns (IMarginEngine.AccountMargin memory m, IMarginEngine.AccountMargin memory frozen, bool valued)
    {
        if (c.unhealthyUnderlying == 0) {
            // `marginOf` on the positions already read: the same sum, without reading the book again.
            m = margin.positionsMarginOf(c.seriesIds, c.sizes, false);
            m.equityWad += SafeCast.toInt256(collateralWad) - debtWad;
            return (m, frozen, true);
        }
        IMarginEngine.AccountMargin memory live;
        (frozen, live, valued) = _splitMargins(c);
        if (!valued) return (m, IMarginEngine.AccountMargin(0, 0, 0), false);
        m.equityWad = SafeCast.toInt256(collateralWad) - debtWad + live.equityWad + frozen.equityWad;
        m.initialWad = live.initialWad + frozen.initialWad;
        m.maintenanceWad = live.maintenanceWad + frozen.maintenanceWad;
        valued = true;
    }

    /// @dev The discount of the moment and, in a running auction on an account under water with healthy prices
    /// (`biddable`), the fund payment or the largest fraction. `start`: the auction's start (0: none running);
    /// `haircutGrossWad`: the haircut value of what a bidder takes.
    function _auctionTerms(
        Context memory c,
        uint256 start,
        int256 debtWad,
        int256 haircutGrossWad,
        bool biddable
    ) internal view {
        LiquidationStatus memory s = c.status;
        AuctionParams memory p = _params;
        // Age 0 on a clock behind the start (never on chain; a node's lagging simulation clock), not a Panic(0x11).
        uint256 elapsed = s.inAuction && block.timestamp > start ? block.timestamp - start : 0;
        s.discountWad = LiquidationMath.discountDown(
            p.startDiscountWad,
            p.maxDiscountWad,
            elapsed,
            s.insolvent ? p.insolventRampSeconds : p.discountRampSeconds
        );
        if (!s.inAuction || !biddable) return;
        if (s.insolvent) {
            // A fund decision waits while any price the account depends on is not Ok.
            if (!s.fundPricesOk) return;
            s.maxFractionWad = WAD;
            c.allOrNothing = true;
            // The bidder takes over the deficit at market and is paid it plus the discount on the account's size
            // (its market value, or its maintenance margin when larger: the capital a bidder must post for it).
            s.fundPaymentWad = LiquidationMath.fundPaymentDown(
                uint256(debtWad - c.grossWad),
                Math.max(s.grossValueWad, s.maintenanceWad),
                s.discountWad
            );
        } else {
            // L = haircut value of what is taken − what the bidder pays for it, rounded up (against the account).
            c.lostWad = haircutGrossWad - SafeCast.toInt256(Math.mulDiv(s.grossValueWad, WAD - s.discountWad, WAD));
            // Frozen positions are not taken: their maintenance stays. With BMf = BM − BM(taken part), the fraction
            // for the taken part against equity E − BMf is (BM − E) / (BM(taken) − L), the buffer of the whole
            // account; and E − BMf < L (which implies L > E × MM(taken) / MM, a partial bid lowering E / MM) takes
            // everything. Without frozen positions BMf = 0: the plain rule.
            int256 frozenBufferWad = SafeCast.toInt256(
                Math.mulDiv(s.maintenanceWad, WAD + p.bufferWad, WAD) -
                    Math.mulDiv(s.maintenanceWad - c.frozenMaintenanceWad, WAD + p.bufferWad, WAD)
            );
            (s.maxFractionWad, c.allOrNothing) = LiquidationMath.solventMaxFractionDown(
                s.equityWad - frozenBufferWad,
                s.maintenanceWad - c.frozenMaintenanceWad,
                s.grossValueWad,
                c.lostWad,
                p.bufferWad,
                p.smallAccountWad
            );
        }
    }

    /// @dev Reverts unless the prices the operation depends on allow it: what the engine may not price is within
    /// the dust share (`pricesOk`), and for a fund decision (`fundDecision`) every price the account depends on is
    /// Ok. Names an unhealthy underlying the account holds positions on first, else the collateral.
    function _requireHealthyPrices(address account, Context memory c, bool fundDecision) internal view {
        LiquidationStatus memory s = c.status;
        if (s.pricesOk && (!fundDecision || s.fundPricesOk)) return;
        if (c.unhealthyUnderlying != 0) revert Liquidation_PricesUnhealthy(c.unhealthyUnderlying);
        revert Liquidation_CollateralPriceUnhealthy(_unhealthyCollateral(account, !s.pricesOk));
    }

    /// @dev The first non-quote collateral `account` holds whose price is not Ok (`anyUnhealthy`) or is Down.
    function _unhealthyCollateral(address account, bool anyUnhealthy) internal view returns (address) {
        address[] memory tokens = vault.collaterals();
        for (uint256 i = 1; i < tokens.length; ++i) {
            Health health = _collateralHealth(account, tokens[i]);
            if (health == Health.Down || (anyUnhealthy && health == Health.Degraded)) return tokens[i];
        }
        return address(0);
    }

    /// @dev The health of `token`'s price when `account` holds some of it (a router that reverts reads Down), else
    /// Ok (nothing held depends on it).
    function _collateralHealth(address account, address token) internal view returns (Health) {
        if (token == quoteAsset || vault.balanceOf(account, token) == 0) return Health.Ok;
        try vault.collateralConfig(token).router.spot() returns (uint256, Health health) {
            return health;
        } catch {
            return Health.Down;
        }
    }

    /// @dev Moves every unhealthy-price collateral of `account` to the insurance fund, which pays (or has paid) the
    /// account's deficit without counting it: the owner cannot keep what the fund paid for.
    function _seizeUnhealthyCollateral(address account) internal {
        address[] memory tokens = vault.collaterals();
        for (uint256 i = 1; i < tokens.length; ++i) {
            address token = tokens[i];
            if (_collateralHealth(account, token) == Health.Ok) continue;
            vault.clearingTransfer(account, address(fund), token, vault.balanceOf(account, token));
        }
    }

    function _hasDebt(address account) internal view returns (bool) {
        return address(settlement) != address(0) && settlement.debtOf(account) != 0;
    }

    /// @dev The margin of the frozen positions (`exitMarginOf` valuation) and of the others (`marginOf` valuation),
    /// positions only; `valued` false when the margin engine cannot value either.
    function _splitMargins(
        Context memory c
    )
        internal
        view
        returns (IMarginEngine.AccountMargin memory frozen, IMarginEngine.AccountMargin memory live, bool valued)
    {
        uint256 n = c.seriesIds.length;
        uint256 frozenCount;
        for (uint256 i; i < n; ++i) if (c.frozen[i]) ++frozenCount;
        uint256[] memory frozenIds = new uint256[](frozenCount);
        int256[] memory frozenSizes = new int256[](frozenCount);
        uint256[] memory liveIds = new uint256[](n - frozenCount);
        int256[] memory liveSizes = new int256[](n - frozenCount);
        (uint256 f, uint256 k) = (0, 0);
        for (uint256 i; i < n; ++i) {
            if (c.frozen[i]) (frozenIds[f], frozenSizes[f++]) = (c.seriesIds[i], c.sizes[i]);
            else (liveIds[k], liveSizes[k++]) = (c.seriesIds[i], c.sizes[i]);
        }
        try margin.positionsMarginOf(frozenIds, frozenSizes, true) returns (IMarginEngine.AccountMargin memory read) {
            frozen = read;
        } catch {
            return (frozen, live, false);
        }
        try margin.positionsMarginOf(liveIds, liveSizes, false) returns (IMarginEngine.AccountMargin memory read) {
            live = read;
        } catch {
            return (frozen, live, false);
        }
        valued = true;
    }

    /// @dev The account's settlement debt in WAD (0 without settlement).
    function _debtWad(address account) internal view returns (int256) {
        return SafeCast.toInt256(address(settlement) == address(0) ? 0 : settlement.debtOf(account) * QUOTE_TO_WAD);
    }

    /// @dev Marks the positions on an underlying whose price the engine may not act on (`c.frozen`): the risk
    /// controller forbids liquidations on it (which includes its router's spot not being Ok). `c.unhealthyUnderlying`
    /// is the first such underlying (0: none; underlying ids start at 1). Each underlying is read once.
    function _partition(Context memory c) internal view {
        uint256 n = c.seriesIds.length;
        c.frozen = new bool[](n);
        if (n == 0) return;
        SeriesTerms[] memory terms = registry.seriesTerms(c.seriesIds);
        uint256[] memory seen = new uint256[](n);
        bool[] memory seenUnhealthy = new bool[](n);
        uint256 seenCount;
        for (uint256 i; i < n; ++i) {
            uint256 id = terms[i].underlyingId();
            uint256 j;
            while (j < seenCount && seen[j] != id) ++j;
            if (j == seenCount) {
                seen[seenCount++] = id;
                seenUnhealthy[j] = !_liquidationAllowed(id);
                if (seenUnhealthy[j] && c.unhealthyUnderlying == 0) c.unhealthyUnderlying = id;
            }
            c.frozen[i] = seenUnhealthy[j];
        }
    }

    /// @dev The risk controller's rule, which already includes an Ok router spot (so the router is read once per
    /// underlying).
    function _liquidationAllowed(uint256 underlyingId) internal view returns (bool) {
        return riskController.allowsLiquidation(underlyingId);
    }

    /// @dev Moves `fractionWad` of every position and of every collateral balance whose price is Ok from `account`
    /// to `bidder` (rounded down: the account keeps the rounding), netting the quote collateral taken against
    /// `bidderPays` (bidder → account). Collateral whose price is not Ok is not priced, so not sold: it stays with the
    /// account, or goes to the insurance fund in a takeover the fund pays for (`takeover`). Leaves in `c.sizes` what
    /// the account keeps of each position.
    function _take(
        address account,
        address bidder,
        Context memory c,
        uint256 fractionWad,
        uint256 bidderPays,
        bool takeover
    ) internal {
        uint256 n = c.seriesIds.length;
        // The slice of every position the bidder takes over, signed as the position, moved in one book call.
        uint256[] memory ids = new uint256[](n);
        int256[] memory amounts = new int256[](n);
        uint256 taking;
        for (uint256 i; i < n; ++i) {
            // A position on an unhealthy underlying is not priced, so not sold: it stays with the account.
            if (c.frozen[i]) continue;
            int256 size = c.sizes[i];
            // Positions are int128, so the negation is exact.
            uint256 amount = LiquidationMath.takenDown(uint256(size > 0 ? size : -size), fractionWad);
            if (amount == 0) continue;
            ids[taking] = c.seriesIds[i];
            // amount <= |size| < 2**127, so the cast and the negation are exact.
            amounts[taking] = size > 0 ? int256(amount) : -int256(amount);
            // What the account keeps: |size| − amount, signed as the position.
            c.sizes[i] = size - amounts[taking];
            // unchecked: taking <= i < n.
            unchecked {
                ++taking;
            }
        }
        if (taking != 0) {
            // Trim both arrays to the entries filled.
            MemoryArrays.trim(ids, taking);
            MemoryArrays.trim(amounts, taking);
            book.transferPositions(account, bidder, ids, amounts);
        }
        if (takeover) _seizeUnhealthyCollateral(account);
        _takeCollateral(account, bidder, fractionWad, bidderPays);
    }

    /// @dev The collateral part of `_take`.
    function _takeCollateral(address account, address bidder, uint256 fractionWad, uint256 bidderPays) internal {
        address[] memory tokens = vault.collaterals();
        for (uint256 i; i < tokens.length; ++i) {
            address token = tokens[i];
            if (_collateralHealth(account, token) != Health.Ok) continue;
            uint256 taken = LiquidationMath.takenDown(vault.balanceOf(account, token), fractionWad);
            if (token == quoteAsset) {
                if (bidderPays > taken) vault.clearingTransfer(bidder, account, token, bidderPays - taken);
                else if (taken > bidderPays) vault.clearingTransfer(account, bidder, token, taken - bidderPays);
            } else if (taken != 0) {
                vault.clearingTransfer(account, bidder, token, taken);
            }
        }
    }

    /// @dev The fund pays `to` up to `amount`, the vault socialises up to one capped event of the rest
    /// (`IVault.MAX_SOCIALISED_LOSS_WAD` of its quote total, so it never reverts with `Vault_LossTooLarge`).
    /// Returns what was covered and the socialised part of it.
    function _coverFromFund(address to, uint256 amount) internal returns (uint256 covered, uint256 socialised) {
        if (amount == 0) return (0, 0);
        covered = fund.pay(to, amount);
        uint256 rest = amount - covered;
        if (rest == 0) return (covered, 0);
        // The vault's own bound, computed as the vault computes it.
        uint256 cap = Math.mulDiv(vault.totalBalance(quoteAsset), vault.MAX_SOCIALISED_LOSS_WAD(), WAD);
        socialised = Math.min(rest, cap);
        if (socialised != 0) vault.socializeLoss(to, socialised);
        covered += socialised;
    }

    /// @dev Pays `to` `amount` from the fund and socialisation (see `_coverFromFund`); what neither covers now
    /// becomes `to`'s loss claim, resolved step by step by `resolveLossClaim`. Returns what is not paid by the fund.
    function _payFromFund(address to, uint256 amount) internal returns (uint256 notFromFund) {
        (uint256 covered, uint256 socialised) = _coverFromFund(to, amount);
        uint256 deferred = amount - covered;
        if (deferred != 0) {
            lossClaimOf[to] += deferred;
            totalLossClaims += deferred;
            emit LossClaimRecorded(to, deferred);
        }
        return socialised + deferred;
    }

    /// @dev Resolves `account`'s settlement debts (see the contract's notes): from its own quote balance first; when
    /// `emptied`, the rest from the bidder (`insolvent`) or from the fund, then socialised. Returns the socialised
    /// part.
    function _resolveDebts(
        address account,
        address bidder,
        bool emptied,
        bool insolvent
    ) internal returns (uint256 socialised) {
        if (address(settlement) == address(0) || settlement.debtOf(account) == 0) return 0;
        uint256[] memory ids = settlement.debtSeriesOf(account);
        uint256 cash = vault.balanceOf(account, quoteAsset);
        for (uint256 i; i < ids.length; ++i) {
            uint256 debt = settlement.debtOn(account, ids[i]);
            uint256 own = Math.min(debt, cash);
            if (own != 0) {
                settlement.resolveDebt(account, ids[i], account, own);
                // unchecked: own <= debt and own <= cash.
                unchecked {
                    cash -= own;
                    debt -= own;
                }
            }
            if (debt == 0 || !emptied) continue;
            if (insolvent) {
                settlement.resolveDebt(account, ids[i], bidder, debt);
            } else {
                // The fund's payment and the socialised part land in settlement's own vault account; what one capped
                // event cannot cover stays as the account's debt for the next step (`endAuction`).
                (uint256 covered, uint256 spread) = _coverFromFund(address(settlement), debt);
                socialised += spread;
                if (covered != 0) settlement.resolveDebt(account, ids[i], address(settlement), covered);
            }
        }
    }

    function _end(address account, bool emptied) internal {
        delete _auctionStart[account];
        emit AuctionEnded(account, emptied);
    }

    /// @dev A solvent bid: the account receives f × G × (1 − d) (rounded up), the fund its share of the discount
    /// f × G × d × fundShare (rounded down), both paid by the bidder, G the market value of what is taken; returns
    /// the bidder's whole outlay.
    function _solventBid(
        address account,
        address bidderAccount,
        Context memory c,
        uint256 fractionWad,
        int256 paymentLimit
    ) internal returns (int256 payment) {
        LiquidationStatus memory s = c.status;
        uint256 bidderPays = Math.ceilDiv(
            LiquidationMath.bidPaymentUp(s.grossValueWad, fractionWad, s.discountWad),
            QUOTE_TO_WAD
        );
        uint256 fundCut = Math.mulDiv(
            Math.mulDiv(s.grossValueWad, fractionWad, WAD),
            uint256(s.discountWad) * _params.fundShareWad,
            WAD * WAD * QUOTE_TO_WAD
        );
        payment = SafeCast.toInt256(bidderPays + fundCut);
        if (payment > paymentLimit) revert Liquidation_PriceLimitExceeded(payment, paymentLimit);
        _take(account, bidderAccount, c, fractionWad, bidderPays, false);
        if (fundCut != 0) vault.clearingTransfer(bidderAccount, address(fund), quoteAsset, fundCut);
    }

    function _setAuctionParams(AuctionParams memory p) internal {
        if (
            p.startDiscountWad > p.maxDiscountWad ||
            p.maxDiscountWad > MAX_DISCOUNT_WAD ||
            p.discountRampSeconds == 0 ||
            p.insolventRampSeconds == 0 ||
            p.bufferWad > MAX_BUFFER_WAD ||
            p.flagRewardWad > MAX_FLAG_REWARD_WAD ||
            p.fundShareWad > MAX_FUND_SHARE_WAD
        ) revert Liquidation_InvalidParams();
        _params = p;
        emit AuctionParamsSet(p);
    }
}
