// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {Test} from "../utils/Test.sol";
import {PositionBookFixture} from "./PositionBookFixture.sol";

/// @notice Drives the book as its trader and settler: random transfers between four accounts across five series
/// (more series than the live limit of four, so the limit is hit) and random closes. Reverts the book is meant to
/// raise (live-series limit, open-interest cap) are caught and counted, so every run keeps going.
contract PositionBookHandler is Test {
    PositionBook public immutable book;
    uint256[] internal _series;
    address[4] internal _accounts = [address(0xA1), address(0xB0B), address(0xCA401), address(0xD0D)];

    /// @notice Every entry into the handler.
    uint256 public calls;
    /// @notice Transfers and closes that went through, and transfers the book refused.
    uint256 public transfers;
    uint256 public closes;
    uint256 public refused;

    constructor(PositionBook book_, uint256[] memory series_) {
        book = book_;
        _series = series_;
    }

    function transfer(uint256 seriesSeed, uint256 buyerSeed, uint256 sellerSeed, uint256 amount) external {
        ++calls;
        address buyer = _account(buyerSeed);
        address seller = _account(sellerSeed);
        if (buyer == seller) seller = _account(sellerSeed + 1);
        // Mostly small amounts, so positions often cross zero and entries come and go.
        amount = bound(amount, 1, amount % 4 == 0 ? 1e24 : 5e18);
        try book.transferPosition(_seriesAt(seriesSeed), buyer, seller, amount) {
            ++transfers;
        } catch {
            ++refused;
        }
    }

    function close(uint256 seriesSeed, uint256 accountSeed) external {
        ++calls;
        address account = _account(accountSeed);
        uint256 seriesId = _seriesAt(seriesSeed);
        if (book.positionOf(account, seriesId) == 0) return;
        book.closePosition(account, seriesId);
        ++closes;
    }

    function accounts() external view returns (address[4] memory) {
        return _accounts;
    }

    function series() external view returns (uint256[] memory) {
        return _series;
    }

    function _account(uint256 seed) internal view returns (address) {
        return _accounts[seed % _accounts.length];
    }

    function _seriesAt(uint256 seed) internal view returns (uint256) {
        return _series[seed % _series.length];
    }
}

contract PositionBookInvariantTest is PositionBookFixture {
    PositionBookHandler internal handler;

    function setUp() public override {
        super.setUp();
        uint256[] memory ids = _listSeries(5);
        handler = new PositionBookHandler(book, ids);
        vm.startPrank(ADMIN);
        book.grantRole(book.TRADER_ROLE(), address(handler));
        book.grantRole(book.SETTLER_ROLE(), address(handler));
        // One series with a tight cap, so the registry's refusal is exercised too.
        registry.setOpenInterestCap(ids[4], 10e18);
        vm.stopPrank();
        targetContract(address(handler));
    }

    /// @notice Zero-sum: for every series, the live positions plus the closed ones sum to zero.
    function invariant_positionsSumToZero() public view {
        uint256[] memory ids = handler.series();
        address[4] memory accounts = handler.accounts();
        for (uint256 s; s < ids.length; ++s) {
            int256 sum = book.closedPositionSum(ids[s]);
            for (uint256 a; a < accounts.length; ++a) sum += book.positionOf(accounts[a], ids[s]);
            assertEq(sum, 0, "live + closed == 0");
        }
    }

    /// @notice The registry's open interest of every series is the sum of its long positions.
    function invariant_openInterestIsTheLongs() public view {
        uint256[] memory ids = handler.series();
        address[4] memory accounts = handler.accounts();
        for (uint256 s; s < ids.length; ++s) {
            uint256 longs;
            for (uint256 a; a < accounts.length; ++a) {
                int256 position = book.positionOf(accounts[a], ids[s]);
                if (position > 0) longs += uint256(position);
            }
            assertEq(registry.getSeries(ids[s]).openInterest, longs, "open interest == longs");
        }
    }

    /// @notice No account holds more live series than the limit, and its list agrees with `positionOf`: no zero
    /// entry, no duplicate, every held size as reported.
    function invariant_booksWithinLimitAndConsistent() public view {
        address[4] memory accounts = handler.accounts();
        uint256[] memory ids = handler.series();
        for (uint256 a; a < accounts.length; ++a) {
            (uint256[] memory held, int256[] memory sizes) = book.positionsOf(accounts[a]);
            assertLe(held.length, book.maxLiveSeries(), "within the live limit");
            assertEq(book.openPositionCount(accounts[a]), held.length, "count");
            uint256 nonZero;
            for (uint256 s; s < ids.length; ++s) if (book.positionOf(accounts[a], ids[s]) != 0) ++nonZero;
            assertEq(nonZero, held.length, "one entry per non-zero position");
            for (uint256 i; i < held.length; ++i) {
                assertTrue(sizes[i] != 0, "no zero entry");
                assertEq(book.positionOf(accounts[a], held[i]), sizes[i], "entry agrees with positionOf");
            }
        }
    }

    /// @notice The runner really drove the handler: checked once per run on its final state (after setUp nothing
    /// has been called yet, so this cannot be an `invariant_*` function).
    function afterInvariant() public view {
        assertGe(handler.calls(), 1, "handler was called");
        assertGe(handler.transfers(), 1, "some transfer went through");
    }
}
