// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IPositionCounter} from "../interfaces/IMarginHook.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {MemoryArrays} from "../libraries/MemoryArrays.sol";

/// @dev A pointer to an account's book held in memory (see `PositionBook`'s `_BOOK_*` layout).
type Book is uint256;

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

    /// @dev An account's entries as the rules of this book (`_move`, `_apply`, `_remove`, `_find`) read and change
    /// them, through one set of primitives (`_word`, `_put`, `_append`, `_setCount`) over a `Book` header in memory.
    /// A book is opened one of two ways, and only the primitives tell them apart:
    /// - direct (`_openDirect`, `loaded` = 0): reads are SLOADs and changes SSTOREs made at once; for the single
    ///   transfer and the close, which touch one entry per account;
    /// - cached (`_openCached`): each slot is read from storage once into `words` (bit `i` of `loaded`) and each
    ///   changed slot written back once by `_store` (bit `i` of `dirty`); for the batch, which touches many.
    /// Header fields, one word each at these offsets from the pointer: the account; `base`, the storage slot of
    /// entry 0; the live `count`; `loaded`; `dirty`; `next`, where a cached book's next search starts; then, for a
    /// cached book, `words[0..capacity)`, the raw slot of each entry (meaningful only where `loaded`, so the region
    /// is not zeroed when allocated).
    uint256 private constant _BOOK_ACCOUNT = 0x00;
    uint256 private constant _BOOK_BASE = 0x20;
    uint256 private constant _BOOK_COUNT = 0x40;
    uint256 private constant _BOOK_LOADED = 0x60;
    uint256 private constant _BOOK_DIRTY = 0x80;
    uint256 private constant _BOOK_NEXT = 0xa0;
    uint256 private constant _BOOK_WORDS = 0xc0;

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
    /// @dev The one-entry case of `transferPositions`: the same rules (`_move`), on direct books (changes written
    /// at once) rather than cached ones, with the registry called directly instead of through a batch.
    function transferPosition(
        uint256 seriesId,
        address buyer,
        address seller,
        uint256 amount
    ) external onlyRole(TRADER_ROLE) {
        _checkAccounts(buyer, seller);
        if (amount == 0 || amount > MAX_AMOUNT) revert Positions_InvalidAmount(amount);
        Book buyerBook = _openDirect(buyer);
        Book sellerBook = _openDirect(seller);
        // Direct books write every change at once: nothing is left to `_store`.
        int256 oiDelta = _move(seriesId, buyerBook, sellerBook, amount);
        if (oiDelta > 0) registry.increaseOpenInterest(seriesId, uint256(oiDelta));
        else if (oiDelta < 0) registry.decreaseOpenInterest(seriesId, uint256(-oiDelta));
        emit PositionTransferred(seriesId, buyer, seller, amount);
    }

    /// @inheritdoc IPositionBook
    /// @dev Both accounts' books are opened cached in memory, every entry moved there by the rules of
    /// `transferPosition` (`_move`), and the changed slots written back once at the end, so the storage left
    /// behind (stale slots included) is exactly that of the single transfers.
    function transferPositions(
        address from,
        address to,
        uint256[] calldata seriesIds,
        int256[] calldata amounts
    ) external onlyRole(TRADER_ROLE) {
        _checkAccounts(to, from);
        uint256 n = seriesIds.length;
        if (amounts.length != n) revert Positions_LengthMismatch(n, amounts.length);
        // Each book gains at most one entry per batch entry (n < 2**64: calldata).
        uint256 room = n < MAX_LIVE_SERIES_LIMIT ? n : MAX_LIVE_SERIES_LIMIT;
        Book fromBook = _openCached(from, room);
        Book toBook = _openCached(to, room);
        // Open-interest changes, gathered for one registry call; series whose open interest does not move are
        // left out (as `transferPosition` makes no registry call for them).
        uint256[] memory oiIds = new uint256[](n);
        int256[] memory oiDeltas = new int256[](n);
        uint256 changed;
        for (uint256 i; i < n; ++i) {
            uint256 seriesId = seriesIds[i];
            int256 signed = amounts[i];
            uint256 amount;
            // unchecked: for a negative amount, -(signed + 1) is at most type(int256).max even for
            // type(int256).min, and adding 1 to it as a uint256 stays below 2**256: this is |signed| exactly.
            unchecked {
                amount = signed >= 0 ? uint256(signed) : uint256(-(signed + 1)) + 1;
            }
            if (amount == 0 || amount > MAX_AMOUNT) revert Positions_InvalidAmount(amount);
            // The buyer is `to` for a positive amount, `from` for a negative one.
            (Book buyer, Book seller) = signed > 0 ? (toBook, fromBook) : (fromBook, toBook);
            int256 oiDelta = _move(seriesId, buyer, seller, amount);
            emit PositionTransferred(seriesId, _account(buyer), _account(seller), amount);
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
        Book book = _openDirect(account);
        (uint256 index, uint256 count, uint256 word) = _find(book, seriesId);
        if (index == count) return 0;
        position = _sizeOf(word);
        _remove(book, index, count, word);
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
        // A read of one entry, no change: the storage scan alone, without opening a book.
        (uint256 base, uint256 count) = _baseAndCount(account);
        (uint256 index, uint256 word) = _scan(base, count, seriesId);
        return index == count ? int256(0) : _sizeOf(word);
    }

    /// @inheritdoc IPositionBook
    function positionsOf(address account) external view returns (uint256[] memory seriesIds, int256[] memory sizes) {
        // A read of every live entry, no change: straight from storage, without opening a book.
        (uint256 base, uint256 n) = _baseAndCount(account);
        seriesIds = new uint256[](n);
        sizes = new int256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 word;
            // Slot base + i is entry i (i < n <= 32), as in `_word`.
            assembly ("memory-safe") {
                word := sload(add(base, i))
            }
            seriesIds[i] = _seriesOf(word);
            sizes[i] = _sizeOf(word);
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

    // ---------------------------------------------------------------------------------------------------------
    // The rules: every position change of every entry point goes through `_move` / `_apply` / `_remove`.
    // ---------------------------------------------------------------------------------------------------------

    /// @dev Moves `amount` (validated, so at most MAX_AMOUNT) of `seriesId` from `seller` to `buyer`, the buyer
    /// first, and returns the change of open interest, the sum of long positions.
    function _move(uint256 seriesId, Book buyer, Book seller, uint256 amount) internal returns (int256 oiDelta) {
        // MAX_AMOUNT < 2**127, so the cast is exact.
        int256 delta = int256(amount);
        (int256 buyerBefore, int256 buyerAfter) = _apply(buyer, seriesId, delta);
        (int256 sellerBefore, int256 sellerAfter) = _apply(seller, seriesId, -delta);
        oiDelta = _long(buyerAfter) - _long(buyerBefore) + _long(sellerAfter) - _long(sellerBefore);
    }

    /// @dev Adds `delta` to the book's position in `seriesId`, creating or removing its entry; returns the size
    /// before and after.
    function _apply(Book book, uint256 seriesId, int256 delta) internal returns (int256 before, int256 after_) {
        (uint256 index, uint256 count, uint256 found) = _find(book, seriesId);
        if (index == count) {
            uint256 limit = maxLiveSeries;
            if (count >= limit) revert Positions_TooManyLiveSeries(_account(book), limit);
            // The slot is written whole (size two's complement in the low 128 bits, the series above, the count
            // field only in the first slot), so a stale entry left there by a removal is overwritten unread.
            uint256 word = uint256(uint128(SafeCast.toInt128(delta))) |
                (uint256(SafeCast.toUint64(seriesId)) << _SERIES_SHIFT);
            // count < maxLiveSeries <= MAX_LIVE_SERIES_LIMIT.
            _append(book, count, word);
            return (0, delta);
        }
        before = int128(uint128(found));
        after_ = before + delta;
        if (after_ != 0) _put(book, index, (found & ~_SIZE_MASK) | uint256(uint128(SafeCast.toInt128(after_))));
        else _remove(book, index, count, found);
    }

    /// @dev Removes live entry `index` of `count` (whose word is `word`): the last entry's size and series move
    /// into its place (the first slot keeps its count field) and the count falls by one. The vacated slot is left
    /// as it was, beyond the live range.
    function _remove(Book book, uint256 index, uint256 count, uint256 word) internal {
        // unchecked: an entry was found, so count >= 1.
        uint256 last;
        unchecked {
            last = count - 1;
        }
        if (index == 0) {
            // Entry 0 holds the count and is in hand: one write moves the last entry in and sets the count (the
            // size and series stay when entry 0 is itself the last).
            uint256 moved = index == last ? word : _word(book, last);
            _put(book, 0, (moved & ~_COUNT_MASK) | (last << _COUNT_SHIFT));
            _set(book, _BOOK_COUNT, last);
        } else {
            if (index != last) _put(book, index, _word(book, last));
            _setCount(book, last);
        }
    }

    /// @dev The index of `seriesId` among the book's live entries, or `count` when it holds no position in it
    /// (then every live entry has been read), and that entry's word. A direct book scans storage from its first
    /// entry (`_scan`); a cached one scans memory from its `next`, wrapping around and reading each slot from
    /// storage once. Live entries hold distinct series, so the index found does not depend on where it starts.
    function _find(Book book, uint256 seriesId) internal view returns (uint256 index, uint256 count, uint256 word) {
        uint256 base;
        uint256 loaded;
        // memory-safe: reads three fields of the book.
        assembly ("memory-safe") {
            count := mload(add(book, _BOOK_COUNT))
            base := mload(add(book, _BOOK_BASE))
            loaded := mload(add(book, _BOOK_LOADED))
        }
        if (loaded == 0) {
            (index, word) = _scan(base, count, seriesId);
            return (index, count, word);
        }
        // memory-safe: reads and writes only fields and words of the book's region (index < count <= 32).
        assembly ("memory-safe") {
            index := mload(add(book, _BOOK_NEXT))
            if iszero(lt(index, count)) {
                index := 0
            }
            let words := add(book, _BOOK_WORDS)
            let found := 0
            for {
                let k := 0
            } lt(k, count) {
                k := add(k, 1)
            } {
                let at := add(words, shl(5, index))
                word := mload(at)
                if iszero(and(shr(index, loaded), 1)) {
                    // Slot base + index is entry index, as in `_word`.
                    word := sload(add(base, index))
                    mstore(at, word)
                    loaded := or(loaded, shl(index, 1))
                }
                // The series id is bits 128-191 of the entry (`_seriesOf`).
                if eq(and(shr(_SERIES_SHIFT, word), 0xffffffffffffffff), seriesId) {
                    found := 1
                    break
                }
                index := add(index, 1)
                if eq(index, count) {
                    index := 0
                }
            }
            mstore(add(book, _BOOK_LOADED), loaded)
            if iszero(found) {
                index := count
            }
            // The next search starts after this entry: a batch usually lists series in the order they are held.
            mstore(add(book, _BOOK_NEXT), add(index, 1))
        }
    }

    /// @dev The index of `seriesId` among the `count` live entries stored from slot `base`, or `count` when absent,
    /// and that entry's word: the storage scan of `_find` for a direct book, and of `positionOf`.
    function _scan(uint256 base, uint256 count, uint256 seriesId) internal view returns (uint256 index, uint256 word) {
        // memory-safe: no memory is touched.
        assembly ("memory-safe") {
            // Slot base + index is entry index; index < count <= 32.
            for {} lt(index, count) {
                index := add(index, 1)
            } {
                word := sload(add(base, index))
                // The series id is bits 128-191 of the entry (`_seriesOf`).
                if eq(and(shr(_SERIES_SHIFT, word), 0xffffffffffffffff), seriesId) {
                    break
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The in-memory book (layout at `_BOOK_*`) and the entry word (layout at `_SERIES_SHIFT` / `_COUNT_SHIFT`).
    // ---------------------------------------------------------------------------------------------------------

    /// @dev The storage slot of `account`'s entry 0 and its live count.
    function _baseAndCount(address account) internal view returns (uint256 base, uint256 count) {
        Entry[MAX_LIVE_SERIES_LIMIT] storage entries = _entries[account];
        assembly ("memory-safe") {
            base := entries.slot
            count := shr(_COUNT_SHIFT, sload(base))
        }
    }

    /// @dev Opens `account`'s book directly on storage: every read is an SLOAD and every change an SSTORE made at
    /// once (`loaded` is 0, no words are allocated, and there is nothing to `_store`). For the operations that
    /// touch one entry per account.
    function _openDirect(address account) internal view returns (Book book) {
        (uint256 base, uint256 count) = _baseAndCount(account);
        // memory-safe: the block allocates the header by moving the free-memory pointer past it, and writes only
        // inside it.
        assembly ("memory-safe") {
            book := mload(0x40)
            mstore(0x40, add(book, _BOOK_WORDS))
            mstore(add(book, _BOOK_ACCOUNT), account)
            mstore(add(book, _BOOK_BASE), base)
            mstore(add(book, _BOOK_COUNT), count)
            mstore(add(book, _BOOK_LOADED), 0)
        }
    }

    /// @dev Opens `account`'s book cached in memory, with room for its live entries and `room` more (at most 32 in
    /// all): its first slot (which holds the live count) is read now, the others when first needed (`_word`), and
    /// changes are written back by `_store`. For batches, which touch many entries of the same two accounts.
    function _openCached(address account, uint256 room) internal view returns (Book book) {
        Entry[MAX_LIVE_SERIES_LIMIT] storage entries = _entries[account];
        // memory-safe: the block allocates its region by moving the free-memory pointer past it, and writes only
        // inside it.
        assembly ("memory-safe") {
            let base := entries.slot
            let first := sload(base)
            let count := shr(_COUNT_SHIFT, first)
            // count <= 32 and room <= 32 (callers), so neither the sum nor the size overflows.
            let capacity := add(count, room)
            if gt(capacity, MAX_LIVE_SERIES_LIMIT) {
                capacity := MAX_LIVE_SERIES_LIMIT
            }
            book := mload(0x40)
            mstore(0x40, add(add(book, _BOOK_WORDS), shl(5, capacity)))
            mstore(add(book, _BOOK_ACCOUNT), account)
            mstore(add(book, _BOOK_BASE), base)
            mstore(add(book, _BOOK_COUNT), count)
            mstore(add(book, _BOOK_LOADED), 1)
            mstore(add(book, _BOOK_DIRTY), 0)
            mstore(add(book, _BOOK_NEXT), 0)
            mstore(add(book, _BOOK_WORDS), first)
        }
    }

    /// @dev Entry `i` of `book` (`i < MAX_LIVE_SERIES_LIMIT`); a cached book reads it from storage the first time.
    function _word(Book book, uint256 i) internal view returns (uint256 word) {
        // memory-safe: reads and writes only fields and words of the book's region (i < 32).
        assembly ("memory-safe") {
            let loaded := mload(add(book, _BOOK_LOADED))
            let bit := shl(i, 1)
            switch and(loaded, bit)
            case 0 {
                // Entry i of a fixed array of one-slot structs sits at slot base + i; i < 32, no overflow.
                word := sload(add(mload(add(book, _BOOK_BASE)), i))
                if loaded {
                    mstore(add(add(book, _BOOK_WORDS), shl(5, i)), word)
                    mstore(add(book, _BOOK_LOADED), or(loaded, bit))
                }
            }
            default {
                word := mload(add(add(book, _BOOK_WORDS), shl(5, i)))
            }
        }
    }

    /// @dev Sets entry `i` of `book` to `word`: at once for a direct book, by `_store` for a cached one.
    function _put(Book book, uint256 i, uint256 word) internal {
        // memory-safe: writes inside the book's region (i < capacity).
        assembly ("memory-safe") {
            let loaded := mload(add(book, _BOOK_LOADED))
            switch loaded
            case 0 {
                sstore(add(mload(add(book, _BOOK_BASE)), i), word)
            }
            default {
                let bit := shl(i, 1)
                mstore(add(add(book, _BOOK_WORDS), shl(5, i)), word)
                mstore(add(book, _BOOK_LOADED), or(loaded, bit))
                mstore(add(book, _BOOK_DIRTY), or(mload(add(book, _BOOK_DIRTY)), bit))
            }
        }
    }

    /// @dev Writes `word` (its count bits clear) as live entry `count` (< 32) and raises the live count by one:
    /// `_put(count, word)` then `_setCount(count + 1)`, in one step (the first entry carries the count itself).
    function _append(Book book, uint256 count, uint256 word) internal {
        // memory-safe: reads and writes only fields and words 0 and `count` of the book's region.
        assembly ("memory-safe") {
            let newCount := add(count, 1)
            mstore(add(book, _BOOK_COUNT), newCount)
            let countMask := shl(_COUNT_SHIFT, 0xffffffffffffffff)
            let loaded := mload(add(book, _BOOK_LOADED))
            switch loaded
            case 0 {
                let base := mload(add(book, _BOOK_BASE))
                switch count
                case 0 {
                    sstore(base, or(word, shl(_COUNT_SHIFT, 1)))
                }
                default {
                    sstore(add(base, count), word)
                    sstore(base, or(and(sload(base), not(countMask)), shl(_COUNT_SHIFT, newCount)))
                }
            }
            default {
                let words := add(book, _BOOK_WORDS)
                switch count
                case 0 {
                    mstore(words, or(word, shl(_COUNT_SHIFT, 1)))
                }
                default {
                    mstore(add(words, shl(5, count)), word)
                    mstore(words, or(and(mload(words), not(countMask)), shl(_COUNT_SHIFT, newCount)))
                }
                let bits := or(shl(count, 1), 1)
                mstore(add(book, _BOOK_LOADED), or(loaded, bits))
                mstore(add(book, _BOOK_DIRTY), or(mload(add(book, _BOOK_DIRTY)), bits))
            }
        }
    }

    /// @dev Sets the book's live count to `count` (at most 32), in its field and in the count bits of entry 0.
    function _setCount(Book book, uint256 count) internal {
        // memory-safe: reads and writes only fields and word 0 of the book's region.
        assembly ("memory-safe") {
            mstore(add(book, _BOOK_COUNT), count)
            let loaded := mload(add(book, _BOOK_LOADED))
            let bits := shl(_COUNT_SHIFT, count)
            switch loaded
            case 0 {
                let base := mload(add(book, _BOOK_BASE))
                sstore(base, or(and(sload(base), not(shl(_COUNT_SHIFT, 0xffffffffffffffff))), bits))
            }
            default {
                let at := add(book, _BOOK_WORDS)
                mstore(at, or(and(mload(at), not(shl(_COUNT_SHIFT, 0xffffffffffffffff))), bits))
                mstore(add(book, _BOOK_DIRTY), or(mload(add(book, _BOOK_DIRTY)), 1))
            }
        }
    }

    /// @dev Field `field` (a `_BOOK_*` offset) of `book`.
    function _get(Book book, uint256 field) internal pure returns (uint256 value) {
        // memory-safe: reads inside the book's region.
        assembly ("memory-safe") {
            value := mload(add(book, field))
        }
    }

    /// @dev Sets field `field` (a `_BOOK_*` offset) of `book`.
    function _set(Book book, uint256 field, uint256 value) internal pure {
        // memory-safe: writes inside the book's region.
        assembly ("memory-safe") {
            mstore(add(book, field), value)
        }
    }

    /// @dev The account whose book this is.
    function _account(Book book) internal pure returns (address) {
        return address(uint160(_get(book, _BOOK_ACCOUNT)));
    }

    /// @dev Writes back every slot of `book` changed in memory.
    function _store(Book book) internal {
        // memory-safe: reads only the book's region.
        assembly ("memory-safe") {
            let base := mload(add(book, _BOOK_BASE))
            let at := add(book, _BOOK_WORDS)
            // i < 32 (one bit per entry), so slot base + i is entry i, as in `_word`.
            for {
                let dirty := mload(add(book, _BOOK_DIRTY))
                let i := 0
            } dirty {
                dirty := shr(1, dirty)
                i := add(i, 1)
            } {
                if and(dirty, 1) {
                    sstore(add(base, i), mload(add(at, shl(5, i))))
                }
            }
        }
    }

    /// @dev The signed size in an entry word (two's complement in bits 0-127).
    function _sizeOf(uint256 word) internal pure returns (int256) {
        return int128(uint128(word));
    }

    /// @dev The series id in an entry word (bits 128-191).
    function _seriesOf(uint256 word) internal pure returns (uint256) {
        return uint64(word >> _SERIES_SHIFT);
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
