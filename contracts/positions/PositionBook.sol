// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPositionCounter} from "../interfaces/IMarginHook.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {MemoryArrays} from "../libraries/MemoryArrays.sol";

/// @title PositionBook
/// @notice Signed positions per (account, series) with open interest kept in the series registry.
/// @dev Each account's live positions are one packed slot each (`Entry`) in a fixed array of
/// `MAX_LIVE_SERIES_LIMIT` slots, the first of which also holds the live count, so reading a whole book costs one
/// slot per position and nothing more. A series is found by scanning the live entries (at most 32, and the margin
/// check that follows every trade reads them anyway). Removal swaps the last entry in and leaves the vacated slot
/// as it was: the next new position reuses it at the price of a non-zero to non-zero write.
contract PositionBook is IPositionBook, AccessControl {
    /// @inheritdoc IPositionBook
    bytes32 public constant TRADER_ROLE = keccak256("TRADER_ROLE");
    /// @inheritdoc IPositionBook
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @inheritdoc IPositionBook
    uint256 public constant MAX_AMOUNT = 1e36;
    /// @inheritdoc IPositionBook
    uint256 public constant MAX_LIVE_SERIES_LIMIT = 32;

    /// @dev One live position: the signed size and the series id, packed in one slot. `count` is used in an
    /// account's first slot only, where it holds the number of live entries; it is 0 in every other slot.
    struct Entry {
        int128 size;
        uint64 seriesId;
        uint64 count;
    }

    /// @dev An account's live entries held in memory by `transferPositions`: `words[i]` is the raw slot of entry
    /// `i` for `i < count` (slots beyond hold nothing read), bit `i` of `dirty` marks a slot to write back, and
    /// `next` is where the next search starts. `base` is the storage slot of entry 0.
    struct Book {
        address account;
        uint256 base;
        uint256 count;
        uint256 dirty;
        uint256 next;
        uint256[MAX_LIVE_SERIES_LIMIT] words;
    }

    /// @dev Layout of an `Entry` slot (Solidity packs members from the low bits, in order): size in bits 0-127
    /// (two's complement), seriesId in bits 128-191, count in bits 192-255.
    uint256 private constant _SERIES_SHIFT = 128;
    uint256 private constant _COUNT_SHIFT = 192;
    uint256 private constant _SIZE_MASK = type(uint128).max;
    uint256 private constant _COUNT_MASK = uint256(type(uint64).max) << _COUNT_SHIFT;

    /// @inheritdoc IPositionBook
    ISeriesRegistry public immutable registry;

    /// @inheritdoc IPositionBook
    uint256 public maxLiveSeries;

    /// @inheritdoc IPositionBook
    mapping(uint256 seriesId => int256) public closedPositionSum;

    /// @dev Entries `[0, _entries[account][0].count)` are live; the slots after them hold stale data.
    mapping(address account => Entry[MAX_LIVE_SERIES_LIMIT]) internal _entries;

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
        _checkAccounts(buyer, seller);
        if (amount == 0 || amount > MAX_AMOUNT) revert Positions_InvalidAmount(amount);
        int256 oiDelta = _transfer(seriesId, buyer, seller, amount);
        if (oiDelta > 0) registry.increaseOpenInterest(seriesId, uint256(oiDelta));
        else if (oiDelta < 0) registry.decreaseOpenInterest(seriesId, uint256(-oiDelta));
        emit PositionTransferred(seriesId, buyer, seller, amount);
    }

    /// @inheritdoc IPositionBook
    /// @dev Both accounts' live entries are read once into memory (`Book`; the margin check that follows every
    /// transfer reads them anyway), changed there by the same rules as `_apply` and `_remove`, and the changed slots
    /// written back once at the end, so the storage left behind (stale slots included) is exactly that of the
    /// single transfers.
    function transferPositions(
        address from,
        address to,
        uint256[] calldata seriesIds,
        int256[] calldata amounts
    ) external onlyRole(TRADER_ROLE) {
        _checkAccounts(to, from);
        uint256 n = seriesIds.length;
        if (amounts.length != n) revert Positions_LengthMismatch(n, amounts.length);
        Book memory fromBook = _load(from);
        Book memory toBook = _load(to);
        // Open-interest changes, gathered for one registry call; series whose open interest does not move are
        // left out (as `transferPosition` makes no registry call for them).
        uint256[] memory oiIds = new uint256[](n);
        int256[] memory oiDeltas = new int256[](n);
        uint256 changed;
        for (uint256 i; i < n; ++i) {
            uint256 seriesId = seriesIds[i];
            int256 oiDelta = _transferSigned(seriesId, fromBook, toBook, amounts[i]);
            if (oiDelta != 0) {
                oiIds[changed] = seriesId;
                oiDeltas[changed] = oiDelta;
                // unchecked: changed <= i < n.
                unchecked {
                    ++changed;
                }
            }
        }
        _store(fromBook);
        _store(toBook);
        if (changed == 0) return;
        // Trim both arrays to the entries filled.
        MemoryArrays.trim(oiIds, changed);
        MemoryArrays.trim(oiDeltas, changed);
        registry.changeOpenInterest(oiIds, oiDeltas);
    }

    /// @inheritdoc IPositionBook
    function closePosition(
        address account,
        uint256 seriesId
    ) external onlyRole(SETTLER_ROLE) returns (int256 position) {
        Entry[MAX_LIVE_SERIES_LIMIT] storage entries = _entries[account];
        (uint256 index, uint256 count) = _find(entries, seriesId);
        if (index == count) return 0;
        position = entries[index].size;
        _remove(entries, index, count);
        closedPositionSum[seriesId] += position;
        if (position > 0) registry.decreaseOpenInterest(seriesId, uint256(position));
        emit PositionClosed(account, seriesId, position);
    }

    /// @inheritdoc IPositionBook
    function setMaxLiveSeries(uint256 maxLiveSeries_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxLiveSeries(maxLiveSeries_);
    }

    /// @inheritdoc IPositionBook
    function positionOf(address account, uint256 seriesId) external view returns (int256) {
        Entry[MAX_LIVE_SERIES_LIMIT] storage entries = _entries[account];
        (uint256 index, uint256 count) = _find(entries, seriesId);
        return index == count ? int256(0) : int256(entries[index].size);
    }

    /// @inheritdoc IPositionBook
    function positionsOf(address account) external view returns (uint256[] memory seriesIds, int256[] memory sizes) {
        Entry[MAX_LIVE_SERIES_LIMIT] storage entries = _entries[account];
        uint256 n = entries[0].count;
        seriesIds = new uint256[](n);
        sizes = new int256[](n);
        for (uint256 i; i < n; ++i) {
            // One read per entry: size in bits 0-127 (two's complement), seriesId in bits 128-191.
            Entry storage e = entries[i];
            uint256 word;
            assembly ("memory-safe") {
                word := sload(e.slot)
            }
            seriesIds[i] = uint64(word >> 128);
            sizes[i] = int128(uint128(word));
        }
    }

    /// @inheritdoc IPositionCounter
    function openPositionCount(address account) external view returns (uint256) {
        return _entries[account][0].count;
    }

    /// @dev Reverts unless `buyer` and `seller` are two distinct non-zero accounts.
    function _checkAccounts(address buyer, address seller) internal pure {
        if (buyer == seller) revert Positions_SelfTrade(buyer);
        if (buyer == address(0) || seller == address(0)) revert Positions_ZeroAddress();
    }

    /// @dev One entry of `transferPositions`: validates the signed amount, moves it between the books in memory
    /// (the buyer is `to` for a positive amount, `from` for a negative one, and is applied first, as in
    /// `_transfer`), emits and returns the change of open interest.
    function _transferSigned(
        uint256 seriesId,
        Book memory fromBook,
        Book memory toBook,
        int256 signed
    ) internal returns (int256 oiDelta) {
        uint256 amount;
        // unchecked: for a negative amount, -(signed + 1) is at most type(int256).max even for type(int256).min,
        // and adding 1 to it as a uint256 stays below 2**256: this is |signed| exactly.
        unchecked {
            amount = signed >= 0 ? uint256(signed) : uint256(-(signed + 1)) + 1;
        }
        if (amount == 0 || amount > MAX_AMOUNT) revert Positions_InvalidAmount(amount);
        (Book memory buyer, Book memory seller) = signed > 0 ? (toBook, fromBook) : (fromBook, toBook);
        // MAX_AMOUNT < 2**127, so the cast is exact.
        int256 delta = int256(amount);
        (int256 buyerBefore, int256 buyerAfter) = _applyInMemory(buyer, seriesId, delta);
        (int256 sellerBefore, int256 sellerAfter) = _applyInMemory(seller, seriesId, -delta);
        oiDelta = _long(buyerAfter) - _long(buyerBefore) + _long(sellerAfter) - _long(sellerBefore);
        emit PositionTransferred(seriesId, buyer.account, seller.account, amount);
    }

    /// @dev Reads `account`'s live entries into memory: its first slot (which holds the count) and every live one.
    function _load(address account) internal view returns (Book memory book) {
        Entry[MAX_LIVE_SERIES_LIMIT] storage entries = _entries[account];
        uint256 base;
        assembly ("memory-safe") {
            base := entries.slot
        }
        book.account = account;
        book.base = base;
        uint256 first;
        assembly ("memory-safe") {
            first := sload(base)
        }
        book.words[0] = first;
        uint256 count = first >> _COUNT_SHIFT;
        book.count = count;
        for (uint256 i = 1; i < count; ++i) {
            uint256 word;
            // Entry i of a fixed array of one-slot structs sits at slot base + i; i < count <= 32, no overflow.
            assembly ("memory-safe") {
                word := sload(add(base, i))
            }
            book.words[i] = word;
        }
    }

    /// @dev Writes back every slot of `book` changed in memory.
    function _store(Book memory book) internal {
        uint256 dirty = book.dirty;
        uint256 base = book.base;
        for (uint256 i; dirty != 0; ++i) {
            if (dirty & 1 != 0) {
                uint256 word = book.words[i];
                // i < MAX_LIVE_SERIES_LIMIT: slot base + i is entry i, as in `_load`.
                assembly ("memory-safe") {
                    sstore(add(base, i), word)
                }
            }
            dirty >>= 1;
        }
    }

    /// @dev `_apply` on a book in memory: the same entry created, changed or removed (by `_removeInMemory`), the
    /// same errors, the same sizes returned.
    function _applyInMemory(
        Book memory book,
        uint256 seriesId,
        int256 delta
    ) internal view returns (int256 before, int256 after_) {
        (uint256 index, uint256 count) = _findInMemory(book, seriesId);
        // The next search starts after this entry (a batch usually lists series in the order they are held).
        book.next = index + 1;
        if (index == count) {
            uint256 limit = maxLiveSeries;
            if (count >= limit) revert Positions_TooManyLiveSeries(book.account, limit);
            // Every field of the slot is written, as in `_apply`. The size is two's complement in the low 128 bits.
            uint256 word = uint256(uint128(SafeCast.toInt128(delta))) |
                (uint256(SafeCast.toUint64(seriesId)) << _SERIES_SHIFT);
            if (count == 0) {
                word |= 1 << _COUNT_SHIFT;
            } else {
                // Safe: count + 1 <= maxLiveSeries <= MAX_LIVE_SERIES_LIMIT fits the count field.
                book.words[0] = (book.words[0] & ~_COUNT_MASK) | ((count + 1) << _COUNT_SHIFT);
            }
            book.words[count] = word;
            book.count = count + 1;
            book.dirty |= (1 << count) | 1;
            return (0, delta);
        }
        uint256 found = book.words[index];
        before = int128(uint128(found));
        after_ = before + delta;
        if (after_ != 0) {
            book.words[index] = (found & ~_SIZE_MASK) | uint256(uint128(SafeCast.toInt128(after_)));
            book.dirty |= 1 << index;
        } else {
            _removeInMemory(book, index, count);
        }
    }

    /// @dev `_find` on a book in memory: the index of `seriesId` among the live entries, or `count` when absent.
    /// The scan starts at `book.next` and wraps around; live entries hold distinct series, so the index found is
    /// the one `_find` returns.
    function _findInMemory(Book memory book, uint256 seriesId) internal pure returns (uint256 index, uint256 count) {
        count = book.count;
        uint256[MAX_LIVE_SERIES_LIMIT] memory words = book.words;
        index = book.next;
        if (index >= count) index = 0;
        // unchecked: index < count <= MAX_LIVE_SERIES_LIMIT, and k < count.
        unchecked {
            for (uint256 k; k < count; ++k) {
                if (uint64(words[index] >> _SERIES_SHIFT) == seriesId) return (index, count);
                if (++index == count) index = 0;
            }
        }
        return (count, count);
    }

    /// @dev `_remove` on a book in memory: the last live entry's size and series move into slot `index` (which
    /// keeps its count field), the count falls by one, and the vacated slot is left as it was.
    function _removeInMemory(Book memory book, uint256 index, uint256 count) internal pure {
        // unchecked: an entry was found, so count >= 1.
        uint256 last;
        unchecked {
            last = count - 1;
        }
        if (index != last) {
            book.words[index] = (book.words[index] & _COUNT_MASK) | (book.words[last] & ~_COUNT_MASK);
            book.dirty |= 1 << index;
        }
        book.words[0] = (book.words[0] & ~_COUNT_MASK) | (last << _COUNT_SHIFT);
        book.count = last;
        book.dirty |= 1;
    }

    /// @dev Moves `amount` (validated, so at most MAX_AMOUNT) of `seriesId` from `seller` to `buyer` and returns
    /// the change of open interest, the sum of long positions.
    function _transfer(
        uint256 seriesId,
        address buyer,
        address seller,
        uint256 amount
    ) internal returns (int256 oiDelta) {
        // MAX_AMOUNT < 2**127, so the cast is exact.
        int256 delta = int256(amount);
        (int256 buyerBefore, int256 buyerAfter) = _apply(buyer, seriesId, delta);
        (int256 sellerBefore, int256 sellerAfter) = _apply(seller, seriesId, -delta);
        oiDelta = _long(buyerAfter) - _long(buyerBefore) + _long(sellerAfter) - _long(sellerBefore);
    }

    /// @dev Adds `delta` to `account`'s position, creating or removing its entry; returns the size before and after.
    function _apply(address account, uint256 seriesId, int256 delta) internal returns (int256 before, int256 after_) {
        Entry[MAX_LIVE_SERIES_LIMIT] storage entries = _entries[account];
        (uint256 index, uint256 count) = _find(entries, seriesId);
        if (index == count) {
            uint256 limit = maxLiveSeries;
            if (count >= limit) revert Positions_TooManyLiveSeries(account, limit);
            // The slot is written whole, as `_applyInMemory` builds it (size two's complement in the low 128 bits,
            // the series above, the count field only in the first slot), so a stale entry left there by a removal
            // is overwritten without being read. Safe cast: the count is at most MAX_LIVE_SERIES_LIMIT.
            uint256 word = uint256(uint128(SafeCast.toInt128(delta))) |
                (uint256(SafeCast.toUint64(seriesId)) << _SERIES_SHIFT) |
                (count == 0 ? 1 << _COUNT_SHIFT : 0);
            Entry storage entry = entries[count];
            assembly ("memory-safe") {
                sstore(entry.slot, word)
            }
            if (count != 0) entries[0].count = uint64(count + 1);
            return (0, delta);
        }
        Entry storage found = entries[index];
        before = found.size;
        after_ = before + delta;
        if (after_ != 0) found.size = SafeCast.toInt128(after_);
        else _remove(entries, index, count);
    }

    /// @dev Removes live entry `index` of `count`: the last entry moves into its place (the first slot keeps its
    /// count field) and the count falls by one. The vacated slot is left as it was, beyond the live range.
    function _remove(Entry[MAX_LIVE_SERIES_LIMIT] storage entries, uint256 index, uint256 count) internal {
        // unchecked: an entry was found, so count >= 1.
        uint256 last;
        unchecked {
            last = count - 1;
        }
        if (index != last) {
            Entry storage moved = entries[last];
            Entry storage hole = entries[index];
            hole.size = moved.size;
            hole.seriesId = moved.seriesId;
        }
        // Safe cast: last < MAX_LIVE_SERIES_LIMIT.
        entries[0].count = uint64(last);
    }

    /// @dev The index of `seriesId` among `account`'s live entries, or `count` when it holds no position in it.
    function _find(
        Entry[MAX_LIVE_SERIES_LIMIT] storage entries,
        uint256 seriesId
    ) internal view returns (uint256 index, uint256 count) {
        count = entries[0].count;
        for (; index < count; ++index) {
            if (entries[index].seriesId == seriesId) return (index, count);
        }
    }

    /// @dev Sets the live-series limit within `[1, MAX_LIVE_SERIES_LIMIT]` and emits it.
    function _setMaxLiveSeries(uint256 maxLiveSeries_) internal {
        if (maxLiveSeries_ == 0 || maxLiveSeries_ > MAX_LIVE_SERIES_LIMIT) {
            revert Positions_InvalidMaxLiveSeries(maxLiveSeries_);
        }
        maxLiveSeries = maxLiveSeries_;
        emit MaxLiveSeriesSet(maxLiveSeries_);
    }

    /// @dev The long part of a position: itself when positive, else 0.
    function _long(int256 size) internal pure returns (int256) {
        return size > 0 ? size : int256(0);
    }
}
