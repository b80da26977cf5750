// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {PositionBookFixture} from "./PositionBookFixture.sol";
import {Vm} from "../utils/Vm.sol";
import {Deploy} from "../utils/Deploy.sol";

contract PositionBookTest is PositionBookFixture {
    address internal constant CAROL = address(0xCA401);

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
        Deploy.positionBook(ADMIN, registry, 7);
    }

    function test_constructor_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_ZeroAddress.selector));
        Deploy.positionBook(address(0), registry, 4);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_ZeroAddress.selector));
        Deploy.positionBook(ADMIN, ISeriesRegistry(address(0)), 4);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidMaxLiveSeries.selector, 0));
        Deploy.positionBook(ADMIN, registry, 0);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidMaxLiveSeries.selector, 33));
        Deploy.positionBook(ADMIN, registry, 33);
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
    // transferPositions
    // ------------------------------------------------------------------------------------------------------------

    function test_transferPositions_revertsForNonTrader() public {
        bytes32 trader = book.TRADER_ROLE();
        (uint256[] memory batchIds, int256[] memory amounts) = _batch1(ids[0], 1e18);
        vm.expectRevert(_unauthorized(STRANGER, trader));
        vm.prank(STRANGER);
        book.transferPositions(ALICE, BOB, batchIds, amounts);
        vm.expectRevert(_unauthorized(SETTLER, trader));
        vm.prank(SETTLER);
        book.transferPositions(ALICE, BOB, batchIds, amounts);
    }

    function test_transferPositions_revertsOnBadArguments() public {
        (uint256[] memory batchIds, int256[] memory amounts) = _batch1(ids[0], 1e18);
        vm.startPrank(TRADER);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_SelfTrade.selector, ALICE));
        book.transferPositions(ALICE, ALICE, batchIds, amounts);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_ZeroAddress.selector));
        book.transferPositions(address(0), BOB, batchIds, amounts);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_ZeroAddress.selector));
        book.transferPositions(ALICE, address(0), batchIds, amounts);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_LengthMismatch.selector, 1, 2));
        book.transferPositions(ALICE, BOB, batchIds, new int256[](2));
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_LengthMismatch.selector, 2, 1));
        book.transferPositions(ALICE, BOB, new uint256[](2), amounts);
        // The accounts are checked even for an empty batch.
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_SelfTrade.selector, BOB));
        book.transferPositions(BOB, BOB, new uint256[](0), new int256[](0));

        // Amounts: the error carries the magnitude, whichever the sign; a bad entry after good ones undoes all.
        int256[5] memory bad = [int256(0), 1e36 + 1, -(1e36 + 1), type(int256).max, type(int256).min];
        uint256[5] memory magnitude = [uint256(0), 1e36 + 1, 1e36 + 1, uint256(type(int256).max), 2 ** 255];
        batchIds = new uint256[](2);
        batchIds[0] = ids[0];
        batchIds[1] = ids[1];
        amounts = new int256[](2);
        amounts[0] = 1e18;
        for (uint256 i; i < bad.length; ++i) {
            amounts[1] = bad[i];
            vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_InvalidAmount.selector, magnitude[i]));
            book.transferPositions(ALICE, BOB, batchIds, amounts);
        }
        vm.stopPrank();
        assertEq(book.openPositionCount(BOB), 0, "nothing moved");
        assertEq(_openInterest(ids[0]), 0, "no open interest");
    }

    function test_transferPositions_acceptsMaxAmountEitherWay() public {
        uint256[] memory batchIds = new uint256[](2);
        batchIds[0] = ids[0];
        batchIds[1] = ids[1];
        int256[] memory amounts = new int256[](2);
        amounts[0] = 1e36;
        amounts[1] = -1e36;
        vm.prank(TRADER);
        book.transferPositions(ALICE, BOB, batchIds, amounts);
        assertEq(book.positionOf(BOB, ids[0]), 1e36, "to bought the positive amount");
        assertEq(book.positionOf(ALICE, ids[0]), -1e36, "from sold it");
        assertEq(book.positionOf(BOB, ids[1]), -1e36, "to sold the negative amount");
        assertEq(book.positionOf(ALICE, ids[1]), 1e36, "from bought it");
        assertEq(_openInterest(ids[0]), 1e36, "oi 0");
        assertEq(_openInterest(ids[1]), 1e36, "oi 1");
    }

    function test_transferPositions_emptyBatchDoesNothing() public {
        vm.recordLogs();
        vm.prank(TRADER);
        book.transferPositions(ALICE, BOB, new uint256[](0), new int256[](0));
        assertEq(vm.getRecordedLogs().length, 0, "no event, no registry call");
    }

    function test_transferPositions_revertsOnUnknownSeries() public {
        (uint256[] memory batchIds, int256[] memory amounts) = _batch1(99, -1e18);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 99));
        vm.prank(TRADER);
        book.transferPositions(ALICE, BOB, batchIds, amounts);
    }

    function test_transferPositions_liveSeriesLimit() public {
        for (uint256 i; i < MAX_LIVE; ++i) _transfer(ids[i], BOB, CAROL, 1e18);
        // A positive amount opens a long for `to` (BOB, full), a negative one a long for `from`: the seller side
        // (BOB again) counts too. The error names the account and the limit, wherever the entry sits.
        uint256[] memory batchIds = new uint256[](2);
        batchIds[0] = ids[0];
        batchIds[1] = ids[MAX_LIVE];
        int256[] memory amounts = new int256[](2);
        amounts[0] = 1e18;
        amounts[1] = 1e18;
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_TooManyLiveSeries.selector, BOB, MAX_LIVE));
        vm.prank(TRADER);
        book.transferPositions(ALICE, BOB, batchIds, amounts);
        amounts[1] = -1e18;
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_TooManyLiveSeries.selector, BOB, MAX_LIVE));
        vm.prank(TRADER);
        book.transferPositions(ALICE, BOB, batchIds, amounts);
        // Closing one entry earlier in the same batch frees the slot.
        amounts[0] = -1e18;
        vm.prank(TRADER);
        book.transferPositions(ALICE, BOB, batchIds, amounts);
        assertEq(book.openPositionCount(BOB), MAX_LIVE, "bob at the limit");
        assertEq(book.positionOf(BOB, ids[0]), 0, "closed");
        assertEq(book.positionOf(BOB, ids[MAX_LIVE]), -1e18, "opened");
    }

    /// @notice Above a cap the batch reverts with the registry's error and its exact arguments, entry by entry in
    /// order (a decrease earlier in the batch makes room for a later increase).
    function test_transferPositions_respectsOpenInterestCap() public {
        uint256 id = ids[2];
        vm.prank(ADMIN);
        registry.setOpenInterestCap(id, 10e18);
        _transfer(id, ALICE, CAROL, 6e18);
        uint256[] memory batchIds = new uint256[](2);
        batchIds[0] = ids[0];
        batchIds[1] = id;
        int256[] memory amounts = new int256[](2);
        amounts[0] = 1e18;
        amounts[1] = 5e18;
        // BOB buys from the short CAROL: open interest would rise from 6 to 11.
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestCapExceeded.selector, id, 6e18, 5e18, 10e18)
        );
        vm.prank(TRADER);
        book.transferPositions(CAROL, BOB, batchIds, amounts);
        amounts[1] = 4e18;
        vm.prank(TRADER);
        book.transferPositions(CAROL, BOB, batchIds, amounts);
        assertEq(_openInterest(id), 10e18, "at the cap");

        // BOB sells 1 back (10 -> 9), then buys 2 (9 -> 11): the second entry fails on the updated figure.
        batchIds[0] = id;
        amounts[0] = -1e18;
        amounts[1] = 2e18;
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestCapExceeded.selector, id, 9e18, 2e18, 10e18)
        );
        vm.prank(TRADER);
        book.transferPositions(CAROL, BOB, batchIds, amounts);
        amounts[1] = 1e18;
        vm.prank(TRADER);
        book.transferPositions(CAROL, BOB, batchIds, amounts);
        assertEq(_openInterest(id), 10e18, "back at the cap");
        assertEq(book.positionOf(BOB, id), 4e18, "bob");
        assertEq(book.positionOf(CAROL, id), -10e18, "carol");
    }

    /// @notice One batch covering every kind of change (close with swap-and-pop, reduce, open both sides, increase,
    /// a repeated series, a change that leaves open interest unchanged) leaves exactly what the single transfers
    /// leave: positions, entry order, raw storage, open interest, and the same events of each contract in order.
    function test_transferPositions_matchesSingleTransfers() public {
        _transfer(ids[0], BOB, ALICE, 3e18);
        _transfer(ids[1], ALICE, CAROL, 2e18);
        _transfer(ids[2], ALICE, BOB, 1e18);
        _transfer(ids[3], CAROL, BOB, 1e18);
        uint256[] memory batchIds = new uint256[](6);
        int256[] memory amounts = new int256[](6);
        (batchIds[0], amounts[0]) = (ids[2], 1e18); // Both close: ALICE 1 -> 0, BOB -1 -> 0.
        (batchIds[1], amounts[1]) = (ids[0], -1e18); // Both reduce: ALICE -3 -> -2, BOB 3 -> 2.
        (batchIds[2], amounts[2]) = (ids[4], 2e18); // Both open: ALICE -2, BOB 2.
        (batchIds[3], amounts[3]) = (ids[1], -3e18); // ALICE 2 -> 5, BOB opens -3 (its fourth series).
        (batchIds[4], amounts[4]) = (ids[0], 2e18); // Repeated: ALICE -2 -> -4, BOB 2 -> 4.
        (batchIds[5], amounts[5]) = (ids[3], 1e18); // BOB -1 -> 0, ALICE opens -1: open interest unchanged.

        Outcome memory single = _assertEquivalent(ALICE, BOB, batchIds, amounts);
        assertTrue(single.ok, "succeeds");
        assertEq(single.moved, 6, "every single transfer went through");
        assertEq(single.bookLogs, 6, "one PositionTransferred per entry");
        assertEq(single.registryLogs, 5, "no registry event where open interest does not move");

        // The batch's own result (the state is the batch's after `_assertEquivalent`).
        // BOB's closed ids[3] took ids[2]'s slot, then ids[1] (last) took ids[3]'s.
        _assertBook(BOB, _ids3(ids[0], ids[1], ids[4]), _sizes3(4e18, -3e18, 2e18));
        (uint256[] memory aliceIds, int256[] memory aliceSizes) = book.positionsOf(ALICE);
        assertEq(aliceIds.length, 4, "alice entries");
        assertEq(aliceIds[0], ids[0], "alice 0");
        assertEq(aliceIds[1], ids[1], "alice 1");
        assertEq(aliceIds[2], ids[4], "alice 2");
        assertEq(aliceIds[3], ids[3], "alice 3");
        assertEq(aliceSizes[0], -4e18, "alice size 0");
        assertEq(aliceSizes[1], 5e18, "alice size 1");
        assertEq(aliceSizes[2], -2e18, "alice size 2");
        assertEq(aliceSizes[3], -1e18, "alice size 3");
        assertEq(_openInterest(ids[0]), 4e18, "oi 0");
        assertEq(_openInterest(ids[1]), 5e18, "oi 1");
        assertEq(_openInterest(ids[2]), 0, "oi 2");
        assertEq(_openInterest(ids[3]), 1e18, "oi 3");
        assertEq(_openInterest(ids[4]), 2e18, "oi 4");
        // The raw-storage comparison is meaningful: the entries mapping is where `_entriesBase` says.
        bytes32 first = vm.load(address(book), bytes32(_entriesBase(BOB)));
        assertEq(uint256(first) >> 192, 3, "count field of bob's first slot");
        assertEq(uint64(uint256(first) >> 128), ids[0], "series of bob's first slot");
    }

    /// @notice The batch emits every PositionTransferred first, then the registry's events, each in entry order.
    function test_transferPositions_emitsInOrder() public {
        _transfer(ids[0], ALICE, CAROL, 1e18);
        uint256[] memory batchIds = new uint256[](2);
        batchIds[0] = ids[0];
        batchIds[1] = ids[1];
        int256[] memory amounts = new int256[](2);
        amounts[0] = 1e18;
        amounts[1] = -2e18;
        vm.expectEmit(true, true, true, true, address(book));
        emit IPositionBook.PositionTransferred(ids[0], BOB, ALICE, 1e18);
        vm.expectEmit(true, true, true, true, address(book));
        emit IPositionBook.PositionTransferred(ids[1], ALICE, BOB, 2e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.OpenInterestChanged(ids[1], 2e18);
        vm.prank(TRADER);
        book.transferPositions(ALICE, BOB, batchIds, amounts);
        assertEq(_openInterest(ids[0]), 1e18, "a long changed hands");
    }

    /// @notice Random books and batches (repeats, closes, flips, the live-series limit): the batch succeeds exactly
    /// when the single transfers do, with the same storage, open interest and events, or the same error.
    function testFuzz_transferPositions_matchesSingleTransfers(uint256 seed) public {
        address[3] memory accounts = [ALICE, BOB, CAROL];
        // A starting book from up to six trades (those beyond the live-series limit are skipped).
        for (uint256 k; k < 6; ++k) {
            uint256 r = uint256(keccak256(abi.encode(seed, "pre", k)));
            address buyer = accounts[r % 3];
            address seller = accounts[((r % 3) + 1 + ((r >> 8) % 2)) % 3];
            uint256 id = ids[(r >> 16) % 6];
            uint256 amount = (1 + ((r >> 24) % 3)) * 1e18;
            if (!_fits(buyer, id) || !_fits(seller, id)) continue;
            _transfer(id, buyer, seller, amount);
        }
        uint256 n = seed % 9;
        uint256[] memory batchIds = new uint256[](n);
        int256[] memory amounts = new int256[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, "batch", i)));
            batchIds[i] = ids[r % 6];
            int256 size = int256(1 + ((r >> 8) % 4)) * 1e18;
            amounts[i] = (r >> 16) % 2 == 0 ? size : -size;
        }
        _assertEquivalent(ALICE, BOB, batchIds, amounts);
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

    /// @dev What a run of transfers left: whether it succeeded, its revert data, a hash of the book's and the
    /// registry's state, a hash and count of each contract's events in order, and (single transfers) how many
    /// succeeded.
    struct Outcome {
        bool ok;
        bytes err;
        bytes32 state;
        bytes32 bookLogHash;
        bytes32 registryLogHash;
        uint256 bookLogs;
        uint256 registryLogs;
        uint256 moved;
    }

    /// @dev Runs the batch as single transfers and as one `transferPositions` from the same state, asserts the same
    /// outcome, and leaves the batch's state. Returns the single transfers' outcome.
    function _assertEquivalent(
        address from,
        address to,
        uint256[] memory batchIds,
        int256[] memory amounts
    ) internal returns (Outcome memory single) {
        uint256 snapshot = vm.snapshotState();
        vm.recordLogs();
        single.ok = true;
        for (uint256 i; i < batchIds.length; ++i) {
            (address buyer, address seller) = amounts[i] > 0 ? (to, from) : (from, to);
            vm.prank(TRADER);
            try book.transferPosition(batchIds[i], buyer, seller, _abs(amounts[i])) {
                ++single.moved;
            } catch (bytes memory err) {
                single.ok = false;
                single.err = err;
                break;
            }
        }
        _record(single);
        vm.revertToState(snapshot);

        Outcome memory batch;
        vm.recordLogs();
        vm.prank(TRADER);
        try book.transferPositions(from, to, batchIds, amounts) {
            batch.ok = true;
        } catch (bytes memory err) {
            batch.err = err;
        }
        _record(batch);

        assertEq(batch.ok, single.ok, "both succeed or both revert");
        assertEq(keccak256(batch.err), keccak256(single.err), "same error");
        if (!single.ok) return single;
        assertEq(batch.state, single.state, "same positions, storage and open interest");
        assertEq(batch.bookLogHash, single.bookLogHash, "same book events in order");
        assertEq(batch.registryLogHash, single.registryLogHash, "same registry events in order");
        assertEq(batch.bookLogs, single.bookLogs, "same number of book events");
        assertEq(batch.registryLogs, single.registryLogs, "same number of registry events");
    }

    /// @dev Fills `o` with the recorded events and the current state.
    function _record(Outcome memory o) internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            bytes32 h = keccak256(abi.encode(logs[i].topics, logs[i].data));
            if (logs[i].emitter == address(book)) {
                o.bookLogHash = keccak256(abi.encode(o.bookLogHash, h));
                ++o.bookLogs;
            } else if (logs[i].emitter == address(registry)) {
                o.registryLogHash = keccak256(abi.encode(o.registryLogHash, h));
                ++o.registryLogs;
            }
        }
        address[3] memory accounts = [ALICE, BOB, CAROL];
        bytes32 state;
        for (uint256 a; a < 3; ++a) {
            (uint256[] memory seriesIds, int256[] memory sizes) = book.positionsOf(accounts[a]);
            state = keccak256(abi.encode(state, seriesIds, sizes, book.openPositionCount(accounts[a])));
            // Every slot of the account's entries, the stale ones beyond the live count included.
            uint256 base = _entriesBase(accounts[a]);
            for (uint256 k; k < book.MAX_LIVE_SERIES_LIMIT(); ++k) {
                state = keccak256(abi.encode(state, vm.load(address(book), bytes32(base + k))));
            }
        }
        for (uint256 i; i < ids.length; ++i) state = keccak256(abi.encode(state, _openInterest(ids[i])));
        o.state = state;
    }

    /// @dev Storage slot of `account`'s first entry: `_entries` is the book's fourth slot (after AccessControl's
    /// roles, `maxLiveSeries` and `closedPositionSum`).
    function _entriesBase(address account) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(account, uint256(3))));
    }

    function _batch1(uint256 id, int256 amount) internal pure returns (uint256[] memory batchIds, int256[] memory) {
        batchIds = new uint256[](1);
        batchIds[0] = id;
        int256[] memory amounts = new int256[](1);
        amounts[0] = amount;
        return (batchIds, amounts);
    }

    /// @dev Whether `account` may take a position in `id`: it holds one already or is below the limit.
    function _fits(address account, uint256 id) internal view returns (bool) {
        return book.positionOf(account, id) != 0 || book.openPositionCount(account) < book.maxLiveSeries();
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : (x == type(int256).min ? 2 ** 255 : uint256(-x));
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
