// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IMarginEngine} from "../interfaces/IMarginEngine.sol";
import {IMarginHook} from "../interfaces/IMarginHook.sol";
import {Health, IOracleRouter} from "../interfaces/IOracleRouter.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {IRiskController} from "../interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IVault} from "../interfaces/IVault.sol";
import {BlackScholes} from "../libraries/BlackScholes.sol";
import {WAD} from "../libraries/Constants.sol";
import {SeriesTerms, SeriesTermsLib} from "../libraries/SeriesTerms.sol";
import {StandardMarginLib} from "./StandardMarginLib.sol";

/// @title MarginEngine
/// @notice Standard margin over the position book, the vault and the oracle routers of the series registry.
/// Governance (the timelock) holds `DEFAULT_ADMIN_ROLE` and sets the per-underlying ratios.
/// @dev One pass per account: positions are sorted by their packed series terms (`SeriesTerms`: underlying, expiry,
/// strike, put before call), so each underlying's prices are read once, each expiry group is a contiguous run whose
/// legs are already in the strike order that `StandardMarginLib.maxLoss` needs, and a call and a put of one strike
/// share one Black–Scholes evaluation. Expired series stay margined like any other until settlement closes them,
/// marked at intrinsic value against the expiry price (spot while it is unset), and their group's ratios apply to
/// that price.
/// The ratios are scaled by the risk controller's shock multiplier once per underlying and pass (`_loadUnderlying`),
/// so every requirement of `marginOf` — and of the checks and the liquidation engine that call it — includes it.
contract MarginEngine is IMarginEngine, AccessControl {
    /// @dev The largest volatility Black–Scholes accepts (its domain is [0, 2^64) WAD).
    uint256 internal constant MAX_VOL_E18 = type(uint64).max;

    /// @inheritdoc IMarginEngine
    IVault public immutable vault;
    /// @inheritdoc IMarginEngine
    IPositionBook public immutable book;
    /// @inheritdoc IMarginEngine
    ISeriesRegistry public immutable registry;
    /// @inheritdoc IMarginEngine
    ISettlement public immutable settlement;
    /// @inheritdoc IMarginEngine
    IRiskController public immutable riskController;
    /// @dev 10^(18 − quote decimals): WAD per quote token unit (`_quoteToWad`).
    uint256 internal immutable WAD_PER_QUOTE_UNIT;

    mapping(uint256 underlyingId => MarginParams) internal _params;

    /// @dev What one underlying contributes to a pass, read from the registry and the router at most once. `exit`:
    /// the pass values positions for the owner's own exits (`IMarginEngine.exitMarginOf`), so a price that is out
    /// (Down) is replaced by its outage range (`IOracleRouter.spotBounds`, `volatilityBounds`) instead of reverting.
    /// Outside an outage, and always in a strict pass, low == high (== spotE18 / volE18).
    struct Underlying {
        uint256 id;
        IOracleRouter router;
        uint256 initialRatioWad;
        uint256 minInitialRatioWad;
        uint256 maintenanceRatioWad;
        uint256 spotE18;
        uint256 volE18;
        bool spotLoaded;
        bool volLoaded;
        bool exit;
        uint256 spotLowE18;
        uint256 spotHighE18;
        uint256 volLowE18;
        uint256 volHighE18;
    }

    /// @dev One expiry group: its pricing inputs, the fractions of its price the ratios give, its running sums, and
    /// the last Black–Scholes evaluation (`pricedStrikeE18`, the strike it priced; none while it is
    /// `type(uint256).max`, above every strike): a put sorts right before the call of its strike, and the one
    /// evaluation prices both.
    struct Group {
        uint256 priceE18;
        uint256 volE18;
        uint256 secondsToExpiry;
        bool expired;
        bool widened;
        uint256 aSpotE18;
        uint256 bSpotE18;
        uint256 cSpotE18;
        uint256 longE36;
        uint256 shortE36;
        uint256 nakedInitialE36;
        uint256 nakedMaintenanceE36;
        uint256 pricedStrikeE18;
        uint256 callE18;
        uint256 putE18;
        uint256 errorE18;
        uint256 priceLowE18;
        uint256 priceHighE18;
        uint256 volLowE18;
        uint256 volHighE18;
    }

    /// @param admin Governance (the timelock).
    /// @param vault_ The vault; its quote asset's decimals are read once here.
    /// @param book_ The position book.
    /// @param registry_ The series registry.
    /// @param settlement_ Settlement, whose debts count against equity.
    /// @param riskController_ The risk controller, whose shock multiplier scales the ratios.
    constructor(
        address admin,
        IVault vault_,
        IPositionBook book_,
        ISeriesRegistry registry_,
        ISettlement settlement_,
        IRiskController riskController_
    ) {
        if (
            admin == address(0) ||
            address(vault_) == address(0) ||
            address(book_) == address(0) ||
            address(registry_) == address(0) ||
            address(settlement_) == address(0) ||
            address(riskController_) == address(0)
        ) revert Margin_ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        vault = vault_;
        book = book_;
        registry = registry_;
        settlement = settlement_;
        riskController = riskController_;
        // The vault caps decimals at 18.
        WAD_PER_QUOTE_UNIT = 10 ** (18 - vault_.collateralConfig(vault_.quoteAsset()).decimals);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IMarginEngine
    function setMarginParams(uint256 underlyingId, MarginParams calldata params) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 a = params.initialRatioWad;
        uint256 b = params.minInitialRatioWad;
        uint256 c = params.maintenanceRatioWad;
        if (c == 0 || c > b || b > a || a > WAD) revert Margin_InvalidParams(underlyingId);
        _params[underlyingId] = params;
        emit MarginParamsSet(underlyingId, a, b, c);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Checks
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IMarginEngine
    function checkInitialMargin(address account) external view {
        Underlying memory u;
        _check(TradeCheck(account, false, 0), u, false);
    }

    /// @inheritdoc IMarginEngine
    function checkTradeMargin(TradeCheck calldata first, TradeCheck calldata second) external view {
        Underlying memory u;
        u = _check(first, u, false);
        _check(second, u, false);
    }

    /// @inheritdoc IMarginHook
    /// @dev Refused outright while the account owes settlement debt (the collateral backing it stays for
    /// `ISettlement.collectDebt`). Otherwise the check of `checkInitialMargin` on the state the vault has already
    /// debited, except that a price that is out is replaced by its outage range (`exitMarginOf`): taking collateral
    /// out is an exit, allowed whenever the account still holds initial margin valued against itself.
    function checkWithdrawal(address account) external view {
        uint256 debtWad = _debtWad(account);
        if (debtWad != 0) revert Margin_SettlementDebtOutstanding(account, debtWad);
        Underlying memory u;
        _check(TradeCheck(account, false, 0), u, true);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IMarginEngine
    function marginOf(address account) external view returns (AccountMargin memory margin) {
        Underlying memory u;
        (margin, ) = _marginOf(account, u, false);
    }

    /// @inheritdoc IMarginEngine
    function marginsOf(address[] calldata accounts) external view returns (AccountMargin[] memory margins) {
        return _marginsOf(accounts, false);
    }

    /// @inheritdoc IMarginEngine
    function exitMarginOf(address account) external view returns (AccountMargin memory margin) {
        Underlying memory u;
        (margin, ) = _marginOf(account, u, true);
    }

    /// @inheritdoc IMarginEngine
    function exitMarginsOf(address[] calldata accounts) external view returns (AccountMargin[] memory margins) {
        return _marginsOf(accounts, true);
    }

    /// @inheritdoc IMarginEngine
    function positionsMarginOf(
        uint256[] calldata seriesIds,
        int256[] calldata sizes,
        bool exit
    ) external view returns (AccountMargin memory margin) {
        if (sizes.length != seriesIds.length) revert Margin_LengthMismatch(seriesIds.length, sizes.length);
        Underlying memory u;
        (margin, , ) = _margin(0, seriesIds, sizes, u, exit);
    }

    /// @inheritdoc IMarginEngine
    /// @dev The model value itself, unrounded; `marginOf` moves it by `BlackScholes.priceErrorBound` against the
    /// holder.
    function markOf(uint256 seriesId) external view returns (uint256 markE18) {
        ISeriesRegistry.Series memory series = registry.getSeries(seriesId);
        Underlying memory u;
        u.id = series.underlyingId;
        u.router = registry.routerOf(u.id);
        Group memory g = _groupPricing(u, series.expiry);
        (markE18, ) = _model(g, series.strikeE18, series.isCall);
    }

    /// @inheritdoc IMarginEngine
    function marginParams(uint256 underlyingId) external view returns (MarginParams memory) {
        return _params[underlyingId];
    }

    // ------------------------------------------------------------------------------------------------------------
    // The calculation
    // ------------------------------------------------------------------------------------------------------------

    /// @dev One account's check (see `checkTradeMargin`); `u` is the underlying last loaded in this call, reused
    /// when the account's first underlying is the same, and the one loaded last is returned. Always an exit pass
    /// (outage ranges for prices that are out, see `Underlying`): a reducing side, and a withdrawal (`isWithdrawal`),
    /// may use them; a side that adds risk on a price that is out is refused with `Margin_PriceUnavailable`.
    function _check(
        TradeCheck memory c,
        Underlying memory u,
        bool isWithdrawal
    ) internal view returns (Underlying memory) {
        address account = c.account;
        (uint256[] memory seriesIds, int256[] memory sizes) = _positionsOf(account);
        uint256 debtWad = _debtWad(account);
        // Nothing held and nothing owed: equity is collateral >= 0 = every requirement. No oracle is read.
        if (seriesIds.length == 0 && debtWad == 0) return u;
        AccountMargin memory m;
        uint256 outageId;
        (m, u, outageId) = _margin(_equityBeforePositions(account, debtWad, true), seriesIds, sizes, u, true);
        if (!c.reduces) {
            if (outageId != 0 && !isWithdrawal) revert Margin_PriceUnavailable(outageId);
            if (m.equityWad < SafeCast.toInt256(m.initialWad)) {
                revert Margin_InsufficientInitialMargin(account, m.equityWad, m.initialWad);
            }
            return u;
        }
        int256 maintenance = SafeCast.toInt256(m.maintenanceWad);
        if (m.equityWad < maintenance && m.equityWad - maintenance < c.surplusBefore) {
            revert Margin_InsufficientMaintenanceMargin(account, m.equityWad, m.maintenanceWad);
        }
        return u;
    }

    function _marginOf(
        address account,
        Underlying memory u,
        bool exit
    ) internal view returns (AccountMargin memory margin, Underlying memory) {
        (uint256[] memory seriesIds, int256[] memory sizes) = _positionsOf(account);
        (margin, u, ) = _margin(_equityBeforePositions(account, _debtWad(account), exit), seriesIds, sizes, u, exit);
        return (margin, u);
    }

    function _marginsOf(address[] calldata accounts, bool exit) internal view returns (AccountMargin[] memory margins) {
        uint256 n = accounts.length;
        margins = new AccountMargin[](n);
        Underlying memory u;
        for (uint256 i; i < n; ++i) (margins[i], u) = _marginOf(accounts[i], u, exit);
    }

    /// @dev equity = `equityBeforeWad` (collateral − debt) + Σ marks; per expiry group, requirements as in
    /// `StandardMarginLib`. `u` is an underlying already loaded in this call (or empty), reused while its id
    /// matches; the last one is returned. Prices do not change within a call, so sharing them between accounts
    /// changes no result. `exit` selects the valuation (see `Underlying`); `outageId` is an underlying valued on its
    /// outage range (0 when none was).
    function _margin(
        int256 equityBeforeWad,
        uint256[] memory seriesIds,
        int256[] memory sizes,
        Underlying memory u,
        bool exit
    ) internal view returns (AccountMargin memory margin, Underlying memory, uint256 outageId) {
        margin.equityWad = equityBeforeWad;
        uint256 n = seriesIds.length;
        if (n == 0) return (margin, u, 0);
        SeriesTerms[] memory terms = _sortedTerms(seriesIds);
        uint256 start;
        while (start < n) {
            uint256 underlyingId = terms[start].underlyingId();
            if (underlyingId != u.id) u = _loadUnderlying(underlyingId, exit);
            bool widened;
            (start, widened) = _addGroup(margin, u, terms, sizes, start);
            if (widened) outageId = underlyingId;
        }
        return (margin, u, outageId);
    }

    /// @dev Collateral value minus settlement debt: equity before the positions' marks. An exit pass values a
    /// collateral whose price is out at the low end of its outage range (`IVault.exitCollateralValue`), a strict
    /// pass at zero.
    function _equityBeforePositions(address account, uint256 debtWad, bool exit) internal view returns (int256) {
        uint256 collateralWad = exit ? vault.exitCollateralValue(account) : vault.collateralValue(account);
        return SafeCast.toInt256(collateralWad) - SafeCast.toInt256(debtWad);
    }

    /// @dev Adds the expiry group starting at `terms[start]` (the run of terms sharing its underlying and expiry,
    /// each leg's size at `sizes[terms[k].tag()]`) to `margin`: its marks (to equity) and its initial and maintenance
    /// requirements, min(Σ naked, exact maximum loss). Sums are exact in E36 and rounded once. Returns the group's
    /// end (exclusive) and whether it was valued on an outage range.
    function _addGroup(
        AccountMargin memory margin,
        Underlying memory u,
        SeriesTerms[] memory terms,
        int256[] memory sizes,
        uint256 start
    ) internal view returns (uint256 end, bool widened) {
        SeriesTerms first = terms[start];
        uint256 group = first.group();
        Group memory g = _groupPricing(u, first.expiry());
        uint256 n = terms.length;
        for (end = start; end < n; ) {
            SeriesTerms leg = terms[end];
            if (leg.group() != group) break;
            _addLeg(g, leg, sizes[leg.tag()]);
            // unchecked: end < n.
            unchecked {
                ++end;
            }
        }
        (uint256 lossE18, bool bounded) = StandardMarginLib.maxLoss(terms, sizes, start, end);
        // Longs' value rounds down, shorts' value and the requirements up (in the protocol's favour).
        margin.equityWad += SafeCast.toInt256(g.longE36 / WAD) - SafeCast.toInt256(Math.ceilDiv(g.shortE36, WAD));
        uint256 nakedE18 = Math.ceilDiv(g.nakedInitialE36, WAD);
        margin.initialWad += StandardMarginLib.groupRequirement(nakedE18, lossE18, bounded);
        nakedE18 = Math.ceilDiv(g.nakedMaintenanceE36, WAD);
        margin.maintenanceWad += StandardMarginLib.groupRequirement(nakedE18, lossE18, bounded);
        return (end, g.widened);
    }

    /// @dev Adds one position (`leg`, of signed size `sizeE18`) to the group's sums and, for a short, its naked
    /// requirements, all in E36 (size × price, exact). Before expiry one Black–Scholes evaluation per strike, kept in
    /// the group, prices the call and the put of that strike (a put sorts right before its call); on an outage range
    /// each leg takes its own corner of it (`_adverseModel`).
    function _addLeg(Group memory g, SeriesTerms leg, int256 sizeE18) internal pure {
        uint256 strikeE18 = leg.strikeE18();
        bool isCall = leg.isCall();
        uint256 modelE18;
        uint256 errorE18;
        if (g.widened) {
            (modelE18, errorE18) = _adverseModel(g, strikeE18, isCall, sizeE18 > 0);
        } else if (g.expired) {
            modelE18 = _intrinsic(g.priceE18, strikeE18, isCall);
        } else {
            // Within a group, equal strikes are equal strike keys (`SeriesTerms.strikeKey`): a call and its put.
            if (strikeE18 != g.pricedStrikeE18) {
                g.pricedStrikeE18 = strikeE18;
                (g.callE18, g.putE18) = BlackScholes.prices(g.priceE18, strikeE18, g.secondsToExpiry, g.volE18);
                g.errorE18 = BlackScholes.priceErrorBound(g.priceE18, strikeE18);
            }
            (modelE18, errorE18) = (isCall ? g.callE18 : g.putE18, g.errorE18);
        }
        // unchecked: the group's sums are used only after `StandardMarginLib.maxLoss` accepted its legs (fewer than
        // 2^8, |size| <= 2^127, strike < 2^120), and `_groupPricing` bounds its prices and a·P below 2^120. A mark is
        // then below 2^120 (intrinsic value after expiry, at most max(P, K); before it Black–Scholes caps P and K
        // below 2^100, error bound included) and a naked requirement per unit (at most a·P + mark, or c·P + mark)
        // below 2^121: each product is at most 2^248 and each sum over fewer than 2^8 legs below 2^256.
        unchecked {
            if (sizeE18 > 0) {
                // A long's mark is the model minus its error bound (in the protocol's favour).
                g.longE36 += uint256(sizeE18) * (modelE18 > errorE18 ? modelE18 - errorE18 : 0);
                return;
            }
            // Within int128, so the negation is exact.
            uint256 shortE18 = uint256(-sizeE18);
            // A short's mark is the model plus its error bound (in the protocol's favour).
            uint256 shortMarkE18 = modelE18 + errorE18;
            g.shortE36 += shortE18 * shortMarkE18;
            g.nakedInitialE36 +=
                shortE18 *
                StandardMarginLib.nakedInitialPerUnit(
                    g.aSpotE18,
                    g.bSpotE18,
                    // The spot that makes the short least out of the money (both ends are the price outside an
                    // outage).
                    isCall ? g.priceHighE18 : g.priceLowE18,
                    strikeE18,
                    isCall,
                    shortMarkE18
                );
            g.nakedMaintenanceE36 += shortE18 * (g.cSpotE18 + shortMarkE18);
        }
    }

    /// @dev A leg's model value and error bound on an outage range: a long at the ends of the spot and volatility
    /// ranges that make it worth least, a short at those that make it cost most. Option values rise with spot for a
    /// call and fall for a put, and rise with volatility for both, so the worst case is at a corner.
    function _adverseModel(
        Group memory g,
        uint256 strikeE18,
        bool isCall,
        bool isLong
    ) internal pure returns (uint256 modelE18, uint256 errorE18) {
        uint256 spotE18 = isCall == isLong ? g.priceLowE18 : g.priceHighE18;
        if (g.expired) return (_intrinsic(spotE18, strikeE18, isCall), 0);
        uint256 volE18 = isLong ? g.volLowE18 : g.volHighE18;
        modelE18 = BlackScholes.price(spotE18, strikeE18, g.secondsToExpiry, volE18, isCall);
        errorE18 = BlackScholes.priceErrorBound(spotE18, strikeE18);
    }

    /// @dev The model value of one option and its error bound: Black–Scholes before expiry, intrinsic value (exact,
    /// no error) at the group's price after it.
    function _model(
        Group memory g,
        uint256 strikeE18,
        bool isCall
    ) internal pure returns (uint256 modelE18, uint256 errorE18) {
        uint256 priceE18 = g.priceE18;
        if (g.expired) return (_intrinsic(priceE18, strikeE18, isCall), 0);
        modelE18 = BlackScholes.price(priceE18, strikeE18, g.secondsToExpiry, g.volE18, isCall);
        errorE18 = BlackScholes.priceErrorBound(priceE18, strikeE18);
    }

    /// @dev Equivalent to max(P − K, 0) for a call, max(K − P, 0) for a put: the payoff at `priceE18`.
    function _intrinsic(uint256 priceE18, uint256 strikeE18, bool isCall) internal pure returns (uint256) {
        // unchecked: each difference is taken only when positive.
        unchecked {
            if (isCall) return priceE18 > strikeE18 ? priceE18 - strikeE18 : 0;
            return strikeE18 > priceE18 ? strikeE18 - priceE18 : 0;
        }
    }

    /// @dev The pricing inputs of an expiry group: after expiry the expiry price when set (then no live price is
    /// read), else spot; before it spot, volatility and the time left; with their ranges (see `Underlying`). On an
    /// outage range `priceE18` is its high end, so the ratios' fractions of spot are the largest.
    function _groupPricing(Underlying memory u, uint256 expiry) internal view returns (Group memory g) {
        g.pricedStrikeE18 = type(uint256).max;
        if (block.timestamp >= expiry) {
            g.expired = true;
            (uint256 expiryPriceE18, bool isSet) = u.router.expiryPrice(expiry);
            if (isSet) {
                (g.priceE18, g.priceLowE18, g.priceHighE18) = (expiryPriceE18, expiryPriceE18, expiryPriceE18);
            } else {
                g.priceE18 = _spot(u);
                (g.priceLowE18, g.priceHighE18) = (u.spotLowE18, u.spotHighE18);
            }
        } else {
            g.priceE18 = _spot(u);
            g.volE18 = _vol(u);
            (g.priceLowE18, g.priceHighE18) = (u.spotLowE18, u.spotHighE18);
            (g.volLowE18, g.volHighE18) = (u.volLowE18, u.volHighE18);
            // unchecked: block.timestamp < expiry here.
            unchecked {
                g.secondsToExpiry = expiry - block.timestamp;
            }
        }
        g.widened = g.priceLowE18 != g.priceHighE18 || g.volLowE18 != g.volHighE18;
        g.aSpotE18 = StandardMarginLib.fractionOfSpotUp(u.initialRatioWad, g.priceE18);
        g.bSpotE18 = StandardMarginLib.fractionOfSpotUp(u.minInitialRatioWad, g.priceE18);
        g.cSpotE18 = StandardMarginLib.fractionOfSpotUp(u.maintenanceRatioWad, g.priceE18);
        // The domain of `_addLeg`'s unchecked sums: every price of the group, and a·P (>= b·P >= c·P), below 2^120.
        if ((g.priceHighE18 | g.aSpotE18) >> 120 != 0) revert Margin_PriceOutOfRange(u.id, g.priceHighE18);
    }

    /// @dev The underlying's router and ratios times the shock multiplier m (each rounded up, in the protocol's
    /// favour; m >= 1 keeps c <= b <= a); reverts with `Margin_UnknownUnderlying` when no ratios are set.
    function _loadUnderlying(uint256 underlyingId, bool exit) internal view returns (Underlying memory u) {
        MarginParams memory params = _params[underlyingId];
        if (params.initialRatioWad == 0) revert Margin_UnknownUnderlying(underlyingId);
        u.id = underlyingId;
        u.exit = exit;
        u.router = registry.routerOf(underlyingId);
        uint256 m = riskController.shockMultiplier(underlyingId);
        // Products of a 64-bit ratio and the controller's bounded multiplier: far inside 256 bits.
        u.initialRatioWad = Math.ceilDiv(params.initialRatioWad * m, WAD);
        u.minInitialRatioWad = Math.ceilDiv(params.minInitialRatioWad * m, WAD);
        u.maintenanceRatioWad = Math.ceilDiv(params.maintenanceRatioWad * m, WAD);
    }

    /// @dev The router's spot and its range, read once per pass; Degraded is used. Down: a strict pass reverts, an
    /// exit pass uses the outage range (`spotE18` is its high end) and reverts only when the router has no
    /// observation at all.
    function _spot(Underlying memory u) internal view returns (uint256) {
        if (!u.spotLoaded) {
            if (u.exit) {
                (uint256 lowE18, uint256 highE18, ) = u.router.spotBounds();
                if (highE18 == 0) revert Margin_PriceUnavailable(u.id);
                (u.spotE18, u.spotLowE18, u.spotHighE18) = (highE18, lowE18, highE18);
            } else {
                (uint256 spotE18, Health health) = u.router.spot();
                if (health == Health.Down) revert Margin_PriceUnavailable(u.id);
                (u.spotE18, u.spotLowE18, u.spotHighE18) = (spotE18, spotE18, spotE18);
            }
            u.spotLoaded = true;
        }
        return u.spotE18;
    }

    /// @dev The router's implied volatility and its range, read once per pass. Down: an exit pass uses the outage
    /// range (`volE18` is its high end); a strict pass (liquidation) uses the last signed volatility as it is, the
    /// market's latest word, since the volatility feed cannot freeze for good (`IQuorumFeed.configureFeed`) and
    /// liquidation must go on while spot is Ok. Either reverts only when the source has never reported.
    function _vol(Underlying memory u) internal view returns (uint256) {
        if (!u.volLoaded) {
            if (u.exit) {
                (uint256 lowE18, uint256 highE18, ) = u.router.volatilityBounds();
                if (highE18 == 0) revert Margin_PriceUnavailable(u.id);
                // Capped to the Black–Scholes domain: an outage range this wide is already far from any market.
                highE18 = Math.min(highE18, MAX_VOL_E18);
                (u.volE18, u.volLowE18, u.volHighE18) = (highE18, Math.min(lowE18, highE18), highE18);
            } else {
                (uint256 volE18, Health health) = u.router.volatility();
                if (health == Health.Down) {
                    uint256 observedAt;
                    (volE18, observedAt) = u.router.lastVolatility();
                    if (observedAt == 0) revert Margin_PriceUnavailable(u.id);
                }
                (u.volE18, u.volLowE18, u.volHighE18) = (volE18, volE18, volE18);
            }
            u.volLoaded = true;
        }
        return u.volE18;
    }

    /// @dev The positions' series terms, sorted ascending (underlying, expiry, strike, put before call: the order of
    /// the words, see `SeriesTerms`), each tagged with its index into the book's arrays (`withTag(i)`, i < 2^31: the
    /// book caps an account at a few dozen positions), which keeps distinct series in their order. Insertion sort.
    function _sortedTerms(uint256[] memory seriesIds) internal view returns (SeriesTerms[] memory terms) {
        terms = _seriesTerms(seriesIds);
        uint256 tagMask = SeriesTermsLib.TAG_MASK;
        assembly ("memory-safe") {
            // Plain assembly, all within the array (its length word, then its words): the bounds checks of the
            // Solidity version cost more than the sort.
            let data := add(terms, 0x20)
            let last := add(data, shl(5, mload(terms)))
            for {
                let next := data
            } lt(next, last) {
                next := add(next, 0x20)
            } {
                // `withTag(i)` for the word at index i = (next − data) / 32.
                let term := or(and(mload(next), not(tagMask)), and(shr(5, sub(next, data)), tagMask))
                // Insertion into the sorted words before it: shift every larger word one slot up, then store.
                let slot := next
                for {} gt(slot, data) {} {
                    let previous := mload(sub(slot, 0x20))
                    if iszero(gt(previous, term)) {
                        break
                    }
                    mstore(slot, previous)
                    slot := sub(slot, 0x20)
                }
                mstore(slot, term)
            }
        }
    }

    /// @dev `book.positionsOf(account)`, decoded in place: the two arrays are the return data's own words (a dynamic
    /// array's ABI encoding is its memory layout), checked to lie within it with equal lengths, instead of copied
    /// word by word; else `Margin_MalformedReturnData`.
    function _positionsOf(address account) internal view returns (uint256[] memory seriesIds, int256[] memory sizes) {
        IPositionBook target = book;
        bytes4 selector = IPositionBook.positionsOf.selector;
        bool wellFormed;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), account)
            if iszero(staticcall(gas(), target, ptr, 0x24, 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            let size := returndatasize()
            returndatacopy(ptr, 0, size)
            mstore(0x40, add(ptr, and(add(size, 0x1f), not(0x1f))))
            let idsOffset := mload(ptr)
            let sizesOffset := mload(add(ptr, 0x20))
            // Two offsets, each followed by a length word inside the data (offsets below `size` cannot overflow).
            let ok := and(gt(size, 0x3f), and(lt(idsOffset, size), lt(sizesOffset, size)))
            ok := and(ok, iszero(or(gt(add(idsOffset, 0x20), size), gt(add(sizesOffset, 0x20), size))))
            if ok {
                seriesIds := add(ptr, idsOffset)
                sizes := add(ptr, sizesOffset)
                let n := mload(seriesIds)
                // Equal lengths below 2^32, each array's words inside the data.
                ok := and(eq(n, mload(sizes)), lt(n, 0x100000000))
                let idsEnd := add(add(idsOffset, 0x20), shl(5, n))
                let sizesEnd := add(add(sizesOffset, 0x20), shl(5, n))
                ok := and(ok, iszero(or(gt(idsEnd, size), gt(sizesEnd, size))))
            }
            wellFormed := ok
        }
        if (!wellFormed) revert Margin_MalformedReturnData(address(target));
    }

    /// @dev `registry.seriesTerms(seriesIds)`: the call data is the ids array copied whole (`mcopy`) after the
    /// selector and its offset, and the returned array is decoded in place as in `_positionsOf` (one word per id).
    function _seriesTerms(uint256[] memory seriesIds) internal view returns (SeriesTerms[] memory terms) {
        ISeriesRegistry target = registry;
        bytes4 selector = ISeriesRegistry.seriesTerms.selector;
        bool wellFormed;
        assembly ("memory-safe") {
            let n := mload(seriesIds)
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), 0x20)
            mcopy(add(ptr, 0x24), seriesIds, add(0x20, shl(5, n)))
            if iszero(staticcall(gas(), target, ptr, add(0x44, shl(5, n)), 0, 0)) {
                returndatacopy(ptr, 0, returndatasize())
                revert(ptr, returndatasize())
            }
            let size := returndatasize()
            returndatacopy(ptr, 0, size)
            mstore(0x40, add(ptr, and(add(size, 0x1f), not(0x1f))))
            let offset := mload(ptr)
            let ok := and(gt(size, 0x1f), lt(offset, size))
            ok := and(ok, iszero(gt(add(offset, 0x20), size)))
            if ok {
                terms := add(ptr, offset)
                ok := and(eq(mload(terms), n), iszero(gt(add(add(offset, 0x20), shl(5, n)), size)))
            }
            wellFormed := ok
        }
        if (!wellFormed) revert Margin_MalformedReturnData(address(target));
    }

    /// @dev The account's settlement debt in WAD.
    function _debtWad(address account) internal view returns (uint256) {
        return _quoteToWad(settlement.debtOf(account));
    }

    /// @dev Equivalent to `amountQuote` × 10^(18 − quote decimals): quote token units in WAD, exact (no rounding).
    function _quoteToWad(uint256 amountQuote) internal view returns (uint256 amountWad) {
        return amountQuote * WAD_PER_QUOTE_UNIT;
    }
}
