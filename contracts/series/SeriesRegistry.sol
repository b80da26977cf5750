// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IOracleRouter} from "../interfaces/IOracleRouter.sol";
import {IPauseGuard} from "../interfaces/IPauseGuard.sol";
import {IRiskController} from "../interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {WAD} from "../libraries/Constants.sol";
import {NewRiskGate} from "../libraries/NewRiskGate.sol";
import {SeriesTerms, SeriesTermsLib} from "../libraries/SeriesTerms.sol";

/// @title SeriesRegistry
/// @notice Underlyings and option series. Governance (the timelock) holds `DEFAULT_ADMIN_ROLE`, adds underlyings
/// and sets caps; listers list series; the position book moves open interest.
contract SeriesRegistry is ISeriesRegistry, AccessControl {
    /// @inheritdoc ISeriesRegistry
    bytes32 public constant LISTER_ROLE = keccak256("LISTER_ROLE");
    /// @inheritdoc ISeriesRegistry
    bytes32 public constant POSITION_MANAGER_ROLE = keccak256("POSITION_MANAGER_ROLE");
    /// @inheritdoc ISeriesRegistry
    uint256 public constant EXPIRY_TIME_OF_DAY = 8 hours;
    /// @inheritdoc ISeriesRegistry
    uint256 public constant MIN_TIME_TO_EXPIRY = 1 hours;

    /// @inheritdoc ISeriesRegistry
    uint256 public constant MAX_EXPIRY_HORIZON = 2 * 365 days;
    /// @inheritdoc ISeriesRegistry
    uint256 public constant MAX_STRIKE_RATIO_WAD = 10e18;

    /// @inheritdoc ISeriesRegistry
    IPauseGuard public immutable pauseGuard;

    /// @inheritdoc ISeriesRegistry
    IRiskController public riskController;
    /// @inheritdoc ISeriesRegistry
    uint256 public underlyingCount;
    /// @inheritdoc ISeriesRegistry
    uint256 public seriesCount;

    mapping(uint256 underlyingId => UnderlyingConfig) internal _underlyings;
    mapping(uint256 underlyingId => bytes32) internal _symbols;
    mapping(bytes32 symbol => uint256 underlyingId) internal _underlyingIdOfSymbol;
    mapping(uint256 seriesId => Series) internal _series;
    mapping(bytes32 termsHash => uint256 seriesId) internal _seriesIdOfTerms;

    /// @param admin Governance (the timelock).
    /// @param pauseGuard_ The pause guard consulted before listing.
    constructor(address admin, IPauseGuard pauseGuard_) {
        if (admin == address(0) || address(pauseGuard_) == address(0)) revert Series_ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        pauseGuard = pauseGuard_;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISeriesRegistry
    function addUnderlying(
        bytes32 symbol,
        UnderlyingConfig calldata config
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 underlyingId) {
        if (symbol == bytes32(0)) revert Series_InvalidUnderlyingConfig(0);
        uint256 existing = _underlyingIdOfSymbol[symbol];
        if (existing != 0) revert Series_DuplicateUnderlying(symbol, existing);
        _checkConfig(0, config);

        underlyingId = ++underlyingCount;
        _underlyings[underlyingId] = config;
        _symbols[underlyingId] = symbol;
        _underlyingIdOfSymbol[symbol] = underlyingId;
        emit UnderlyingAdded(underlyingId, symbol, address(config.router));
    }

    /// @inheritdoc ISeriesRegistry
    function setUnderlyingConfig(
        uint256 underlyingId,
        UnderlyingConfig calldata config
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _requireUnderlying(underlyingId);
        _checkConfig(underlyingId, config);
        _underlyings[underlyingId] = config;
        emit UnderlyingConfigUpdated(underlyingId, address(config.router));
    }

    /// @inheritdoc ISeriesRegistry
    function setRiskController(IRiskController riskController_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(riskController_) == address(0)) revert Series_ZeroAddress();
        if (address(riskController) != address(0)) revert Series_RiskControllerAlreadySet(address(riskController));
        riskController = riskController_;
        emit RiskControllerSet(address(riskController_));
    }

    /// @inheritdoc ISeriesRegistry
    function setOpenInterestCap(uint256 seriesId, uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Series storage series = _requireSeries(seriesId);
        if (cap == 0) revert Series_InvalidOpenInterestCap(seriesId);
        series.openInterestCap = SafeCast.toUint128(cap);
        emit OpenInterestCapSet(seriesId, cap);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Listing
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISeriesRegistry
    function listSeries(
        uint256 underlyingId,
        uint256 strikeE18,
        uint256 expiry,
        bool isCall
    ) external onlyRole(LISTER_ROLE) returns (uint256 seriesId) {
        UnderlyingConfig storage config = _requireUnderlying(underlyingId);
        if (!NewRiskGate.allowsNewRisk(pauseGuard, riskController, underlyingId))
            revert Series_ReduceOnly(underlyingId);

        _checkStrike(config, strikeE18);
        _checkExpiry(config, expiry);

        bytes32 termsHash = _termsHash(underlyingId, strikeE18, expiry, isCall);
        uint256 existing = _seriesIdOfTerms[termsHash];
        if (existing != 0) revert Series_Duplicate(existing);

        seriesId = ++seriesCount;
        uint128 cap = config.defaultOpenInterestCap;
        _series[seriesId] = Series({
            // Safe casts: underlying ids are at most `underlyingCount`, far below 2^32 in practice but checked;
            // the expiry is at most two years ahead.
            underlyingId: SafeCast.toUint32(underlyingId),
            expiry: uint64(expiry),
            isCall: isCall,
            strikeE18: SafeCast.toUint128(strikeE18),
            openInterestCap: cap,
            openInterest: 0
        });
        _seriesIdOfTerms[termsHash] = seriesId;
        emit SeriesListed(seriesId, underlyingId, strikeE18, expiry, isCall, cap);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Open interest
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISeriesRegistry
    function increaseOpenInterest(uint256 seriesId, uint256 amount) external onlyRole(POSITION_MANAGER_ROLE) {
        _increaseOpenInterest(_series[seriesId], seriesId, amount);
    }

    /// @inheritdoc ISeriesRegistry
    function decreaseOpenInterest(uint256 seriesId, uint256 amount) external onlyRole(POSITION_MANAGER_ROLE) {
        _decreaseOpenInterest(_series[seriesId], seriesId, amount);
    }

    /// @inheritdoc ISeriesRegistry
    function changeOpenInterest(
        uint256[] calldata seriesIds,
        int256[] calldata deltas
    ) external onlyRole(POSITION_MANAGER_ROLE) {
        uint256 n = seriesIds.length;
        if (deltas.length != n) revert Series_LengthMismatch(n, deltas.length);
        for (uint256 i; i < n; ++i) {
            uint256 seriesId = seriesIds[i];
            Series storage series = _series[seriesId];
            int256 delta = deltas[i];
            if (delta > 0) {
                _increaseOpenInterest(series, seriesId, uint256(delta));
            } else if (delta < 0) {
                // unchecked: -(delta + 1) is at most type(int256).max even for type(int256).min, and adding 1 to
                // it as a uint256 stays below 2**256, so this is |delta| exactly.
                uint256 amount;
                unchecked {
                    amount = uint256(-(delta + 1)) + 1;
                }
                _decreaseOpenInterest(series, seriesId, amount);
            } else {
                _requireSeries(seriesId);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ISeriesRegistry
    function getSeries(uint256 seriesId) external view returns (Series memory) {
        return _requireSeries(seriesId);
    }

    /// @inheritdoc ISeriesRegistry
    function seriesTerms(uint256[] calldata seriesIds) external view returns (SeriesTerms[] memory terms) {
        uint256 n = seriesIds.length;
        terms = new SeriesTerms[](n);
        for (uint256 i; i < n; ++i) {
            uint256 seriesId = seriesIds[i];
            // The four fields share the struct's first slot, read once: underlyingId in bits 0-31, expiry 32-95,
            // isCall 96-103 (0 or 1), strikeE18 104-231 (Solidity packs members from the low bits, in order).
            Series storage series = _series[seriesId];
            uint256 word;
            assembly ("memory-safe") {
                word := sload(series.slot)
            }
            // A zero expiry: never listed (as `_requireSeries`).
            if (uint64(word >> 32) == 0) revert Series_UnknownSeries(seriesId);
            terms[i] = SeriesTermsLib.pack(
                uint32(word),
                uint64(word >> 32),
                uint128(word >> 104),
                (word >> 96) & 1 != 0
            );
        }
    }

    /// @inheritdoc ISeriesRegistry
    function seriesIdOf(
        uint256 underlyingId,
        uint256 strikeE18,
        uint256 expiry,
        bool isCall
    ) external view returns (uint256) {
        return _seriesIdOfTerms[_termsHash(underlyingId, strikeE18, expiry, isCall)];
    }

    /// @inheritdoc ISeriesRegistry
    function underlyingConfig(uint256 underlyingId) external view returns (UnderlyingConfig memory) {
        return _requireUnderlying(underlyingId);
    }

    /// @inheritdoc ISeriesRegistry
    function routerOf(uint256 underlyingId) external view returns (IOracleRouter) {
        return _requireUnderlying(underlyingId).router;
    }

    /// @inheritdoc ISeriesRegistry
    function underlyingSymbol(uint256 underlyingId) external view returns (bytes32) {
        _requireUnderlying(underlyingId);
        return _symbols[underlyingId];
    }

    /// @inheritdoc ISeriesRegistry
    function isExpired(uint256 seriesId) external view returns (bool) {
        return block.timestamp >= _requireSeries(seriesId).expiry;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------------------

    function _requireUnderlying(uint256 underlyingId) internal view returns (UnderlyingConfig storage config) {
        if (underlyingId == 0 || underlyingId > underlyingCount) revert Series_UnknownUnderlying(underlyingId);
        return _underlyings[underlyingId];
    }

    /// @dev A series exists exactly when its expiry is set: listing requires an expiry in the future, and ids
    /// outside `[1, seriesCount]` were never written. Checked on the series' own first slot, which every caller
    /// reads anyway, rather than on `seriesCount`, one more cold slot per transaction.
    function _requireSeries(uint256 seriesId) internal view returns (Series storage series) {
        series = _series[seriesId];
        if (series.expiry == 0) revert Series_UnknownSeries(seriesId);
    }

    /// @dev Adds `amount` to `series`' open interest within its cap and emits the new open interest; reverts with
    /// `Series_UnknownSeries` for a series never listed. Existence is checked only where the outcome needs it: a
    /// series never listed has a zero cap (a listed one never does), so any positive amount fails the cap check,
    /// and that failure (or a zero amount) is where `_requireSeries` runs. The successful path reads only the slot
    /// it writes.
    function _increaseOpenInterest(Series storage series, uint256 seriesId, uint256 amount) internal {
        uint256 openInterest = series.openInterest;
        uint256 cap = series.openInterestCap;
        // Written so that nothing overflows: the cap may sit below open interest after it was lowered.
        if (openInterest > cap || amount > cap - openInterest) {
            _requireSeries(seriesId);
            revert Series_OpenInterestCapExceeded(seriesId, openInterest, amount, cap);
        }
        if (amount == 0) _requireSeries(seriesId);
        // Safe cast: the new open interest is at most the cap, a uint128.
        uint128 newOpenInterest = uint128(openInterest + amount);
        series.openInterest = newOpenInterest;
        emit OpenInterestChanged(seriesId, newOpenInterest);
    }

    /// @dev Removes `amount` from `series`' open interest and emits the new open interest; reverts with
    /// `Series_UnknownSeries` for a series never listed, checked as in `_increaseOpenInterest` (a series never
    /// listed has zero open interest, so any positive amount underflows).
    function _decreaseOpenInterest(Series storage series, uint256 seriesId, uint256 amount) internal {
        uint256 openInterest = series.openInterest;
        if (amount > openInterest) {
            _requireSeries(seriesId);
            revert Series_OpenInterestUnderflow(seriesId, openInterest, amount);
        }
        if (amount == 0) _requireSeries(seriesId);
        // Safe cast: the new open interest is below the old one, a uint128.
        uint128 newOpenInterest = uint128(openInterest - amount);
        series.openInterest = newOpenInterest;
        emit OpenInterestChanged(seriesId, newOpenInterest);
    }

    function _checkStrike(UnderlyingConfig storage config, uint256 strikeE18) internal view {
        // Reverts with the router's own error unless the spot price is healthy.
        uint256 spotE18 = config.router.spotOrRevert();
        // The band errs on the narrow side (in the protocol's favour): its low end rounds up, its high end down.
        uint256 minStrikeE18 = Math.mulDiv(spotE18, config.minStrikeRatioWad, WAD, Math.Rounding.Ceil);
        uint256 maxStrikeE18 = Math.mulDiv(spotE18, config.maxStrikeRatioWad, WAD);
        if (strikeE18 == 0 || strikeE18 < minStrikeE18 || strikeE18 > maxStrikeE18) {
            revert Series_StrikeOutOfBand(strikeE18, minStrikeE18, maxStrikeE18);
        }
    }

    function _checkExpiry(UnderlyingConfig storage config, uint256 expiry) internal view {
        if (expiry % 1 days != EXPIRY_TIME_OF_DAY) revert Series_ExpiryNotOnGrid(expiry);
        uint256 earliest = block.timestamp + MIN_TIME_TO_EXPIRY;
        uint256 latest = block.timestamp + config.maxExpiryHorizon;
        if (expiry <= earliest || expiry > latest) revert Series_ExpiryOutOfRange(expiry, earliest, latest);
    }

    function _checkConfig(uint256 underlyingId, UnderlyingConfig calldata config) internal pure {
        if (
            address(config.router) == address(0) ||
            config.minStrikeRatioWad == 0 ||
            config.minStrikeRatioWad > WAD ||
            config.maxStrikeRatioWad < WAD ||
            config.maxStrikeRatioWad > MAX_STRIKE_RATIO_WAD ||
            config.maxExpiryHorizon <= MIN_TIME_TO_EXPIRY ||
            config.maxExpiryHorizon > MAX_EXPIRY_HORIZON ||
            config.defaultOpenInterestCap == 0
        ) revert Series_InvalidUnderlyingConfig(underlyingId);
    }

    function _termsHash(
        uint256 underlyingId,
        uint256 strikeE18,
        uint256 expiry,
        bool isCall
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(underlyingId, strikeE18, expiry, isCall));
    }
}
