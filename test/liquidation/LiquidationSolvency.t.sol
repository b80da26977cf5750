// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {WAD} from "../../contracts/libraries/Constants.sol";
import {Feeds} from "../utils/Feeds.sol";

/// @notice The solvency review of issue 8, liquidation findings: each test acts as the attacker of the finding did,
/// through the real stack, and is named after the property it protects (see `test/PROPERTIES.md`, "Solvency
/// review (issue 8): liquidation").
contract LiquidationSolvencyTest is LiquidationFixture {
    uint256 internal constant Q = 1e12; // quote units (6 decimals) to WAD
    /// @dev Past the ETH feed's heartbeat and slack: its router reads Down.
    uint256 internal constant OUTAGE = 1 hours + 10 minutes + 1;
    /// @dev BTC's volatility feed (`_listBtcUnderlying`).
    MockV3Aggregator internal btcVol;

    // ------------------------------------------------- finding 2: no fund payment on a price that is not Ok

    /// @dev An account in auction is settled into debt, backed by WETH. During an ETH outage the vault values the
    /// WETH at 0, so the account looks empty; ending its auction then would make the fund pay the whole debt while
    /// the owner keeps the WETH.
    function test_endAuction_noFundPaymentOnAnUnhealthyPrice() public {
        _fundInsurance(100_000e6);
        _deposit(VICTIM, 100e6);
        _depositWeth(VICTIM, 3e18);
        _position(VICTIM, call3000, -10e18);
        _setSpot(3_400e8);
        _start(VICTIM);
        _expireAt(3_400e8);
        settlement.settle(VICTIM, call3000);
        uint256 debt = settlement.debtOf(VICTIM);
        assertGe(debt, 1, "settled into debt");

        vm.warp(block.timestamp + OUTAGE);
        uint256 fundBefore = fund.balance();
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.Liquidation_CollateralPriceUnhealthy.selector, address(weth))
        );
        engine.endAuction(VICTIM);
        assertEq(fund.balance(), fundBefore, "the fund paid nothing");
        assertEq(settlement.debtOf(VICTIM), debt, "the debt is still the owner's");
        assertTrue(engine.liquidationStatus(VICTIM).inAuction, "still in auction");
    }

    // ------------------------------------------------- finding 14: no auction state change on a price not Ok

    /// @dev While ETH is Down the margin engine cannot mark the account; ending its auction then would reset the
    /// discount (and the insolvent ramp) and let the next flag earn a second reward.
    function test_endAuction_noStateChangeWhileAFeedIsDown() public {
        _shortCallVictim();
        _setSpot(3_500e8);
        _start(VICTIM);
        uint256 started = engine.auctionStart(VICTIM);
        vm.warp(block.timestamp + OUTAGE);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_PricesUnhealthy.selector, ETH_ID));
        engine.endAuction(VICTIM);
        assertEq(engine.auctionStart(VICTIM), started, "the auction keeps its start");
    }

    // ------------------------------------------------- finding 4: dust collateral cannot veto a liquidation

    /// @dev The underwater owner deposits one satoshi of a collateral whose feed then goes stale, to freeze its own
    /// liquidation. Worth nothing that can be priced, it is left with the account and does not veto.
    function test_liquidation_dustCollateralWithAStalePriceCannotVeto() public {
        (MockERC20 wbtc, MockV3Aggregator btcFeed) = _listWbtc();
        _shortCallVictim();
        wbtc.mint(VICTIM, 1);
        vm.startPrank(VICTIM);
        wbtc.approve(address(vault), 1);
        vault.deposit(VICTIM, address(wbtc), 1);
        vm.stopPrank();

        // The BTC feed stops; ETH is refreshed and the account is under water.
        vm.warp(block.timestamp + 2 hours);
        _setSpot(3_100e8);
        assertTrue(engine.liquidationStatus(VICTIM).canStart, "a satoshi cannot veto the start");
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertGe(s.maxFractionWad, 1, "a bid can execute");
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, s.maxFractionWad, type(int256).max);
        assertEq(vault.balanceOf(VICTIM, address(wbtc)), 1, "the unpriced satoshi stays with the account");
        assertEq(vault.balanceOf(BIDDER, address(wbtc)), 0, "the bidder did not take what it cannot price");
        btcFeed.updateAnswer(60_000e8);
    }

    /// @dev Collateral at a price that is not Ok blocks only in proportion to its value: WBTC whose two sources
    /// disagree (Degraded) vetoes the start while it is worth more than the dust share of the account, and not once
    /// it is worth less.
    function test_liquidation_unhealthyCollateralBlocksOnlyInProportionToItsValue() public {
        (MockERC20 wbtc, MockV3Aggregator btcFeed, MockV3Aggregator btcFeed2) = _listWbtcTwoSources();
        _shortCallVictim();
        _depositWbtc(VICTIM, 10);
        _setSpot(3_200e8);
        assertTrue(engine.liquidationStatus(VICTIM).canStart, "under water on healthy prices");

        // The sources disagree: WBTC is Degraded. Ten satoshis are dust and do not veto.
        btcFeed2.updateAnswer(50_000e8);
        btcFeed.updateAnswer(60_000e8);
        assertTrue(engine.liquidationStatus(VICTIM).canStart, "dust does not veto");

        // Worth about 600 against an account of thousands, it is more than dust: the auction waits.
        _depositWbtc(VICTIM, 0.01e8);
        assertFalse(engine.liquidationStatus(VICTIM).canStart, "worth more than the dust share: waits");
        vm.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.Liquidation_CollateralPriceUnhealthy.selector, address(wbtc))
        );
        _start(VICTIM);
    }

    /// @dev In a takeover the fund pays for, Degraded dust collateral (left out of the valuation) goes to the fund:
    /// the owner does not keep what the fund paid for, and the bidder is not paid for it twice.
    function test_bid_takeoverHandsUnpricedDustToTheFund() public {
        (MockERC20 wbtc, MockV3Aggregator btcFeed, MockV3Aggregator btcFeed2) = _listWbtcTwoSources();
        _fundInsurance(100_000e6);
        _shortCallVictim();
        _depositWbtc(VICTIM, 10);
        _setSpot(3_500e8);
        _start(VICTIM);
        btcFeed2.updateAnswer(50_000e8);
        btcFeed.updateAnswer(60_000e8);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.insolvent && s.fundPaymentWad > 0, "insolvent, biddable");
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, WAD, 0);
        assertEq(vault.balanceOf(address(fund), address(wbtc)), 10, "the dust went to the fund");
        assertEq(vault.balanceOf(VICTIM, address(wbtc)), 0, "not kept by the owner");
        assertEq(vault.balanceOf(BIDDER, address(wbtc)), 0, "not taken by the bidder");
    }

    // ------------------------------------------------- finding 4: a position in another underlying cannot veto

    /// @dev The underwater owner opens a one-wei BTC call, then BTC's feed goes stale, to freeze its own liquidation
    /// (the engine used to refuse every account holding a position on an unhealthy underlying). Valued
    /// conservatively and worth dust, the position does not veto: the auction starts, a bid executes, and the
    /// position the bidder cannot price stays with the account.
    function test_liquidation_dustPositionOnAStaleUnderlyingCannotVeto() public {
        (MockV3Aggregator btcFeed, uint256 btcCall) = _listBtcUnderlying();
        _shortCallVictim();
        _position(VICTIM, btcCall, -1);

        // The BTC feed stops; ETH is refreshed and the account is under water.
        vm.warp(block.timestamp + 2 hours);
        _setSpot(3_100e8);
        assertFalse(risk.allowsLiquidation(BTC_ID), "BTC is not liquidatable on its own");
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.pricesOk, "a wei of BTC is within the dust share");
        assertFalse(s.fundPricesOk, "fund decisions still wait for BTC");
        assertTrue(s.canStart, "a wei of BTC cannot veto the start");
        _start(VICTIM);
        s = engine.liquidationStatus(VICTIM);
        assertGe(s.maxFractionWad, 1, "a bid can execute");
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, s.maxFractionWad, type(int256).max);
        assertTrue(book.positionOf(BIDDER, call3000) < 0, "the bidder took ETH risk");
        assertEq(book.positionOf(VICTIM, btcCall), -1, "the unpriced BTC position stays with the account");
        assertEq(book.positionOf(BIDDER, btcCall), 0, "the bidder did not take what it cannot price");
        btcFeed.updateAnswer(60_000e8);
    }

    /// @dev A position on an unhealthy underlying blocks only in proportion to what it contributes: a BTC short
    /// worth more than the dust share of the account makes the auction wait (named by the underlying), a smaller
    /// one does not; the account's equity and maintenance count it at the adverse end of BTC's outage range.
    function test_liquidation_positionOnAnUnhealthyUnderlyingBlocksOnlyInProportionToItsValue() public {
        (, uint256 btcCall) = _listBtcUnderlying();
        _shortCallVictim();
        _position(VICTIM, btcCall, -0.001e18);
        vm.warp(block.timestamp + 2 hours);
        _setSpot(3_100e8);
        ILiquidationEngine.LiquidationStatus memory small = engine.liquidationStatus(VICTIM);
        assertTrue(small.canStart, "a small BTC short (a few dollars of risk) does not veto");

        uint256 snap = vm.snapshotState();
        _position(VICTIM, btcCall, -0.1e18);
        ILiquidationEngine.LiquidationStatus memory big = engine.liquidationStatus(VICTIM);
        assertFalse(big.pricesOk, "worth more than the dust share: waits");
        assertFalse(big.canStart, "no start");
        assertTrue(big.equityWad < small.equityWad, "the bigger short counts against equity");
        assertTrue(big.maintenanceWad > small.maintenanceWad, "and in maintenance");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_PricesUnhealthy.selector, BTC_ID));
        _start(VICTIM);
        vm.revertToState(snap);

        // The conservative value: the BTC part equals the margin engine's exit valuation of that position alone.
        uint256[] memory ids = new uint256[](1);
        int256[] memory sizes = new int256[](1);
        (ids[0], sizes[0]) = (btcCall, -0.001e18);
        IMarginEngine.AccountMargin memory btc = margin.positionsMarginOf(ids, sizes, true);
        (ids[0], sizes[0]) = (call3000, -10e18);
        IMarginEngine.AccountMargin memory eth = margin.positionsMarginOf(ids, sizes, false);
        assertEq(small.maintenanceWad, btc.maintenanceWad + eth.maintenanceWad, "maintenance adds up");
        assertEq(
            small.equityWad,
            int256(vault.collateralValue(VICTIM)) + btc.equityWad + eth.equityWad,
            "equity adds up"
        );
    }

    /// @dev The dust rule for positions, on random sizes of a BTC short whose feed then goes stale and random ETH
    /// moves: the engine acts exactly when the BTC positions' conservative |marks| + maintenance are within the dust
    /// share of the account (recomputed here from the margin engine's parts), a bid never takes them, and whenever
    /// the engine refuses it names BTC.
    function testFuzz_liquidation_positionOnAnUnhealthyUnderlyingBlocksExactlyAboveTheDustShare(
        uint256 btcSizeSeed,
        uint256 ethSpotSeed
    ) public {
        (, uint256 btcCall) = _listBtcUnderlying();
        _shortCallVictim();
        // From one wei to 0.3 BTC, log-uniform-ish: the threshold (a few hundredths of a BTC call) sits inside.
        uint256 btcSize = 1 + (btcSizeSeed % 3e17) / (10 ** (btcSizeSeed % 18));
        _position(VICTIM, btcCall, -int256(btcSize));
        vm.warp(block.timestamp + 2 hours);
        _setSpot(int256(3_050e8 + (ethSpotSeed % 400e8)));

        uint256[] memory ids = new uint256[](1);
        int256[] memory sizes = new int256[](1);
        (ids[0], sizes[0]) = (btcCall, -int256(btcSize));
        IMarginEngine.AccountMargin memory btc = margin.positionsMarginOf(ids, sizes, true);
        (ids[0], sizes[0]) = (call3000, -10e18);
        IMarginEngine.AccountMargin memory eth = margin.positionsMarginOf(ids, sizes, false);
        uint256 btcMarks = uint256(btc.equityWad < 0 ? -btc.equityWad : btc.equityWad);
        uint256 size = _balance(VICTIM) * Q +
            btcMarks +
            btc.maintenanceWad +
            eth.maintenanceWad +
            settlement.debtOf(VICTIM) * Q;
        bool dust = (btcMarks + btc.maintenanceWad) * WAD <= engine.UNHEALTHY_COLLATERAL_SHARE_WAD() * size;

        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertEq(s.pricesOk ? 1 : 0, dust ? 1 : 0, "the engine acts exactly within the dust share");
        assertFalse(s.fundPricesOk, "fund decisions wait for BTC");
        bool underwater = s.equityWad < int256(s.maintenanceWad);
        if (!dust || !underwater) {
            assertFalse(s.canStart, "no start");
            return;
        }
        assertTrue(s.canStart, "startable");
        _start(VICTIM);
        s = engine.liquidationStatus(VICTIM);
        if (s.insolvent) {
            vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_PricesUnhealthy.selector, BTC_ID));
            vm.prank(BIDDER);
            engine.bid(VICTIM, BIDDER, WAD, 0);
            return;
        }
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, s.maxFractionWad, type(int256).max);
        assertEq(book.positionOf(VICTIM, btcCall), -int256(btcSize), "the BTC short stays with the account");
        assertEq(book.positionOf(BIDDER, btcCall), 0, "never taken");
    }

    /// @dev Fund decisions still wait for Ok prices: an insolvent account holding a dust position on a stale
    /// underlying can be flagged, but the takeover the fund pays for waits until BTC's price returns.
    function test_liquidation_fundDecisionWaitsForAPositionOnAnUnhealthyUnderlying() public {
        (MockV3Aggregator btcFeed, uint256 btcCall) = _listBtcUnderlying();
        _fundInsurance(100_000e6);
        _shortCallVictim();
        _position(VICTIM, btcCall, -1);
        vm.warp(block.timestamp + 2 hours);
        _setSpot(3_500e8);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.insolvent && s.canStart, "insolvent, startable");
        _start(VICTIM);
        s = engine.liquidationStatus(VICTIM);
        assertEq(s.maxFractionWad, 0, "no takeover on an unhealthy price");
        assertEq(s.fundPaymentWad, 0, "no fund payment on an unhealthy price");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_PricesUnhealthy.selector, BTC_ID));
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, WAD, 0);

        btcFeed.updateAnswer(60_000e8);
        btcVol.updateAnswer(0.7e18);
        s = engine.liquidationStatus(VICTIM);
        assertTrue(s.fundPricesOk && s.maxFractionWad == WAD, "taken over once BTC is Ok");
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, WAD, 0);
        assertEq(book.openPositionCount(VICTIM), 0, "taken over whole");
    }

    // ------------------------------------------------- finding 5: a loss of any size is resolved in bounded steps

    /// @dev An insolvency larger than the fund plus the vault's per-event socialisation cap: the bid must not revert
    /// with `Vault_LossTooLarge`; what cannot be paid now is a claim of the bidder, resolved in capped steps.
    function test_bid_largeInsolvencyNeverRevertsOnTheSocialisationCap() public {
        address bigBidder = address(0xB16);
        _deposit(bigBidder, 40_000_000e6);
        _deposit(VICTIM, 2_000_000e6);
        _position(VICTIM, call3000, -5_000e18);
        _setSpot(6_000e8);
        _start(VICTIM);
        vm.warp(block.timestamp + 20 minutes);
        _setSpot(6_000e8);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.insolvent, "insolvent");
        uint256 owed = s.fundPaymentWad / Q;
        uint256 cap = Math.mulDiv(vault.totalBalance(address(usdc)), vault.MAX_SOCIALISED_LOSS_WAD(), WAD);
        assertGe(owed, cap + 1, "beyond one socialisation event");

        vm.prank(bigBidder);
        int256 payment = engine.bid(VICTIM, bigBidder, WAD, 0);
        assertEq(payment, -int256(owed), "the whole payment is owed to the bidder");
        assertEq(book.openPositionCount(VICTIM), 0, "the account was taken over");
        uint256 claim = engine.lossClaimOf(bigBidder);
        assertEq(claim, owed - cap, "the rest is the bidder's claim");

        // Each step spreads at most one capped event; the claim falls to zero in a bounded number of steps.
        uint256 steps;
        while (engine.lossClaimOf(bigBidder) != 0) {
            uint256 before = engine.lossClaimOf(bigBidder);
            uint256 stepCap = Math.mulDiv(vault.totalBalance(address(usdc)), vault.MAX_SOCIALISED_LOSS_WAD(), WAD);
            engine.resolveLossClaim(bigBidder);
            assertEq(before - engine.lossClaimOf(bigBidder), Math.min(before, stepCap), "one capped step");
            ++steps;
            assertLe(steps, 20, "bounded steps");
        }
        assertEq(engine.totalLossClaims(), 0, "every claim resolved");
    }

    /// @dev An account settled into a debt beyond the fund and one socialisation event: `endAuction` resolves it into
    /// the series pool one capped step per call, keeping the auction open until the debt is gone.
    function test_endAuction_largeDebtResolvedInBoundedSteps() public {
        _deposit(VICTIM, 1_000e6);
        _position(VICTIM, call3000, -5_000e18);
        _setSpot(3_400e8);
        _start(VICTIM);
        _expireAt(3_400e8);
        settlement.settle(VICTIM, call3000);
        uint256 debt = settlement.debtOf(VICTIM);
        uint256 cap = Math.mulDiv(vault.totalBalance(address(usdc)), vault.MAX_SOCIALISED_LOSS_WAD(), WAD);
        assertGe(debt, cap + 1, "beyond one socialisation event");

        uint256 steps;
        while (engine.liquidationStatus(VICTIM).inAuction) {
            uint256 before = settlement.debtOf(VICTIM);
            uint256 stepCap = Math.mulDiv(vault.totalBalance(address(usdc)), vault.MAX_SOCIALISED_LOSS_WAD(), WAD);
            engine.endAuction(VICTIM);
            assertEq(before - settlement.debtOf(VICTIM), Math.min(before, stepCap), "one capped step");
            ++steps;
            assertLe(steps, 20, "bounded steps");
        }
        assertGe(steps, 2, "more than one step");
        assertEq(settlement.debtOf(VICTIM), 0, "debt resolved");
        assertEq(settlement.poolOf(call3000), 2_000_000e6, "the longs' pool is whole");
    }

    // ------------------------------------------------- finding 6: transfers and insolvency at market value

    /// @dev WETH-backed short calls, under water at haircut value but solvent at market: the account is not
    /// insolvent, the fund pays nothing, and the bidder pays for the market value of what it takes.
    function test_auction_valuesWhatChangesHandsAtMarket() public {
        _fundInsurance(100_000e6);
        _depositWeth(VICTIM, 3e18);
        _position(VICTIM, call3000, -10e18);
        _setSpot(4_000e8);
        IMarginEngine.AccountMargin memory m = margin.marginOf(VICTIM);
        int256 marksWad = m.equityWad - int256(vault.collateralValue(VICTIM));
        int256 marketGrossWad = marksWad + int256(3 * 4_000e18);
        assertTrue(m.equityWad < 0 && marketGrossWad > 0, "insolvent at haircut, solvent at market");

        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertFalse(s.insolvent, "not insolvent at market");
        assertEq(s.grossValueWad, uint256(marketGrossWad), "gross value at market");
        _start(VICTIM);
        s = engine.liquidationStatus(VICTIM);
        assertEq(s.fundPaymentWad, 0, "no fund payment");
        uint256 fundBefore = fund.balance();
        uint256 victimQuoteBefore = _balance(VICTIM);
        vm.prank(BIDDER);
        int256 payment = engine.bid(VICTIM, BIDDER, s.maxFractionWad, type(int256).max);
        assertTrue(payment > 0, "the bidder pays");
        assertEq(fund.balance(), fundBefore, "the fund paid nothing");
        uint256 taken = Math.mulDiv(uint256(marketGrossWad), s.maxFractionWad, WAD, Math.Rounding.Ceil);
        uint256 proceeds = Math.mulDiv(taken, WAD - s.discountWad, WAD, Math.Rounding.Ceil);
        assertEq(_balance(VICTIM) - victimQuoteBefore, Math.ceilDiv(proceeds, Q), "paid at market less the discount");
    }

    // ------------------------------------------------- finding 7: auctions end on real maintenance

    /// @dev The smallest bid that ends the auction must leave the account at or above maintenance, measured, so it
    /// cannot be flagged again (for another reward) without a price move.
    function test_bid_auctionEndsOnlyAtOrAboveMaintenance() public {
        // No collateral, a round long (its slices are exact) and odd shorts: every short slice a bid takes is
        // rounded down, so the account keeps a little more risk than a linear prediction assumes.
        uint256[2] memory sizes = [uint256(20246913578246913579), 20370370367370370368];
        for (uint256 i; i < sizes.length; ++i) {
            uint256 snap = vm.snapshotState();
            _smallestEndingBidLeavesMaintenance(sizes[i]);
            vm.revertToState(snap);
        }
    }

    function _smallestEndingBidLeavesMaintenance(uint256 size) internal {
        _position(VICTIM, call2700, 10e18);
        _position(VICTIM, call3300, -int256(size));
        _setSpot(3_300e8);
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertFalse(s.insolvent, "solvent");
        // The smallest fraction that ends the auction.
        uint256 lo;
        uint256 hi = s.maxFractionWad;
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            uint256 snap = vm.snapshotState();
            vm.prank(BIDDER);
            engine.bid(VICTIM, BIDDER, mid, type(int256).max);
            bool ended = !engine.liquidationStatus(VICTIM).inAuction;
            vm.revertToState(snap);
            if (ended) hi = mid;
            else lo = mid;
        }
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, hi, type(int256).max);
        assertFalse(engine.liquidationStatus(VICTIM).inAuction, "ended");
        IMarginEngine.AccountMargin memory m = margin.marginOf(VICTIM);
        assertTrue(m.equityWad >= int256(m.maintenanceWad), "at or above maintenance");
        assertFalse(engine.liquidationStatus(VICTIM).canStart, "no second flag without a price move");
    }

    // ------------------------------------------------- finding 15: insolvent accounts are worth taking at once

    /// @dev At the start of an insolvent auction the fund's payment already covers the deficit plus the start
    /// discount on the account's size, and never exceeds the deficit plus the maximum discount.
    function test_bid_insolventAccountIsWorthTakingAtOnce() public {
        _fundInsurance(100_000e6);
        _shortCallVictim();
        _setSpot(3_500e8);
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.insolvent, "insolvent");
        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        uint256 deficit = uint256(-s.equityWad);
        uint256 base = Math.max(s.grossValueWad, s.maintenanceWad);
        assertEq(s.fundPaymentWad, deficit + Math.mulDiv(base, p.startDiscountWad, WAD), "deficit + start discount");
        vm.warp(block.timestamp + 1 days);
        _setSpot(3_500e8);
        s = engine.liquidationStatus(VICTIM);
        assertLe(s.fundPaymentWad, deficit + Math.mulDiv(base, p.maxDiscountWad, WAD), "bounded by the max discount");
        uint256 bidderBefore = _balance(BIDDER);
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, WAD, -int256(deficit / Q));
        assertGe(_balance(BIDDER), bidderBefore, "the bidder does not lose at the start");
    }

    // ------------------------------------------------- finding 16: bids take "up to" a fraction

    /// @dev A keeper bids the view's maximum fraction; the price moves against the account before the bid is mined,
    /// so the maximum falls. The bid takes the new maximum instead of reverting.
    function test_bid_atTheViewsMaximumIsNeverRefusedForDrift() public {
        _shortCallVictim();
        _setSpot(3_150e8);
        _start(VICTIM);
        uint256 viewMax = engine.liquidationStatus(VICTIM).maxFractionWad;
        assertTrue(viewMax > 0 && viewMax < WAD, "a partial maximum");
        _setSpot(3_145e8);
        uint256 minedMax = engine.liquidationStatus(VICTIM).maxFractionWad;
        assertTrue(minedMax < viewMax, "the maximum drifted down");
        uint256 fraction = Math.min(viewMax, minedMax);
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, viewMax, type(int256).max);
        assertEq(book.positionOf(BIDDER, call3000), -int256(Math.mulDiv(10e18, fraction, WAD)), "took up to the max");
    }

    // ------------------------------------------------- helpers

    /// @dev Lists BTC as a second underlying (`_listBtc`); returns its spot feed and the call.
    function _listBtcUnderlying() internal returns (MockV3Aggregator btcFeed, uint256 btcCall) {
        btcFeed = new MockV3Aggregator(8, 60_000e8);
        btcVol = new MockV3Aggregator(18, 0.7e18);
        btcCall = _listBtc(btcFeed, btcVol);
    }

    function _depositWbtc(address account, uint256 amount) internal {
        MockERC20 wbtc = MockERC20(vault.collaterals()[2]);
        wbtc.mint(account, amount);
        vm.startPrank(account);
        wbtc.approve(address(vault), amount);
        vault.deposit(account, address(wbtc), amount);
        vm.stopPrank();
    }

    function _listWbtcTwoSources() internal returns (MockERC20 wbtc, MockV3Aggregator feed, MockV3Aggregator feed2) {
        wbtc = new MockERC20("Wrapped Bitcoin", "WBTC", 8);
        feed = new MockV3Aggregator(8, 60_000e8);
        feed2 = new MockV3Aggregator(8, 60_000e8);
        OracleRouter btcRouter = Feeds.router(feed, feed2, MockV3Aggregator(address(0)), 0.02e18, 1 hours);
        vm.prank(ADMIN);
        vault.listCollateral(address(wbtc), 0.2e18, btcRouter);
    }

    function _listWbtc() internal returns (MockERC20 wbtc, MockV3Aggregator btcFeed) {
        wbtc = new MockERC20("Wrapped Bitcoin", "WBTC", 8);
        btcFeed = new MockV3Aggregator(8, 60_000e8);
        OracleRouter btcRouter = Feeds.router(
            btcFeed,
            MockV3Aggregator(address(0)),
            MockV3Aggregator(address(0)),
            0,
            0
        );
        vm.prank(ADMIN);
        vault.listCollateral(address(wbtc), 0.2e18, btcRouter);
    }
}
