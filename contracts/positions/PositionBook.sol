// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPositionCounter} from "../interfaces/IMarginHook.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";

/// @title PositionBook
/// @notice Signed positions per (account, series) with open interest kept in the series registry.
/// @dev Each account's live positions are one packed slot each (`Entry`), so reading a whole book costs one slot
/// per position; `_indexOf` finds an entry for updates. Removal swaps the last entry in.
contract PositionBook is IPositionBook, AccessControl {
    /// @inheritdoc IPositionBook
    bytes32 public constant TRADER_ROLE = keccak256("TRADER_ROLE");
    /// @inheritdoc IPositionBook
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @inheritdoc IPositionBook
    uint256 public constant MAX_AMOUNT = 1e36;
    /// @inheritdoc IPositionBook
    uint256 public constant MAX_LIVE_SERIES_LIMIT = 32;

    /// @dev One live position: the series id and the signed size, packed in one slot.
    struct Entry {
        uint64 seriesId;
        int128 size;
    }

    /// @notice The registry holding series and their open interest.
    ISeriesRegistry public immutable registry;

    /// @inheritdoc IPositionBook
    uint256 public maxLiveSeries;

    /// @inheritdoc IPositionBook
    mapping(uint256 seriesId => int256) public closedPositionSum;

    mapping(address account => Entry[]) internal _entries;
    /// @dev 1-based index of a series in `_entries[account]`; 0 when the account has no position in it.
    mapping(address account => mapping(uint256 seriesId => uint256)) internal _indexOf;

    /// @param admin Governance (the timelock).
    /// @param registry_ The series registry (this book needs its POSITION_MANAGER_ROLE).
    /// @param maxLiveSeries_ Initial live-series limit per account.
    constructor(address admin, ISeriesRegistry registry_, uint256 maxLiveSeries_) {
        if (admin == address(0) || address(registry_) == address(0)) revert Positions_ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = registry_;
        _setMaxLiveSeries(maxLiveSeries_);
    }

    /// @inheritdoc IPositionBook
    function transferPosition(
        uint256 seriesId,
        address buyer,
        address seller,
        uint256 amount
    ) external onlyRole(TRADER_ROLE) {
        if (buyer == seller) revert Positions_SelfTrade(buyer);
        if (buyer == address(0) || seller == address(0)) revert Positions_ZeroAddress();
        if (amount == 0 || amount > MAX_AMOUNT) revert Positions_InvalidAmount(amount);
        // MAX_AMOUNT < 2**127, so the cast is exact.
        int256 delta = int256(amount);
        (int256 buyerBefore, int256 buyerAfter) = _apply(buyer, seriesId, delta);
        (int256 sellerBefore, int256 sellerAfter) = _apply(seller, seriesId, -delta);

        // Open interest is the sum of long positions.
        int256 oiDelta = _long(buyerAfter) - _long(buyerBefore) + _long(sellerAfter) - _long(sellerBefore);
        if (oiDelta > 0) registry.increaseOpenInterest(seriesId, uint256(oiDelta));
        else if (oiDelta < 0) registry.decreaseOpenInterest(seriesId, uint256(-oiDelta));
        emit PositionTransferred(seriesId, buyer, seller, amount);
    }

    /// @inheritdoc IPositionBook
    function closePosition(
        address account,
        uint256 seriesId
    ) external onlyRole(SETTLER_ROLE) returns (int256 position) {
        position = positionOf(account, seriesId);
        if (position == 0) return 0;
        _apply(account, seriesId, -position);
        closedPositionSum[seriesId] += position;
        if (position > 0) registry.decreaseOpenInterest(seriesId, uint256(position));
        emit PositionClosed(account, seriesId, position);
    }

    /// @inheritdoc IPositionBook
    function setMaxLiveSeries(uint256 maxLiveSeries_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxLiveSeries(maxLiveSeries_);
    }

    /// @inheritdoc IPositionBook
    function positionOf(address account, uint256 seriesId) public view returns (int256) {
        uint256 index = _indexOf[account][seriesId];
        return index == 0 ? int256(0) : int256(_entries[account][index - 1].size);
    }

    /// @inheritdoc IPositionBook
    function positionsOf(address account) external view returns (uint256[] memory seriesIds, int256[] memory sizes) {
        Entry[] storage entries = _entries[account];
        uint256 n = entries.length;
        seriesIds = new uint256[](n);
        sizes = new int256[](n);
        for (uint256 i; i < n; ++i) {
            Entry memory e = entries[i];
            seriesIds[i] = e.seriesId;
            sizes[i] = e.size;
        }
    }

    /// @inheritdoc IPositionCounter
    function openPositionCount(address account) external view returns (uint256) {
        return _entries[account].length;
    }

    /// @dev Adds `delta` to `account`'s position, creating or removing its entry; returns the size before and after.
    function _apply(address account, uint256 seriesId, int256 delta) internal returns (int256 before, int256 after_) {
        Entry[] storage entries = _entries[account];
        uint256 index = _indexOf[account][seriesId];
        if (index == 0) {
            uint256 count = entries.length;
            if (count >= maxLiveSeries) revert Positions_TooManyLiveSeries(account, maxLiveSeries);
            after_ = delta;
            entries.push(Entry(SafeCast.toUint64(seriesId), SafeCast.toInt128(delta)));
            _indexOf[account][seriesId] = count + 1;
            return (0, after_);
        }
        Entry storage entry = entries[index - 1];
        before = entry.size;
        after_ = before + delta;
        if (after_ != 0) {
            entry.size = SafeCast.toInt128(after_);
            return (before, after_);
        }
        // The position closed: move the last entry into its place.
        uint256 last = entries.length - 1;
        if (index - 1 != last) {
            Entry memory moved = entries[last];
            entries[index - 1] = moved;
            _indexOf[account][moved.seriesId] = index;
        }
        entries.pop();
        delete _indexOf[account][seriesId];
    }

    function _setMaxLiveSeries(uint256 maxLiveSeries_) internal {
        if (maxLiveSeries_ == 0 || maxLiveSeries_ > MAX_LIVE_SERIES_LIMIT) {
            revert Positions_InvalidMaxLiveSeries(maxLiveSeries_);
        }
        maxLiveSeries = maxLiveSeries_;
        emit MaxLiveSeriesSet(maxLiveSeries_);
    }

    function _long(int256 size) internal pure returns (int256) {
        return size > 0 ? size : int256(0);
    }
}
