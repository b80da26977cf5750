// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {PositionBookFixture} from "./PositionBookFixture.sol";

contract PositionBookTest is PositionBookFixture {
    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA401);
    address internal constant STRANGER = address(0xBAD);

    uint256[] internal ids;

    function setUp() public override {
        super.setUp();
        ids = _listSeries(6);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Constructor, constants, governance
    // ------------------------------------------------------------------------------------------------------------

    function test_constructor_setsState() public view {
        assertEq(address(book.registry()), address(registry), "registry");
        assertEq(book.maxLiveSeries(), MAX_LIVE, "max live");
        assertTrue(book.hasRole(book.DEFAULT_ADMIN_ROLE(), ADMIN), "admin");
        assertEq(book.TRADER_ROLE(), keccak256("TRADER_ROLE"), "trader role");
        assertEq(book.SETTLER_ROLE(), keccak256("SETTLER_ROLE"), "settler role");
        assertEq(book.MAX_AMOUNT(), 1e36, "max amount");
        assertEq(book.MAX_LIVE_SERIES_LIMIT(), 32, "limit");
    }

    function test_constructor_emitsLimit() public {
        vm.expectEmit(true, true, true, true);
        emit IPositionBook.MaxLiveSeriesSet(7);
        new PositionBook(ADMIN, registry, 7);
    }

    function test_constructor_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_ZeroAddress.selector));
        new PositionBook(address(0), registry, 4);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_ZeroAddress.selector));
        new PositionBook(ADMIN, ISeriesRegistry(address(0)), 4);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidMaxLiveSeries.selector, 0));
        new PositionBook(ADMIN, registry, 0);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidMaxLiveSeries.selector, 33));
        new PositionBook(ADMIN, registry, 33);
    }

    function test_setMaxLiveSeries_storesEmitsAndBounds() public {
        vm.expectEmit(true, true, true, true, address(book));
        emit IPositionBook.MaxLiveSeriesSet(32);
        vm.prank(ADMIN);
        book.setMaxLiveSeries(32);
        assertEq(book.maxLiveSeries(), 32, "upper bound accepted");
        vm.prank(ADMIN);
        book.setMaxLiveSeries(1);
        assertEq(book.maxLiveSeries(), 1, "lower bound accepted");

        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidMaxLiveSeries.selector, 0));
        vm.prank(ADMIN);
        book.setMaxLiveSeries(0);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidMaxLiveSeries.selector, 33));
        vm.prank(ADMIN);
        book.setMaxLiveSeries(33);
    }

    function test_accessControl() public {
        bytes32 trader = book.TRADER_ROLE();
        bytes32 settler = book.SETTLER_ROLE();
        bytes32 admin = book.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(_unauthorized(STRANGER, trader));
        vm.prank(STRANGER);
        book.transferPosition(ids[0], ALICE, BOB, 1e18);
        // The settler may not trade, nor the trader settle.
        vm.expectRevert(_unauthorized(SETTLER, trader));
        vm.prank(SETTLER);
        book.transferPosition(ids[0], ALICE, BOB, 1e18);
        vm.expectRevert(_unauthorized(TRADER, settler));
        vm.prank(TRADER);
        book.closePosition(ALICE, ids[0]);
        vm.expectRevert(_unauthorized(TRADER, admin));
        vm.prank(TRADER);
        book.setMaxLiveSeries(5);
    }

    // ------------------------------------------------------------------------------------------------------------
    // transferPosition
    // ------------------------------------------------------------------------------------------------------------

    function test_transfer_opensBothSidesAndOpenInterest() public {
        uint256 id = ids[0];
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.OpenInterestChanged(id, 2.5e18);
        vm.expectEmit(true, true, true, true, address(book));
        emit IPositionBook.PositionTransferred(id, ALICE, BOB, 2.5e18);
        _transfer(id, ALICE, BOB, 2.5e18);
        assertEq(book.positionOf(ALICE, id), 2.5e18, "buyer long");
        assertEq(book.positionOf(BOB, id), -2.5e18, "seller short");
        assertEq(_openInterest(id), 2.5e18, "open interest");
        assertEq(book.openPositionCount(ALICE), 1, "alice count");
        assertEq(book.openPositionCount(BOB), 1, "bob count");
    }

    function test_transfer_increaseReduceFlipClose() public {
        uint256 id = ids[1];
        _transfer(id, ALICE, BOB, 3e18);
        // Increase: CAROL sells to ALICE, opening a new short.
        _transfer(id, ALICE, CAROL, 2e18);
        assertEq(book.positionOf(ALICE, id), 5e18, "increased");
        assertEq(_openInterest(id), 5e18, "oi after increase");
        // Reduce: ALICE sells 1 back to BOB (both reduce).
        _transfer(id, BOB, ALICE, 1e18);
        assertEq(book.positionOf(ALICE, id), 4e18, "alice reduced");
        assertEq(book.positionOf(BOB, id), -2e18, "bob reduced");
        assertEq(_openInterest(id), 4e18, "oi after reduce");
        // Flip: BOB buys 5 from ALICE: BOB −2 → +3, ALICE 4 → −1. Longs: BOB 3 only.
        _transfer(id, BOB, ALICE, 5e18);
        assertEq(book.positionOf(BOB, id), 3e18, "bob flipped long");
        assertEq(book.positionOf(ALICE, id), -1e18, "alice flipped short");
        assertEq(_openInterest(id), 3e18, "oi after flip");
        // Close: everyone back to zero.
        _transfer(id, ALICE, BOB, 1e18);
        _transfer(id, CAROL, BOB, 2e18);
        assertEq(book.positionOf(ALICE, id), 0, "alice closed");
        assertEq(book.positionOf(BOB, id), 0, "bob closed");
        assertEq(book.positionOf(CAROL, id), 0, "carol closed");
        assertEq(_openInterest(id), 0, "no open interest");
        assertEq(book.openPositionCount(ALICE), 0, "alice entry removed");
        assertEq(book.openPositionCount(BOB), 0, "bob entry removed");
        assertEq(book.openPositionCount(CAROL), 0, "carol entry removed");
    }

    function test_transfer_revertsOnBadArguments() public {
        vm.startPrank(TRADER);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_SelfTrade.selector, ALICE));
        book.transferPosition(ids[0], ALICE, ALICE, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_ZeroAddress.selector));
        book.transferPosition(ids[0], address(0), BOB, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_ZeroAddress.selector));
        book.transferPosition(ids[0], ALICE, address(0), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidAmount.selector, 0));
        book.transferPosition(ids[0], ALICE, BOB, 0);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidAmount.selector, 1e36 + 1));
        book.transferPosition(ids[0], ALICE, BOB, 1e36 + 1);
        vm.stopPrank();
    }

    function test_transfer_acceptsMaxAmount() public {
        _transfer(ids[0], ALICE, BOB, 1e36);
        assertEq(book.positionOf(BOB, ids[0]), -1e36, "max short");
        assertEq(_openInterest(ids[0]), 1e36, "max open interest");
    }

    function test_transfer_revertsOnUnknownSeries() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 99));
        _transfer(99, ALICE, BOB, 1e18);
    }

    /// @notice Above the registry's cap the trade reverts with the registry's error; a cap lowered below open
    /// interest blocks increases only.
    function test_transfer_respectsOpenInterestCap() public {
        uint256 id = ids[2];
        vm.prank(ADMIN);
        registry.setOpenInterestCap(id, 10e18);
        _transfer(id, ALICE, BOB, 6e18);
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestCapExceeded.selector, id, 6e18, 5e18, 10e18)
        );
        _transfer(id, CAROL, BOB, 5e18);
        _transfer(id, CAROL, BOB, 4e18);
        assertEq(_openInterest(id), 10e18, "at the cap");

        vm.prank(ADMIN);
        registry.setOpenInterestCap(id, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestCapExceeded.selector, id, 10e18, 1, 1e18)
        );
        _transfer(id, CAROL, BOB, 1);
        // Reducing still works; a transfer between two longs leaves open interest unchanged.
        _transfer(id, BOB, ALICE, 2e18);
        _transfer(id, CAROL, ALICE, 1e18);
        assertEq(_openInterest(id), 8e18, "reduced below an exceeded cap");
    }

    function test_transfer_liveSeriesLimit() public {
        for (uint256 i; i < MAX_LIVE; ++i) _transfer(ids[i], ALICE, BOB, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_TooManyLiveSeries.selector, ALICE, MAX_LIVE));
        _transfer(ids[MAX_LIVE], ALICE, CAROL, 1e18);
        // The seller side counts too.
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_TooManyLiveSeries.selector, BOB, MAX_LIVE));
        _transfer(ids[MAX_LIVE], CAROL, BOB, 1e18);
        // Changing existing positions is always possible; closing one frees a slot.
        _transfer(ids[0], ALICE, CAROL, 1e18);
        _transfer(ids[1], BOB, ALICE, 1e18);
        _transfer(ids[MAX_LIVE], ALICE, CAROL, 1e18);
        assertEq(book.openPositionCount(ALICE), MAX_LIVE, "alice at the limit");

        // A lower limit keeps existing positions but blocks new series.
        vm.prank(ADMIN);
        book.setMaxLiveSeries(2);
        _transfer(ids[0], ALICE, CAROL, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_TooManyLiveSeries.selector, ALICE, 2));
        _transfer(ids[5], ALICE, CAROL, 1e18);
    }

    /// @notice Removing an entry moves the last one into its place; every view stays consistent.
    function test_transfer_swapAndPopKeepsViewsConsistent() public {
        int256[4] memory sizes = [int256(1e18), 2e18, 3e18, 4e18];
        for (uint256 i; i < 4; ++i) _transfer(ids[i], ALICE, BOB, uint256(sizes[i]));
        // Close the first entry: the fourth moves into slot 0.
        _transfer(ids[0], BOB, ALICE, 1e18);
        _assertBook(ALICE, _ids3(ids[3], ids[1], ids[2]), _sizes3(4e18, 2e18, 3e18));
        assertEq(book.positionOf(ALICE, ids[0]), 0, "removed");
        // Close the last entry: a plain pop.
        _transfer(ids[2], BOB, ALICE, 3e18);
        assertEq(book.openPositionCount(ALICE), 2, "two left");
        (uint256[] memory seriesIds, int256[] memory held) = book.positionsOf(ALICE);
        assertEq(seriesIds[0], ids[3], "slot 0");
        assertEq(seriesIds[1], ids[1], "slot 1");
        assertEq(held[0], 4e18, "size 0");
        assertEq(held[1], 2e18, "size 1");
        // Reopen: appended, and the moved entry is still found and updated in place.
        _transfer(ids[0], ALICE, BOB, 5e18);
        _transfer(ids[3], ALICE, BOB, 1e18);
        _assertBook(ALICE, _ids3(ids[3], ids[1], ids[0]), _sizes3(5e18, 2e18, 5e18));
    }

    // ------------------------------------------------------------------------------------------------------------
    // closePosition
    // ------------------------------------------------------------------------------------------------------------

    function test_closePosition_closesAndKeepsTheSumZero() public {
        uint256 id = ids[0];
        _transfer(id, ALICE, BOB, 3e18);
        _transfer(id, CAROL, BOB, 1e18);

        vm.expectEmit(true, true, true, true, address(book));
        emit IPositionBook.PositionClosed(ALICE, id, 3e18);
        vm.prank(SETTLER);
        assertEq(book.closePosition(ALICE, id), 3e18, "returned the long");
        assertEq(book.positionOf(ALICE, id), 0, "closed");
        assertEq(book.openPositionCount(ALICE), 0, "entry removed");
        assertEq(book.closedPositionSum(id), 3e18, "closed sum");
        assertEq(_openInterest(id), 1e18, "oi fell by the long");

        vm.prank(SETTLER);
        assertEq(book.closePosition(BOB, id), -4e18, "returned the short");
        assertEq(book.closedPositionSum(id), -1e18, "closed sum");
        assertEq(_openInterest(id), 1e18, "a short leaves oi");
        assertEq(book.positionOf(CAROL, id) + book.closedPositionSum(id), 0, "zero-sum");

        vm.prank(SETTLER);
        assertEq(book.closePosition(CAROL, id), 1e18, "last long");
        assertEq(book.closedPositionSum(id), 0, "all closed");
        assertEq(_openInterest(id), 0, "no oi");
    }

    function test_closePosition_zeroPositionIsANoOp() public {
        vm.recordLogs();
        vm.prank(SETTLER);
        assertEq(book.closePosition(ALICE, ids[0]), 0, "nothing");
        assertEq(vm.getRecordedLogs().length, 0, "no event");
        assertEq(book.closedPositionSum(ids[0]), 0, "sum unchanged");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    function _transfer(uint256 id, address buyer, address seller, uint256 amount) internal {
        vm.prank(TRADER);
        book.transferPosition(id, buyer, seller, amount);
    }

    function _openInterest(uint256 id) internal view returns (uint256) {
        return registry.getSeries(id).openInterest;
    }

    function _unauthorized(address account, bytes32 role) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, role);
    }

    function _ids3(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[3] memory) {
        return [a, b, c];
    }

    function _sizes3(int256 a, int256 b, int256 c) internal pure returns (int256[3] memory) {
        return [a, b, c];
    }

    /// @dev `positionsOf` in exactly this order, `positionOf` for each, and the count.
    function _assertBook(address account, uint256[3] memory expectedIds, int256[3] memory expectedSizes) internal view {
        (uint256[] memory seriesIds, int256[] memory held) = book.positionsOf(account);
        assertEq(seriesIds.length, 3, "length");
        assertEq(held.length, 3, "sizes length");
        assertEq(book.openPositionCount(account), 3, "count");
        for (uint256 i; i < 3; ++i) {
            assertEq(seriesIds[i], expectedIds[i], "series id in place");
            assertEq(held[i], expectedSizes[i], "size in place");
            assertEq(book.positionOf(account, expectedIds[i]), expectedSizes[i], "positionOf agrees");
        }
    }
}
