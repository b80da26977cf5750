// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {LiquidationAutomation} from "../../contracts/automation/LiquidationAutomation.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {RiskFixture} from "../risk/RiskFixture.sol";
import {Vm} from "../utils/Vm.sol";
import {StubEveryoneHoldsBook, StubLiquidationEngine} from "./AutomationStubs.sol";

/// @notice LiquidationAutomation on the real book, registry, settlement, oracles and risk controller. The
/// liquidation engine is a test-only stub here (which accounts are startable is set by the test): these tests cover
/// the automation's own bookkeeping — the watch list, bounded rotating scans, re-validation and skipping.
contract LiquidationAutomationTest is RiskFixture {
    uint256 internal constant BATCH = 3;
    address internal constant STRANGER = address(0xBAD);

    StubLiquidationEngine internal engine;
    LiquidationAutomation internal automation;
    /// @dev Eight accounts: pairs (0,1), (2,3), … each hold one short (even) and one long (odd) position.
    address[] internal accounts;

    function setUp() public override {
        super.setUp();
        engine = new StubLiquidationEngine();
        automation = new LiquidationAutomation(engine, settlement, book, registry, risk, BATCH);
        for (uint256 i; i < 8; ++i) {
            accounts.push(vm.addr(0xACC0 + i));
            _depositQuote(accounts[i], 100_000e6);
        }
        // Shorts sell calls (3000 and 3300) to the longs.
        for (uint256 i; i < 8; i += 2)
            _trade(0xACC0 + i, accounts[i + 1], seriesIds[2 + ((i / 2) % 2) * 2], false, 1e18, 150e18);
    }

    // ---------------------------------------------------------------- helpers

    function _check(bytes memory checkData) internal view returns (bool needed, LiquidationAutomation.Action[] memory) {
        (bool upkeepNeeded, bytes memory performData) = automation.checkUpkeep(checkData);
        return (upkeepNeeded, abi.decode(performData, (LiquidationAutomation.Action[])));
    }

    function _count(
        LiquidationAutomation.Action[] memory actions,
        LiquidationAutomation.ActionKind kind
    ) internal pure returns (uint256 n) {
        for (uint256 i; i < actions.length; ++i) if (actions[i].kind == kind) ++n;
    }

    function _has(
        LiquidationAutomation.Action[] memory actions,
        LiquidationAutomation.ActionKind kind,
        address account,
        uint256 id
    ) internal pure returns (bool) {
        for (uint256 i; i < actions.length; ++i) {
            if (actions[i].kind == kind && actions[i].account == account && actions[i].id == id) return true;
        }
        return false;
    }

    function _watchAll() internal {
        automation.watch(accounts);
    }

    /// @dev Counts ActionPerformed and ActionSkipped in the recorded logs.
    function _results(Vm.Log[] memory logs) internal view returns (uint256 performed, uint256 skipped) {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(automation)) continue;
            if (logs[i].topics[0] == LiquidationAutomation.ActionPerformed.selector) ++performed;
            if (logs[i].topics[0] == LiquidationAutomation.ActionSkipped.selector) ++skipped;
        }
    }

    // ---------------------------------------------------------------- construction

    function test_constructor_rejectsInvalidConfig() public {
        vm.expectRevert(LiquidationAutomation.Automation_InvalidConfig.selector);
        new LiquidationAutomation(ILiquidationEngine(address(0)), settlement, book, registry, risk, BATCH);
        vm.expectRevert(LiquidationAutomation.Automation_InvalidConfig.selector);
        new LiquidationAutomation(engine, ISettlement(address(0)), book, registry, risk, BATCH);
        vm.expectRevert(LiquidationAutomation.Automation_InvalidConfig.selector);
        new LiquidationAutomation(engine, settlement, IPositionBook(address(0)), registry, risk, BATCH);
        vm.expectRevert(LiquidationAutomation.Automation_InvalidConfig.selector);
        new LiquidationAutomation(engine, settlement, book, ISeriesRegistry(address(0)), risk, BATCH);
        vm.expectRevert(LiquidationAutomation.Automation_InvalidConfig.selector);
        new LiquidationAutomation(engine, settlement, book, registry, IRiskController(address(0)), BATCH);
        vm.expectRevert(LiquidationAutomation.Automation_InvalidConfig.selector);
        new LiquidationAutomation(engine, settlement, book, registry, risk, 0);
        uint256 maxBatch = automation.MAX_BATCH();
        vm.expectRevert(LiquidationAutomation.Automation_InvalidConfig.selector);
        new LiquidationAutomation(engine, settlement, book, registry, risk, maxBatch + 1);
        LiquidationAutomation largest = new LiquidationAutomation(engine, settlement, book, registry, risk, maxBatch);
        assertEq(largest.maxActions(), maxBatch * 34, "max actions: 1 start + 32 settlements per account + pokes");
    }

    // ---------------------------------------------------------------- watch list

    function test_watch_addsOnlyAccountsWithPositionsOnce() public {
        address[] memory list = new address[](4);
        (list[0], list[1], list[2], list[3]) = (accounts[0], STRANGER, accounts[0], accounts[1]);
        vm.expectEmit(true, false, false, false, address(automation));
        emit LiquidationAutomation.AccountWatched(accounts[0]);
        vm.prank(STRANGER);
        assertEq(automation.watch(list), 2, "two added");
        assertTrue(automation.isWatched(accounts[0]) && automation.isWatched(accounts[1]), "watched");
        assertFalse(automation.isWatched(STRANGER), "no positions: not watched");
        assertEq(automation.watchedAccounts().length, 2, "length");
        assertEq(automation.watch(list), 0, "idempotent");
    }

    function test_watch_boundedInTotal() public {
        LiquidationAutomation open = new LiquidationAutomation(
            engine,
            settlement,
            IPositionBook(address(new StubEveryoneHoldsBook())),
            registry,
            risk,
            BATCH
        );
        uint256 max = open.MAX_WATCHED();
        address[] memory batch = new address[](100);
        for (uint256 b; b < max / 100; ++b) {
            for (uint256 i; i < 100; ++i) batch[i] = address(uint160(0x10000 + b * 100 + i));
            open.watch(batch);
        }
        assertEq(open.watchedAccounts().length, max, "full");
        // Re-watching members is a no-op even when full; a newcomer is refused with the bound.
        assertEq(open.watch(batch), 0, "members skipped");
        address[] memory one = new address[](1);
        one[0] = address(0xFFFFF);
        vm.expectRevert(abi.encodeWithSelector(LiquidationAutomation.Automation_WatchListFull.selector, max));
        open.watch(one);
        // The check still scans only maxBatch accounts.
        (bool needed, bytes memory data) = open.checkUpkeep("");
        assertTrue(needed, "pokes due");
        LiquidationAutomation.Action[] memory actions = abi.decode(data, (LiquidationAutomation.Action[]));
        assertEq(_count(actions, LiquidationAutomation.ActionKind.StartAuction), 0, "none startable");
    }

    function test_prune_removesOnlyEmptyAccountsWithoutDebt() public {
        _watchAll();
        _expireAt(3_000e8); // both calls expire at or out of the money: nothing owed
        settlement.settle(accounts[0], seriesIds[2]);
        address[] memory list = new address[](3);
        (list[0], list[1], list[2]) = (accounts[0], accounts[1], STRANGER);
        vm.expectEmit(true, false, false, false, address(automation));
        emit LiquidationAutomation.AccountUnwatched(accounts[0]);
        vm.prank(STRANGER);
        assertEq(automation.prune(list), 1, "only the settled account");
        assertFalse(automation.isWatched(accounts[0]), "pruned");
        assertTrue(automation.isWatched(accounts[1]), "still holds its long");
        address[] memory rest = automation.watchedAccounts();
        assertEq(rest.length, 7, "seven left");
        // Swap-and-pop keeps the index consistent: prune the moved-in account later.
        settlement.settle(accounts[7], seriesIds[4]);
        list[0] = accounts[7];
        assertEq(automation.prune(list), 1, "the moved account");
        assertEq(automation.watchedAccounts().length, 6, "six left");
    }

    function test_prune_keepsAccountsWithSettlementDebt() public {
        _watchAll();
        // accounts[0] is short the 3000 call; at 4,000 it owes 1,000 but we drain its balance first.
        vm.prank(accounts[0]);
        vault.withdraw(accounts[0], address(usdc), 100_000e6 + 150e6 - 1_000e6 + 1, accounts[0]);
        _expireAt(4_000e8);
        settlement.settle(accounts[0], seriesIds[2]);
        assertTrue(settlement.debtOf(accounts[0]) > 0, "in debt");
        address[] memory list = new address[](1);
        list[0] = accounts[0];
        assertEq(automation.prune(list), 0, "debt keeps it watched");
    }

    // ---------------------------------------------------------------- check

    function test_check_reportsStartableWatchedAccountsOnly() public {
        automation.watch(accounts);
        engine.setStartable(accounts[1], true);
        engine.setStartable(STRANGER, true);
        vm.roll(0); // window starts at the cursor: accounts 0..2
        (bool needed, LiquidationAutomation.Action[] memory actions) = _check("");
        assertTrue(needed, "needed");
        assertEq(_count(actions, LiquidationAutomation.ActionKind.StartAuction), 1, "one start");
        assertTrue(_has(actions, LiquidationAutomation.ActionKind.StartAuction, accounts[1], 0), "accounts[1]");
    }

    function test_check_reportsSettlementsOnlyOnceTheExpiryPriceIsProven() public {
        automation.watch(accounts);
        vm.roll(0);
        ethFeed.updateRoundData(uint80(ethFeed.latestRound() + 1), 3_000e8, EXPIRY - 1, EXPIRY - 1);
        vm.warp(EXPIRY + 1);
        _setSpot(3_100e8);
        (, LiquidationAutomation.Action[] memory actions) = _check("");
        assertEq(_count(actions, LiquidationAutomation.ActionKind.Settle), 0, "price not proven yet");
        ethRouter.setExpiryPrice(EXPIRY, ethFeed.latestRound());
        (, actions) = _check("");
        // Window of three: accounts 0, 1, 2, one position each.
        assertEq(_count(actions, LiquidationAutomation.ActionKind.Settle), 3, "three settlements");
        assertTrue(_has(actions, LiquidationAutomation.ActionKind.Settle, accounts[0], seriesIds[2]), "short 3000");
        assertTrue(_has(actions, LiquidationAutomation.ActionKind.Settle, accounts[1], seriesIds[2]), "long 3000");
        assertTrue(_has(actions, LiquidationAutomation.ActionKind.Settle, accounts[2], seriesIds[4]), "short 3300");
    }

    function test_check_reportsDuePokesOnHealthyUnderlyings() public {
        (bool needed, LiquidationAutomation.Action[] memory actions) = _check("");
        assertTrue(needed, "first observations due");
        for (uint256 id = 1; id <= 3; ++id) {
            assertTrue(_has(actions, LiquidationAutomation.ActionKind.Poke, address(0), id), "due");
        }
        risk.poke(ETH_ID);
        vm.warp(block.timestamp + MIN_INTERVAL - 1);
        _setSpot(3_000e8);
        (, actions) = _check("");
        assertFalse(_has(actions, LiquidationAutomation.ActionKind.Poke, address(0), ETH_ID), "rate-limited");
        vm.warp(block.timestamp + 1);
        (, actions) = _check("");
        assertTrue(_has(actions, LiquidationAutomation.ActionKind.Poke, address(0), ETH_ID), "due again");
        // DIV and L2 went stale meanwhile (no update for 10 minutes is fine; an hour and ten is not).
        vm.warp(block.timestamp + MAX_AGE);
        _setSpot(3_000e8);
        (, actions) = _check("");
        assertEq(_count(actions, LiquidationAutomation.ActionKind.Poke), 1, "stale underlyings not poked");
    }

    function test_check_nothingToDo() public {
        risk.poke(ETH_ID);
        risk.poke(DIV_ID);
        risk.poke(L2_ID);
        automation.watch(accounts);
        (bool needed, LiquidationAutomation.Action[] memory actions) = _check("");
        assertFalse(needed, "not needed");
        assertEq(actions.length, 0, "no actions");
    }

    function test_check_scansABoundedRotatingWindow() public {
        automation.watch(accounts);
        for (uint256 i; i < 8; ++i) engine.setStartable(accounts[i], true);
        // 8 accounts, batch 3: rounds = 3; windows start at 0, 3, 6 (mod 8) as the block number advances.
        bool[8] memory seen;
        for (uint256 b = 30; b < 33; ++b) {
            vm.roll(b);
            (, LiquidationAutomation.Action[] memory actions) = _check("");
            assertEq(_count(actions, LiquidationAutomation.ActionKind.StartAuction), BATCH, "bounded by the batch");
            uint256 start = (b % 3) * BATCH;
            for (uint256 k; k < BATCH; ++k) {
                address expected = accounts[(start + k) % 8];
                assertTrue(_has(actions, LiquidationAutomation.ActionKind.StartAuction, expected, 0), "in window");
                seen[(start + k) % 8] = true;
            }
        }
        for (uint256 i; i < 8; ++i) assertTrue(seen[i], "every account within `rounds` blocks");
        // A cursor shifts the window: cursor 4 at a block where rotation adds 0 → accounts 4, 5, 6.
        vm.roll(30);
        (, LiquidationAutomation.Action[] memory shifted) = _check(abi.encode(uint256(4)));
        assertTrue(_has(shifted, LiquidationAutomation.ActionKind.StartAuction, accounts[4], 0), "cursor 4");
        assertTrue(_has(shifted, LiquidationAutomation.ActionKind.StartAuction, accounts[6], 0), "cursor 4 + 2");
        assertFalse(_has(shifted, LiquidationAutomation.ActionKind.StartAuction, accounts[0], 0), "outside");
    }

    function test_check_neverReverts() public {
        automation.watch(accounts);
        engine.setRevertViews(true);
        _check("");
        automation.checkUpkeep(hex"0102"); // shorter than a word: cursor 0
        automation.checkUpkeep(abi.encode(type(uint256).max, uint256(7))); // extra words ignored
        // Every feed stale: no poke, no revert.
        vm.warp(block.timestamp + 1 days);
        (bool needed, LiquidationAutomation.Action[] memory actions) = _check("");
        assertFalse(needed, "nothing healthy to do");
        assertEq(actions.length, 0, "empty");
    }

    // ---------------------------------------------------------------- perform

    function test_perform_executesEveryActionForAnyone() public {
        automation.watch(accounts);
        vm.roll(0);
        engine.setStartable(accounts[2], true);
        _expireAt(3_100e8);
        (bool needed, bytes memory data) = automation.checkUpkeep("");
        assertTrue(needed, "needed");
        vm.recordLogs();
        vm.prank(STRANGER);
        automation.performUpkeep(data);
        (uint256 performed, uint256 skipped) = _results(vm.getRecordedLogs());
        // Start of accounts[2], settlement of accounts 0..2, poke of ETH (DIV and L2 are stale after expiry).
        assertEq(performed, 5, "performed");
        assertEq(skipped, 0, "skipped");
        assertTrue(engine.started(accounts[2]), "auction started");
        for (uint256 i; i < 3; ++i) assertEq(book.openPositionCount(accounts[i]), 0, "settled");
        assertEq(book.openPositionCount(accounts[3]), 1, "outside the window: untouched");
        assertEq(risk.riskState(ETH_ID).lastUpdate, block.timestamp, "poked");
    }

    function test_perform_skipsStaleActionsWithoutRevertingTheBatch() public {
        automation.watch(accounts);
        vm.roll(0);
        engine.setStartable(accounts[0], true);
        engine.setStartable(accounts[1], true);
        _expireAt(3_100e8);
        (, bytes memory data) = automation.checkUpkeep("");
        // Others act first: one auction starts, one position settles, ETH is poked.
        engine.startAuction(accounts[0]);
        settlement.settle(accounts[1], seriesIds[2]);
        risk.poke(ETH_ID);
        vm.recordLogs();
        automation.performUpkeep(data);
        (uint256 performed, uint256 skipped) = _results(vm.getRecordedLogs());
        assertEq(skipped, 3, "start of 0, settlement of 1, poke");
        assertEq(performed, 3, "start of 1, settlements of 0 and 2");
        assertTrue(engine.started(accounts[1]), "still started");
        assertEq(book.openPositionCount(accounts[0]), 0, "settled");
        assertEq(book.openPositionCount(accounts[2]), 0, "settled");
    }

    function test_perform_forgedActionsAreSkipped() public {
        LiquidationAutomation.Action[] memory forged = new LiquidationAutomation.Action[](4);
        forged[0] = LiquidationAutomation.Action(LiquidationAutomation.ActionKind.StartAuction, STRANGER, 0);
        forged[1] = LiquidationAutomation.Action(LiquidationAutomation.ActionKind.Settle, accounts[0], seriesIds[2]);
        forged[2] = LiquidationAutomation.Action(LiquidationAutomation.ActionKind.Settle, STRANGER, 999);
        forged[3] = LiquidationAutomation.Action(LiquidationAutomation.ActionKind.Poke, address(0), 99);
        vm.recordLogs();
        automation.performUpkeep(abi.encode(forged));
        (uint256 performed, uint256 skipped) = _results(vm.getRecordedLogs());
        assertEq(performed, 0, "nothing done");
        assertEq(skipped, 4, "all skipped");
        assertEq(book.openPositionCount(accounts[0]), 1, "not expired: not settled");
    }

    function test_perform_rejectsOversizedBatches() public {
        uint256 max = automation.maxActions();
        LiquidationAutomation.Action[] memory many = new LiquidationAutomation.Action[](max + 1);
        vm.expectRevert(abi.encodeWithSelector(LiquidationAutomation.Automation_TooManyActions.selector, max + 1, max));
        automation.performUpkeep(abi.encode(many));
    }
}
