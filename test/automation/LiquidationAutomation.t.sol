// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {LiquidationAutomation} from "../../contracts/automation/LiquidationAutomation.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";

import {ILiquidationAutomation} from "../../contracts/interfaces/ILiquidationAutomation.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {RiskFixture} from "../risk/RiskFixture.sol";
import {Vm} from "../utils/Vm.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice LiquidationAutomation on the real stack, wired as deploy/modules/Core.ts wires it: book, registry,
/// settlement, oracles, risk controller, insurance fund and liquidation engine (no stub anywhere). Which accounts
/// are startable is decided by the real engine from real margins and prices: the victims below are short calls that
/// fall under maintenance margin when ETH moves from 3,000 to 3,100.
contract LiquidationAutomationTest is RiskFixture {
    uint256 internal constant BATCH = 3;
    address internal constant VICTIM = address(0x51C);
    address internal constant VICTIM2 = address(0x51D);
    /// @dev Quote units (6 decimals) to WAD.
    uint256 internal constant Q = 1e12;

    LiquidationAutomation internal automation;
    /// @dev Eight accounts: pairs (0,1), (2,3), … each hold one short (even) and one long (odd) position.
    address[] internal accounts;
    /// @dev The ATM call a week after the fixture's expiry: the victims' series, still live when the fixture's
    /// series expire.
    uint256 internal lateCall;

    function setUp() public override {
        super.setUp();
        automation = Deploy.automation(engine, settlement, book, registry, risk, BATCH);

        vm.prank(LISTER);
        lateCall = registry.listSeries(ETH_ID, 3_000e18, EXPIRY + 7 days, true);
        for (uint256 i; i < 8; ++i) {
            accounts.push(vm.addr(0xACC0 + i));
            _deposit(accounts[i], 100_000e6);
        }
        // Shorts sell calls (3000 and 3300) to the longs.
        for (uint256 i; i < 8; i += 2) _trade(0xACC0 + i, accounts[i + 1], _seriesOf(i), false, 1e18, 150e18);
    }

    // ---------------------------------------------------------------- helpers

    /// @dev The series accounts[index] holds: pairs 0-1 and 4-5 the 3000 call, pairs 2-3 and 6-7 the 3300 call.
    function _seriesOf(uint256 index) internal view returns (uint256) {
        return seriesIds[2 + ((index / 2) % 2) * 2];
    }

    /// @dev `account` sells 10 late calls to the whale with 5,800 USDC: above maintenance margin at 3,000 and below
    /// it at 3,100, both now and after the fixture's expiry (solvent throughout).
    function _victim(address account) internal {
        _deposit(account, 5_800e6);
        vm.prank(address(exchange));
        book.transferPosition(lateCall, WHALE, account, 10e18);
    }

    /// @dev Watches `lead` first, then the eight accounts: the watch list is in that order.
    function _watchAfter(address[] memory lead) internal {
        automation.watch(lead);
        automation.watch(accounts);
    }

    function _one(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    function _two(address a, address b) internal pure returns (address[] memory list) {
        list = new address[](2);
        (list[0], list[1]) = (a, b);
    }

    function _check(
        bytes memory checkData
    ) internal view returns (bool needed, ILiquidationAutomation.Action[] memory) {
        return _checkOn(automation, checkData);
    }

    function _checkOn(
        LiquidationAutomation target,
        bytes memory checkData
    ) internal view returns (bool needed, ILiquidationAutomation.Action[] memory) {
        (bool upkeepNeeded, bytes memory performData) = target.checkUpkeep(checkData);
        return (upkeepNeeded, abi.decode(performData, (ILiquidationAutomation.Action[])));
    }

    function _count(
        ILiquidationAutomation.Action[] memory actions,
        ILiquidationAutomation.ActionKind kind
    ) internal pure returns (uint256 n) {
        for (uint256 i; i < actions.length; ++i) if (actions[i].kind == kind) ++n;
    }

    function _has(
        ILiquidationAutomation.Action[] memory actions,
        ILiquidationAutomation.ActionKind kind,
        address account,
        uint256 id
    ) internal pure returns (bool) {
        for (uint256 i; i < actions.length; ++i) {
            if (actions[i].kind == kind && actions[i].account == account && actions[i].id == id) return true;
        }
        return false;
    }

    /// @dev Counts ActionPerformed and ActionSkipped of `target` in the recorded logs.
    function _results(
        LiquidationAutomation target,
        Vm.Log[] memory logs
    ) internal pure returns (uint256 performed, uint256 skipped) {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(target)) continue;
            if (logs[i].topics[0] == ILiquidationAutomation.ActionPerformed.selector) ++performed;
            if (logs[i].topics[0] == ILiquidationAutomation.ActionSkipped.selector) ++skipped;
        }
    }

    /// @dev Whether the recorded logs hold `target`'s event `selector` for (kind, account, id).
    function _logged(
        LiquidationAutomation target,
        Vm.Log[] memory logs,
        bytes32 selector,
        ILiquidationAutomation.ActionKind kind,
        address account,
        uint256 id
    ) internal pure returns (bool) {
        for (uint256 i; i < logs.length; ++i) {
            Vm.Log memory entry = logs[i];
            if (entry.emitter != address(target) || entry.topics[0] != selector) continue;
            if (
                entry.topics[1] == bytes32(uint256(kind)) &&
                entry.topics[2] == bytes32(uint256(uint160(account))) &&
                entry.topics[3] == bytes32(id)
            ) return true;
        }
        return false;
    }

    /// @dev The flag reward the engine pays for `account` now: 1 % of maintenance margin, capped at 50 USDC.
    function _expectedReward(address account) internal view returns (uint256) {
        uint256 rewardWad = engine.liquidationStatus(account).maintenanceWad / 100;
        if (rewardWad > 50e18) rewardWad = 50e18;
        return rewardWad / Q;
    }

    // ---------------------------------------------------------------- construction

    function test_constructor_rejectsInvalidConfig() public {
        vm.expectRevert(ILiquidationAutomation.Automation_InvalidConfig.selector);
        Deploy.automation(ILiquidationEngine(address(0)), settlement, book, registry, risk, BATCH);
        vm.expectRevert(ILiquidationAutomation.Automation_InvalidConfig.selector);
        Deploy.automation(engine, ISettlement(address(0)), book, registry, risk, BATCH);
        vm.expectRevert(ILiquidationAutomation.Automation_InvalidConfig.selector);
        Deploy.automation(engine, settlement, IPositionBook(address(0)), registry, risk, BATCH);
        vm.expectRevert(ILiquidationAutomation.Automation_InvalidConfig.selector);
        Deploy.automation(engine, settlement, book, ISeriesRegistry(address(0)), risk, BATCH);
        vm.expectRevert(ILiquidationAutomation.Automation_InvalidConfig.selector);
        Deploy.automation(engine, settlement, book, registry, IRiskController(address(0)), BATCH);
        vm.expectRevert(ILiquidationAutomation.Automation_InvalidConfig.selector);
        Deploy.automation(engine, settlement, book, registry, risk, 0);
        uint256 maxBatch = automation.MAX_BATCH();
        vm.expectRevert(ILiquidationAutomation.Automation_InvalidConfig.selector);
        Deploy.automation(engine, settlement, book, registry, risk, maxBatch + 1);
        LiquidationAutomation largest = Deploy.automation(engine, settlement, book, registry, risk, maxBatch);
        assertEq(
            largest.maxActions(),
            maxBatch * 35,
            "max actions: 1 start + 1 collection + 32 settlements per account + pokes"
        );
        assertEq(address(automation.engine()), address(engine), "the real engine");
    }

    // ---------------------------------------------------------------- watch list

    function test_watch_addsOnlyAccountsWithPositionsOnce() public {
        address[] memory list = new address[](4);
        (list[0], list[1], list[2], list[3]) = (accounts[0], STRANGER, accounts[0], accounts[1]);
        vm.expectEmit(true, false, false, false, address(automation));
        emit ILiquidationAutomation.AccountWatched(accounts[0]);
        vm.prank(STRANGER);
        assertEq(automation.watch(list), 2, "two added");
        assertTrue(automation.isWatched(accounts[0]) && automation.isWatched(accounts[1]), "watched");
        assertFalse(automation.isWatched(STRANGER), "no positions: not watched");
        assertEq(automation.watchedAccounts().length, 2, "length");
        assertEq(automation.watch(list), 0, "idempotent");
    }

    /// @dev MAX_WATCHED real accounts, each long one wei of the 3000 call (opened through the book with the
    /// exchange's trader role, as the liquidation fixture does).
    function test_watch_boundedInTotal() public {
        uint256 max = automation.MAX_WATCHED();
        address[] memory batch = new address[](100);
        for (uint256 b; b < max / 100; ++b) {
            for (uint256 i; i < 100; ++i) {
                batch[i] = address(uint160(0x10000 + b * 100 + i));
                vm.prank(address(exchange));
                book.transferPosition(seriesIds[2], batch[i], WHALE, 1);
            }
            assertEq(automation.watch(batch), 100, "a hundred added");
        }
        address[] memory full = automation.watchedAccounts();
        assertEq(full.length, max, "full");
        // Re-watching members is a no-op even when full; a newcomer with a position is refused with the bound.
        assertEq(automation.watch(batch), 0, "members skipped");
        vm.prank(address(exchange));
        book.transferPosition(seriesIds[2], address(0xFFFFF), WHALE, 1);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationAutomation.Automation_WatchListFull.selector, max));
        automation.watch(_one(address(0xFFFFF)));
        // The check still scans only maxBatch accounts: every watched account is due a settlement after expiry,
        // exactly BATCH of them (this block's window) are reported.
        _expireAt(3_100e8);
        vm.roll(1_000);
        uint256 start = (1_000 % ((max + BATCH - 1) / BATCH)) * BATCH;
        (bool needed, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertTrue(needed, "needed");
        assertEq(_count(actions, ILiquidationAutomation.ActionKind.Settle), BATCH, "bounded by the batch");
        for (uint256 k; k < BATCH; ++k) {
            address expected = full[(start + k) % max];
            assertTrue(_has(actions, ILiquidationAutomation.ActionKind.Settle, expected, seriesIds[2]), "in window");
        }
    }

    function test_prune_removesOnlyEmptyAccountsWithoutDebt() public {
        automation.watch(accounts);
        _expireAt(3_000e8); // both calls expire at or out of the money: nothing owed
        settlement.settle(accounts[0], seriesIds[2]);
        address[] memory list = new address[](3);
        (list[0], list[1], list[2]) = (accounts[0], accounts[1], STRANGER);
        vm.expectEmit(true, false, false, false, address(automation));
        emit ILiquidationAutomation.AccountUnwatched(accounts[0]);
        vm.prank(STRANGER);
        assertEq(automation.prune(list), 1, "only the settled account");
        assertFalse(automation.isWatched(accounts[0]), "pruned");
        assertTrue(automation.isWatched(accounts[1]), "still holds its long");
        address[] memory rest = automation.watchedAccounts();
        assertEq(rest.length, 7, "seven left");
        assertEq(rest[0], accounts[7], "the last account moved into the hole");
        // Swap-and-pop keeps the index consistent: prune the moved-in account later.
        settlement.settle(accounts[7], seriesIds[4]);
        list[0] = accounts[7];
        assertEq(automation.prune(list), 1, "the moved account");
        assertEq(automation.watchedAccounts().length, 6, "six left");
        assertFalse(automation.isWatched(accounts[7]), "pruned too");
    }

    function test_prune_keepsAccountsWithSettlementDebt() public {
        automation.watch(accounts);
        // accounts[0] is short the 3000 call; at 4,000 it owes 1,000 but we drain its balance first.
        vm.prank(accounts[0]);
        vault.withdraw(accounts[0], address(usdc), 100_000e6 + 150e6 - 1_000e6 + 1, accounts[0]);
        _expireAt(4_000e8);
        settlement.settle(accounts[0], seriesIds[2]);
        assertEq(book.openPositionCount(accounts[0]), 0, "no position left");
        assertTrue(settlement.debtOf(accounts[0]) > 0, "in debt");
        assertEq(automation.prune(_one(accounts[0])), 0, "debt keeps it watched");
        assertTrue(automation.isWatched(accounts[0]), "still watched");
    }

    // ---------------------------------------------------------------- debt collection (issue 8, finding 1)

    /// @dev Finding 1, automated and claims first. Bob is long the 2,700 call against Dan and short the 3,000 call,
    /// with WETH and no quote; Dan is short with WETH only. At expiry Bob's long leg finds its pool empty (Dan has
    /// not paid), so his short leaves debt while his own claim is unpaid. Once Dan's debt is collected, Bob's claim
    /// is due: the automation finds Bob's debt and collects it from his own claim, without a collector's capital
    /// and without selling his WETH.
    function test_perform_collectsDebtFromTheDebtorsOwnClaimsFirst() public {
        address bob = address(0xB0B);
        address dan = address(0xDA);
        vm.startPrank(address(exchange));
        book.transferPosition(seriesIds[0], bob, dan, 1e18);
        book.transferPosition(seriesIds[2], WHALE, bob, 1e18);
        vm.stopPrank();
        _depositWeth(bob, 1e18);
        _depositWeth(dan, 1e18);
        automation.watch(_two(bob, dan));
        _expireAt(3_300e8);
        settlement.settle(bob, seriesIds[2]);
        settlement.settle(dan, seriesIds[0]);
        assertEq(settlement.debtOf(bob), 300e6, "Bob's short leg left debt");
        assertEq(settlement.claimOf(bob, seriesIds[0]), 600e6, "while his own claim is unpaid");

        // Nothing the automation can collect yet: Bob's claim is not due and he holds no quote.
        (, ILiquidationAutomation.Action[] memory none) = _check("");
        assertEq(_count(none, ILiquidationAutomation.ActionKind.CollectDebt), 0, "nothing collectible in quote");

        // A keeper with capital collects Dan's debt by buying his WETH: Bob's long leg's pool is funded.
        _deposit(KEEPER, 1_000e6);
        vm.prank(KEEPER);
        settlement.collectDebt(dan, seriesIds[0], address(weth), type(uint256).max, 0);
        assertEq(settlement.claimable(bob, seriesIds[0]), 600e6, "Bob's claim is due");

        (bool needed, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertTrue(needed, "work to do");
        assertTrue(_has(actions, ILiquidationAutomation.ActionKind.CollectDebt, bob, seriesIds[2]), "Bob collected");
        vm.prank(STRANGER);
        automation.performUpkeep(abi.encode(actions));
        assertEq(settlement.debtOf(bob), 0, "debt collected from his own claim");
        assertEq(vault.balanceOf(bob, address(weth)), 1e18, "no WETH sold");
        assertEq(vault.balanceOf(bob, address(usdc)), 300e6, "the net of his claim reaches him");
        assertEq(settlement.claimSeriesOf(bob).length, 0, "no claim left");
        assertEq(settlement.poolOf(seriesIds[2]), 300e6, "the short leg's pool is funded");
        (, actions) = _check("");
        assertEq(_count(actions, ILiquidationAutomation.ActionKind.CollectDebt), 0, "nothing left to collect");
    }

    /// @dev The automation collects a debtor's quote balance (deposited after settlement) with no capital of its
    /// own; a forged or stale collection is skipped without reverting the batch.
    function test_perform_collectsDebtFromTheQuoteBalanceAndSkipsStaleCollections() public {
        automation.watch(accounts);
        vm.prank(accounts[0]);
        vault.withdraw(accounts[0], address(usdc), 100_000e6 + 150e6 - 1_000e6 + 1, accounts[0]);
        _expireAt(4_000e8);
        settlement.settle(accounts[0], seriesIds[2]);
        uint256 debt = settlement.debtOf(accounts[0]);
        assertTrue(debt > 0, "in debt");
        _deposit(accounts[0], 10e6);

        ILiquidationAutomation.Action[] memory forged = new ILiquidationAutomation.Action[](1);
        forged[0] = ILiquidationAutomation.Action(ILiquidationAutomation.ActionKind.CollectDebt, accounts[0], 1);
        vm.prank(STRANGER);
        automation.performUpkeep(abi.encode(forged));
        assertEq(settlement.debtOf(accounts[0]), debt, "a collection on a series without debt is skipped");

        // accounts[0] is index 0: in the window of blocks ≡ 0 (mod 3).
        vm.roll(3);
        (, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertTrue(
            _has(actions, ILiquidationAutomation.ActionKind.CollectDebt, accounts[0], seriesIds[2]),
            "the debt is found"
        );
        vm.prank(STRANGER);
        automation.performUpkeep(abi.encode(actions));
        assertEq(settlement.debtOf(accounts[0]), 0, "repaid from the quote balance");
        assertEq(vault.balanceOf(accounts[0], address(usdc)), 10e6 - debt, "the rest stays");
        assertEq(vault.balanceOf(address(automation), address(usdc)), 0, "the automation paid and kept nothing");
        vm.prank(STRANGER);
        automation.performUpkeep(abi.encode(actions));
        assertEq(vault.balanceOf(accounts[0], address(usdc)), 10e6 - debt, "a stale collection is skipped");
    }

    // ---------------------------------------------------------------- eviction (issue 8, finding 9)

    /// @dev The attack of finding 9 as an attacker runs it: a maker sells one wei of the 3000 call to each of
    /// MAX_WATCHED fresh accounts through the exchange (one quote unit of premium and fee each), and the attacker
    /// watches them all. Their one-wei longs cannot be pruned before expiry.
    function _fillWithDust() internal returns (address[] memory dust) {
        uint256 max = automation.MAX_WATCHED();
        uint256 makerKey = 0xD057;
        _deposit(vm.addr(makerKey), 1_000e6);
        IExchange.Order memory ask = _order(vm.addr(makerKey), seriesIds[2], false, max, 150e18, 1);
        bytes memory signature = _sign(makerKey, ask);
        dust = new address[](max);
        for (uint256 i; i < max; ++i) {
            dust[i] = address(uint160(0xD0000 + i));
            _deposit(dust[i], 2);
            vm.prank(dust[i]);
            exchange.fill(ask, signature, 1, dust[i]);
        }
        assertEq(automation.watch(dust), max, "the list is full of dust");
    }

    function test_evict_dustCannotCrowdARiskyAccountOutOfAutomation() public {
        address[] memory dust = _fillWithDust();
        _victim(VICTIM);
        // Dust stays prunable only at expiry; the risky account takes the place of one dust account instead.
        assertEq(automation.prune(_one(dust[0])), 0, "dust holds a live position");
        vm.prank(STRANGER);
        automation.evict(dust[0], VICTIM);
        assertTrue(automation.isWatched(VICTIM) && !automation.isWatched(dust[0]), "the risky account is in");
        assertEq(automation.watchedAccounts().length, automation.MAX_WATCHED(), "still full");
        // The attacker cannot push it out again with dust.
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationAutomation.Automation_RiskTooSmall.selector,
                dust[0],
                0,
                engine.liquidationStatus(VICTIM).maintenanceWad
            )
        );
        automation.evict(VICTIM, dust[0]);
        // When it falls under maintenance the upkeep flags it (it holds index 0: the window of blocks ≡ 0).
        _setSpot(3_100e8);
        vm.roll(0);
        (bool needed, bytes memory data) = automation.checkUpkeep("");
        assertTrue(needed, "needed");
        assertTrue(
            _has(
                abi.decode(data, (ILiquidationAutomation.Action[])),
                ILiquidationAutomation.ActionKind.StartAuction,
                VICTIM,
                0
            ),
            "reported"
        );
        vm.prank(KEEPER);
        automation.performUpkeep(data);
        assertTrue(engine.liquidationStatus(VICTIM).inAuction, "auctioned through the automation");
    }

    /// @dev Watches the eight traders, then fills the rest of the list with one-wei longs (opened through the book
    /// with the exchange's trader role, as `test_watch_boundedInTotal` does). VICTIM and VICTIM2 are not watched.
    function _fillAfterTraders() internal returns (address[] memory batch) {
        _victim(VICTIM);
        _victim(VICTIM2);
        automation.watch(accounts);
        uint256 max = automation.MAX_WATCHED();
        batch = new address[](max - accounts.length);
        for (uint256 i; i < batch.length; ++i) {
            batch[i] = address(uint160(0x10000 + i));
            vm.prank(address(exchange));
            book.transferPosition(seriesIds[2], batch[i], WHALE, 1);
        }
        automation.watch(batch);
        assertEq(automation.watchedAccounts().length, max, "full");
    }

    function test_evict_onlyWhenFullAndOfAWatchedAccountForANewOne() public {
        automation.watch(accounts);
        _victim(VICTIM);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationAutomation.Automation_WatchListNotFull.selector, 8));
        automation.evict(accounts[1], VICTIM);
        address[] memory batch = _fillAfterTraders();
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationAutomation.Automation_NotEvictable.selector, VICTIM, VICTIM2)
        );
        automation.evict(VICTIM, VICTIM2);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationAutomation.Automation_NotEvictable.selector, accounts[0], accounts[2])
        );
        automation.evict(accounts[0], accounts[2]);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationAutomation.Automation_NotEvictable.selector, batch[0], STRANGER)
        );
        automation.evict(batch[0], STRANGER);
    }

    function test_evict_takesOnlyAPlaceOfLessRisk() public {
        address[] memory batch = _fillAfterTraders();
        uint256 shortMaintenance = engine.liquidationStatus(accounts[0]).maintenanceWad;
        uint256 victimMaintenance = engine.liquidationStatus(VICTIM).maintenanceWad;
        assertTrue(shortMaintenance >= automation.MIN_EVICTING_MAINTENANCE_WAD(), "one short call is a real risk");
        assertTrue(victimMaintenance > shortMaintenance, "ten short calls are more");
        // The whale (long the victims' calls, short the dust's wei) carries a dust maintenance: below the floor it
        // never evicts, not even dust.
        uint256 whaleMaintenance = engine.liquidationStatus(WHALE).maintenanceWad;
        assertTrue(whaleMaintenance < automation.MIN_EVICTING_MAINTENANCE_WAD(), "dust maintenance");
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationAutomation.Automation_RiskTooSmall.selector, WHALE, whaleMaintenance, 0)
        );
        automation.evict(batch[0], WHALE);

        // The larger risk evicts the smaller one and takes its index.
        vm.expectEmit(true, true, true, true, address(automation));
        emit ILiquidationAutomation.AccountEvicted(accounts[0], VICTIM, shortMaintenance, victimMaintenance);
        automation.evict(accounts[0], VICTIM);
        assertEq(automation.watchedAccounts()[0], VICTIM, "in the evicted account's place");
        assertFalse(automation.isWatched(accounts[0]), "out");
        // The smaller risk cannot come back over it, nor over an equal one (accounts[4] is short the same call).
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationAutomation.Automation_RiskTooSmall.selector,
                accounts[0],
                shortMaintenance,
                victimMaintenance
            )
        );
        automation.evict(VICTIM, accounts[0]);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationAutomation.Automation_RiskTooSmall.selector,
                accounts[0],
                shortMaintenance,
                shortMaintenance
            )
        );
        automation.evict(accounts[4], accounts[0]);
        // It takes a one-wei long's place.
        automation.evict(batch[0], accounts[0]);
        assertTrue(automation.isWatched(accounts[0]), "back in, over dust");
    }

    function test_evict_neverOfAStartableAccountNorOnAnUnreadableRisk() public {
        _fillAfterTraders();
        automation.evict(accounts[0], VICTIM);
        // A watched account that can be auctioned now keeps its place.
        _setSpot(3_100e8);
        assertTrue(engine.liquidationStatus(VICTIM).canStart, "startable");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationAutomation.Automation_EvictedIsStartable.selector, VICTIM));
        automation.evict(VICTIM, VICTIM2);
        // Nothing is decided when the engine cannot value an account: every spot source of ETH stale, so its spot
        // is Down (a stale volatility alone no longer stops the valuation: the last signed one is used).
        vm.warp(block.timestamp + 2 hours);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationAutomation.Automation_RiskUnreadable.selector, accounts[2]));
        automation.evict(accounts[2], VICTIM2);
        assertTrue(automation.isWatched(accounts[2]) && !automation.isWatched(VICTIM2), "unchanged");
    }

    // ---------------------------------------------------------------- check

    function test_check_reportsUnderwaterWatchedAccountsOnly() public {
        _victim(VICTIM);
        _victim(VICTIM2);
        _watchAfter(_one(VICTIM)); // VICTIM2 is not watched
        // Healthy at 3,000: nothing to flag in any window.
        for (uint256 b; b < 3; ++b) {
            vm.roll(b);
            (, ILiquidationAutomation.Action[] memory healthy) = _check("");
            assertEq(_count(healthy, ILiquidationAutomation.ActionKind.StartAuction), 0, "healthy: no start");
        }
        _setSpot(3_100e8);
        assertTrue(engine.liquidationStatus(VICTIM2).canStart, "the unwatched victim is startable too");
        // Nine watched, batch 3: the three windows cover the list; only VICTIM is reported, once.
        uint256 starts;
        for (uint256 b; b < 3; ++b) {
            vm.roll(b);
            (bool needed, ILiquidationAutomation.Action[] memory actions) = _check("");
            assertTrue(needed, "pokes at least");
            assertFalse(_has(actions, ILiquidationAutomation.ActionKind.StartAuction, VICTIM2, 0), "not watched");
            starts += _count(actions, ILiquidationAutomation.ActionKind.StartAuction);
            // VICTIM is index 0: in the window of blocks ≡ 0 (mod 3).
            assertEq(
                _has(actions, ILiquidationAutomation.ActionKind.StartAuction, VICTIM, 0),
                b == 0,
                "VICTIM in its window"
            );
        }
        assertEq(starts, 1, "one start over all windows");
    }

    function test_check_reportsSettlementsOnlyOnceTheExpiryPriceIsProven() public {
        automation.watch(accounts);
        vm.roll(0);
        ethFeed.updateRoundData(uint80(ethFeed.latestRound() + 1), 3_000e8, EXPIRY - 1, EXPIRY - 1);
        vm.warp(EXPIRY + 1);
        _setSpot(3_100e8);
        (, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertEq(_count(actions, ILiquidationAutomation.ActionKind.Settle), 0, "price not proven yet");
        ethRouter.setExpiryPrice(EXPIRY, ethFeed.latestRound());
        (, actions) = _check("");
        // Window of three: accounts 0, 1, 2, one position each.
        assertEq(_count(actions, ILiquidationAutomation.ActionKind.Settle), 3, "three settlements");
        assertTrue(_has(actions, ILiquidationAutomation.ActionKind.Settle, accounts[0], seriesIds[2]), "short 3000");
        assertTrue(_has(actions, ILiquidationAutomation.ActionKind.Settle, accounts[1], seriesIds[2]), "long 3000");
        assertTrue(_has(actions, ILiquidationAutomation.ActionKind.Settle, accounts[2], seriesIds[4]), "short 3300");
    }

    function test_check_reportsDuePokesOnHealthyUnderlyings() public {
        (bool needed, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertTrue(needed, "first observations due");
        for (uint256 id = 1; id <= 3; ++id) {
            assertTrue(_has(actions, ILiquidationAutomation.ActionKind.Poke, address(0), id), "due");
        }
        risk.poke(ETH_ID);
        vm.warp(block.timestamp + MIN_INTERVAL - 1);
        _setSpot(3_000e8);
        (, actions) = _check("");
        assertFalse(_has(actions, ILiquidationAutomation.ActionKind.Poke, address(0), ETH_ID), "rate-limited");
        vm.warp(block.timestamp + 1);
        (, actions) = _check("");
        assertTrue(_has(actions, ILiquidationAutomation.ActionKind.Poke, address(0), ETH_ID), "due again");
        // DIV and L2 went stale meanwhile (no update for 10 minutes is fine; an hour and ten is not).
        vm.warp(block.timestamp + MAX_AGE);
        _setSpot(3_000e8);
        (, actions) = _check("");
        assertEq(_count(actions, ILiquidationAutomation.ActionKind.Poke), 1, "stale underlyings not poked");
    }

    /// @dev As `poke`: a clock behind the last observation (a node's lagging simulation clock) reads as too early,
    /// and the check still answers.
    function test_check_pokeNotDueWhileTheClockIsBehindTheLastObservation() public {
        risk.poke(ETH_ID);
        vm.warp(block.timestamp - 30);
        (, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertFalse(_has(actions, ILiquidationAutomation.ActionKind.Poke, address(0), ETH_ID), "not due");
    }

    function test_check_nothingToDo() public {
        risk.poke(ETH_ID);
        risk.poke(DIV_ID);
        risk.poke(L2_ID);
        _victim(VICTIM); // healthy at 3,000
        _watchAfter(_one(VICTIM));
        vm.roll(0); // VICTIM's window
        assertFalse(engine.liquidationStatus(VICTIM).canStart, "healthy");
        (bool needed, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertFalse(needed, "not needed");
        assertEq(actions.length, 0, "no actions");
    }

    function test_check_scansABoundedRotatingWindow() public {
        automation.watch(accounts);
        // After expiry every account is due exactly one settlement: the reported settlements show the window.
        _expireAt(3_100e8);
        // 8 accounts, batch 3: rounds = 3; windows start at 0, 3, 6 (mod 8) as the block number advances.
        bool[8] memory seen;
        for (uint256 b = 30; b < 33; ++b) {
            vm.roll(b);
            (, ILiquidationAutomation.Action[] memory actions) = _check("");
            assertEq(_count(actions, ILiquidationAutomation.ActionKind.Settle), BATCH, "bounded by the batch");
            uint256 start = (b % 3) * BATCH;
            for (uint256 k; k < BATCH; ++k) {
                uint256 index = (start + k) % 8;
                assertTrue(
                    _has(actions, ILiquidationAutomation.ActionKind.Settle, accounts[index], _seriesOf(index)),
                    "in window"
                );
                seen[index] = true;
            }
        }
        for (uint256 i; i < 8; ++i) assertTrue(seen[i], "every account within `rounds` blocks");
        // A cursor shifts the window: cursor 4 at a block where rotation adds 0 → accounts 4, 5, 6.
        vm.roll(30);
        (, ILiquidationAutomation.Action[] memory shifted) = _check(abi.encode(uint256(4)));
        assertEq(_count(shifted, ILiquidationAutomation.ActionKind.Settle), BATCH, "shifted window bounded");
        assertTrue(_has(shifted, ILiquidationAutomation.ActionKind.Settle, accounts[4], _seriesOf(4)), "cursor 4");
        assertTrue(_has(shifted, ILiquidationAutomation.ActionKind.Settle, accounts[6], _seriesOf(6)), "cursor 4 + 2");
        assertFalse(_has(shifted, ILiquidationAutomation.ActionKind.Settle, accounts[0], _seriesOf(0)), "outside");
        // Cursors are reduced modulo the length: 4 + 8 is the same window.
        (, ILiquidationAutomation.Action[] memory wrapped) = _check(abi.encode(uint256(12)));
        assertEq(keccak256(abi.encode(wrapped)), keccak256(abi.encode(shifted)), "cursor mod length");
    }

    function test_check_neverReverts() public {
        automation.watch(accounts);
        // The volatility feed goes stale while ETH's spot stays fresh: spot is Ok, so the engine marks the
        // accounts' live options with the last signed volatility (issue 8, finding 3: a volatility outage must not
        // stop liquidation) and its view answers.
        vm.warp(block.timestamp + 2 hours);
        ethFeed.updateAnswer(3_000e8);
        engine.liquidationStatus(accounts[0]);
        (bool needed, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertTrue(_has(actions, ILiquidationAutomation.ActionKind.Poke, address(0), ETH_ID), "ETH still due");
        assertTrue(needed, "needed");
        automation.checkUpkeep(hex"0102"); // shorter than a word: cursor 0
        automation.checkUpkeep(abi.encode(type(uint256).max, uint256(7))); // extra words ignored
        // Every feed stale: no poke, no revert.
        vm.warp(block.timestamp + 1 days);
        (needed, actions) = _check("");
        assertFalse(needed, "nothing healthy to do");
        assertEq(actions.length, 0, "empty");
    }

    // ---------------------------------------------------------------- perform

    function test_perform_executesEveryActionForAnyone() public {
        _victim(VICTIM);
        _watchAfter(_one(VICTIM));
        vm.roll(0); // window: VICTIM, accounts 0 and 1
        _expireAt(3_100e8);
        _setSpot(3_100e8); // a fresh volatility too: the victim's late calls are marked live
        (bool needed, bytes memory data) = automation.checkUpkeep("");
        assertTrue(needed, "needed");
        uint256 reward = _expectedReward(VICTIM);
        uint256 short0 = _balance(accounts[0]);
        uint256 long1 = _balance(accounts[1]);
        vm.recordLogs();
        vm.prank(STRANGER);
        automation.performUpkeep(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        (uint256 performed, uint256 skipped) = _results(automation, logs);
        // Start of VICTIM, settlement of accounts 0 and 1, poke of ETH (DIV and L2 are stale after expiry).
        assertEq(performed, 4, "performed");
        assertEq(skipped, 0, "skipped");
        assertTrue(engine.liquidationStatus(VICTIM).inAuction, "auction started");
        assertEq(_balance(STRANGER), reward, "flag reward forwarded to the performer's vault account");
        assertEq(_balance(address(automation)), 0, "nothing stays with the automation");
        // The expired 3000 call settles at the proven 3,100: the short pays 100, the long receives it.
        assertEq(book.openPositionCount(accounts[0]), 0, "short settled");
        assertEq(book.openPositionCount(accounts[1]), 0, "long settled");
        assertEq(short0 - _balance(accounts[0]), 100e6, "short paid the intrinsic value");
        // Longs share what the series collected pro rata: accounts 4 and 5 hold the other short and long of the
        // series, so half of its shorts have paid and the long receives half now, the rest as a claim.
        assertEq(_balance(accounts[1]) - long1, 50e6, "long received its pro rata share");
        assertEq(settlement.claimOf(accounts[1], _seriesOf(0)), 50e6, "the rest is claimable");
        assertEq(book.openPositionCount(accounts[2]), 1, "outside the window: untouched");
        assertEq(book.openPositionCount(VICTIM), 1, "the victim's live series is not settled");
        assertEq(risk.riskState(ETH_ID).lastUpdate, block.timestamp, "poked");
    }

    function test_perform_flagsUnderwaterWatchedAccount() public {
        _victim(VICTIM);
        automation.watch(_one(VICTIM));
        (, ILiquidationAutomation.Action[] memory actions) = _check("");
        assertFalse(_has(actions, ILiquidationAutomation.ActionKind.StartAuction, VICTIM, 0), "healthy at 3,000");
        _setSpot(3_100e8);
        bytes memory data;
        (, data) = automation.checkUpkeep("");
        actions = abi.decode(data, (ILiquidationAutomation.Action[]));
        assertEq(actions.length, 4, "start and three pokes");
        assertTrue(_has(actions, ILiquidationAutomation.ActionKind.StartAuction, VICTIM, 0), "found underwater");

        uint256 reward = _expectedReward(VICTIM);
        assertTrue(reward > 0, "a reward to pay");
        uint256 victimBefore = _balance(VICTIM);
        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionStarted(VICTIM, address(automation), false, reward);
        vm.expectEmit(true, true, true, true, address(automation));
        emit ILiquidationAutomation.RewardForwarded(VICTIM, KEEPER, reward);
        vm.expectEmit(true, true, true, true, address(automation));
        emit ILiquidationAutomation.ActionPerformed(ILiquidationAutomation.ActionKind.StartAuction, VICTIM, 0);
        vm.prank(KEEPER);
        automation.performUpkeep(data);

        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.inAuction && !s.canStart, "auction running");
        assertEq(engine.auctionStart(VICTIM), block.timestamp, "started now");
        // The engine pays the automation (the flagger), which forwards the reward to whoever performed the upkeep.
        assertEq(_balance(KEEPER), reward, "the performer's vault account");
        assertEq(_balance(address(automation)), 0, "nothing stays with the automation");
        assertEq(victimBefore - _balance(VICTIM), reward, "paid by the victim");
        // Flagged once: the next check no longer reports it and replaying the data skips it.
        (, actions) = _check("");
        assertFalse(_has(actions, ILiquidationAutomation.ActionKind.StartAuction, VICTIM, 0), "already in auction");
        vm.recordLogs();
        automation.performUpkeep(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertTrue(
            _logged(
                automation,
                logs,
                ILiquidationAutomation.ActionSkipped.selector,
                ILiquidationAutomation.ActionKind.StartAuction,
                VICTIM,
                0
            ),
            "replay skipped"
        );
        assertEq(_balance(KEEPER), reward, "no second reward");
        assertEq(_balance(address(automation)), 0, "still nothing kept");
    }

    function test_perform_skipsStartWhenThePriceMovedBack() public {
        _victim(VICTIM);
        automation.watch(_one(VICTIM));
        _setSpot(3_100e8);
        (, bytes memory data) = automation.checkUpkeep("");
        assertTrue(
            _has(
                abi.decode(data, (ILiquidationAutomation.Action[])),
                ILiquidationAutomation.ActionKind.StartAuction,
                VICTIM,
                0
            ),
            "startable at check"
        );
        _setSpot(3_000e8); // healthy again before the perform lands
        uint256 victimBefore = _balance(VICTIM);
        vm.recordLogs();
        automation.performUpkeep(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        (uint256 performed, uint256 skipped) = _results(automation, logs);
        assertEq(skipped, 1, "the start");
        assertEq(performed, 3, "the pokes of the same batch still run");
        assertTrue(
            _logged(
                automation,
                logs,
                ILiquidationAutomation.ActionSkipped.selector,
                ILiquidationAutomation.ActionKind.StartAuction,
                VICTIM,
                0
            ),
            "start skipped"
        );
        assertFalse(engine.liquidationStatus(VICTIM).inAuction, "no auction");
        assertEq(_balance(VICTIM), victimBefore, "no reward taken");
        assertEq(risk.riskState(ETH_ID).lastUpdate, block.timestamp, "poked");
    }

    function test_perform_skipsStaleActionsWithoutRevertingTheBatch() public {
        _victim(VICTIM);
        _victim(VICTIM2);
        // A batch of five so one check holds two starts, three settlements and a poke.
        LiquidationAutomation wide = Deploy.automation(engine, settlement, book, registry, risk, 5);
        wide.watch(_two(VICTIM, VICTIM2));
        wide.watch(accounts);
        vm.roll(0); // window: VICTIM, VICTIM2, accounts 0..2
        _expireAt(3_100e8);
        _setSpot(3_100e8);
        (, ILiquidationAutomation.Action[] memory actions) = _checkOn(wide, "");
        assertEq(actions.length, 6, "two starts, three settlements, ETH's poke");
        bytes memory data = abi.encode(actions);
        // Others act first: a keeper starts VICTIM's auction, accounts[1]'s position settles, ETH is poked.
        uint256 keeperReward = _expectedReward(VICTIM);
        vm.prank(KEEPER);
        engine.startAuction(VICTIM);
        settlement.settle(accounts[1], seriesIds[2]);
        risk.poke(ETH_ID);
        uint256 reward2 = _expectedReward(VICTIM2);
        uint256 performerBefore = _balance(address(this));
        vm.recordLogs();
        wide.performUpkeep(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        (uint256 performed, uint256 skipped) = _results(wide, logs);
        assertEq(skipped, 3, "start of VICTIM, settlement of 1, poke");
        assertEq(performed, 3, "start of VICTIM2, settlements of 0 and 2");
        bytes32 skippedSel = ILiquidationAutomation.ActionSkipped.selector;
        ILiquidationAutomation.ActionKind start = ILiquidationAutomation.ActionKind.StartAuction;
        assertTrue(_logged(wide, logs, skippedSel, start, VICTIM, 0), "keeper was first");
        assertTrue(
            _logged(wide, logs, skippedSel, ILiquidationAutomation.ActionKind.Settle, accounts[1], seriesIds[2]),
            "already settled"
        );
        assertTrue(
            _logged(wide, logs, skippedSel, ILiquidationAutomation.ActionKind.Poke, address(0), ETH_ID),
            "poked"
        );
        assertTrue(_logged(wide, logs, ILiquidationAutomation.ActionPerformed.selector, start, VICTIM2, 0), "started");
        assertTrue(engine.liquidationStatus(VICTIM).inAuction && engine.liquidationStatus(VICTIM2).inAuction, "both");
        assertEq(_balance(KEEPER), keeperReward, "the first flagger keeps VICTIM's reward");
        assertEq(_balance(address(this)) - performerBefore, reward2, "only VICTIM2's reward, to the performer");
        assertEq(_balance(address(wide)), 0, "nothing kept by the automation");
        assertEq(book.openPositionCount(accounts[0]), 0, "settled");
        assertEq(book.openPositionCount(accounts[2]), 0, "settled");
    }

    function test_perform_forgedActionsAreSkipped() public {
        ILiquidationAutomation.Action[] memory forged = new ILiquidationAutomation.Action[](5);
        forged[0] = ILiquidationAutomation.Action(ILiquidationAutomation.ActionKind.StartAuction, STRANGER, 0);
        forged[1] = ILiquidationAutomation.Action(ILiquidationAutomation.ActionKind.StartAuction, accounts[0], 0);
        forged[2] = ILiquidationAutomation.Action(ILiquidationAutomation.ActionKind.Settle, accounts[0], seriesIds[2]);
        forged[3] = ILiquidationAutomation.Action(ILiquidationAutomation.ActionKind.Settle, STRANGER, 999);
        forged[4] = ILiquidationAutomation.Action(ILiquidationAutomation.ActionKind.Poke, address(0), 99);
        vm.recordLogs();
        automation.performUpkeep(abi.encode(forged));
        (uint256 performed, uint256 skipped) = _results(automation, vm.getRecordedLogs());
        assertEq(performed, 0, "nothing done");
        assertEq(skipped, 5, "all skipped");
        assertFalse(engine.liquidationStatus(accounts[0]).inAuction, "healthy: no auction");
        assertEq(book.openPositionCount(accounts[0]), 1, "not expired: not settled");
    }

    function test_perform_rejectsOversizedBatches() public {
        uint256 max = automation.maxActions();
        ILiquidationAutomation.Action[] memory many = new ILiquidationAutomation.Action[](max + 1);
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationAutomation.Automation_TooManyActions.selector, max + 1, max)
        );
        automation.performUpkeep(abi.encode(many));
    }
}
