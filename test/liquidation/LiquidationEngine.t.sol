// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IInsuranceFund} from "../../contracts/interfaces/IInsuranceFund.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {Deploy} from "../utils/Deploy.sol";
import {WAD} from "../../contracts/libraries/Constants.sol";

/// @notice Unit tests of the liquidation engine on the real stack.
contract LiquidationEngineTest is LiquidationFixture {
    uint256 internal constant Q = 1e12; // quote units (6 decimals) to WAD

    // ---------------------------------------------------------------- construction and governance

    function test_constructor_storesDependenciesAndDefaults() public view {
        assertEq(address(engine.vault()), address(vault), "vault");
        assertEq(address(engine.book()), address(book), "book");
        assertEq(address(engine.registry()), address(registry), "registry");
        assertEq(address(engine.margin()), address(margin), "margin");
        assertEq(address(engine.fund()), address(fund), "fund");
        assertEq(address(engine.riskController()), address(risk), "risk controller");
        assertEq(address(engine.settlement()), address(settlement), "settlement from the margin engine");
        assertEq(engine.QUOTE_TO_WAD(), Q, "quote scale");
        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        assertEq(p.startDiscountWad, 0.05e18, "start discount");
        assertEq(p.maxDiscountWad, 0.3e18, "max discount");
        assertEq(p.discountRampSeconds, 15 minutes, "ramp");
        assertEq(p.bufferWad, 0.2e18, "buffer");
        assertEq(p.flagRewardWad, 0.01e18, "flag reward");
        assertEq(p.maxFlagRewardWad, 50e18, "flag reward cap");
        assertEq(p.insolventRampSeconds, 15 minutes, "insolvent ramp");
        assertEq(p.smallAccountWad, 100e18, "small account");
    }

    function test_constructor_revertsOnZeroAddress() public {
        vm.expectRevert(ILiquidationEngine.Liquidation_ZeroAddress.selector);
        Deploy.liquidationEngine(address(0), vault, book, registry, margin, fund, risk);
        vm.expectRevert(ILiquidationEngine.Liquidation_ZeroAddress.selector);
        Deploy.liquidationEngine(ADMIN, IVault(address(0)), book, registry, margin, fund, risk);
        vm.expectRevert(ILiquidationEngine.Liquidation_ZeroAddress.selector);
        Deploy.liquidationEngine(ADMIN, vault, IPositionBook(address(0)), registry, margin, fund, risk);
        vm.expectRevert(ILiquidationEngine.Liquidation_ZeroAddress.selector);
        Deploy.liquidationEngine(ADMIN, vault, book, ISeriesRegistry(address(0)), margin, fund, risk);
        vm.expectRevert(ILiquidationEngine.Liquidation_ZeroAddress.selector);
        Deploy.liquidationEngine(ADMIN, vault, book, registry, IMarginEngine(address(0)), fund, risk);
        vm.expectRevert(ILiquidationEngine.Liquidation_ZeroAddress.selector);
        Deploy.liquidationEngine(ADMIN, vault, book, registry, margin, IInsuranceFund(address(0)), risk);
        vm.expectRevert(ILiquidationEngine.Liquidation_ZeroAddress.selector);
        Deploy.liquidationEngine(ADMIN, vault, book, registry, margin, fund, IRiskController(address(0)));
    }

    function test_setAuctionParams_governanceOnlyAndBounded() public {
        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        p.bufferWad = 0.5e18;
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                KEEPER,
                engine.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(KEEPER);
        engine.setAuctionParams(p);

        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionParamsSet(p);
        vm.prank(ADMIN);
        engine.setAuctionParams(p);
        assertEq(engine.auctionParams().bufferWad, 0.5e18, "set");

        ILiquidationEngine.AuctionParams[7] memory bad;
        for (uint256 i; i < 7; ++i) bad[i] = engine.auctionParams();
        bad[0].startDiscountWad = bad[0].maxDiscountWad + 1;
        bad[1].maxDiscountWad = uint64(engine.MAX_DISCOUNT_WAD() + 1);
        bad[2].discountRampSeconds = 0;
        bad[3].insolventRampSeconds = 0;
        bad[4].bufferWad = uint64(engine.MAX_BUFFER_WAD() + 1);
        bad[5].flagRewardWad = uint64(engine.MAX_FLAG_REWARD_WAD() + 1);
        bad[6].fundShareWad = uint64(engine.MAX_FUND_SHARE_WAD() + 1);
        for (uint256 i; i < 7; ++i) {
            vm.expectRevert(ILiquidationEngine.Liquidation_InvalidParams.selector);
            vm.prank(ADMIN);
            engine.setAuctionParams(bad[i]);
        }
    }

    // ---------------------------------------------------------------- start

    function test_startAuction_revertsOnHealthyAccount() public {
        _shortCallVictim();
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertFalse(s.canStart, "healthy: cannot start");
        assertEq(s.maxFractionWad, 0, "nothing to take");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.Liquidation_AccountHealthy.selector,
                VICTIM,
                s.equityWad,
                s.maintenanceWad
            )
        );
        _start(VICTIM);
    }

    function test_startAuction_paysBoundedFlagRewardAndMatchesStatus() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.canStart && !s.inAuction && !s.insolvent, "startable, solvent");
        assertEq(s.discountWad, 0.05e18, "would start at the start discount");
        // 1% of maintenance margin, below the 50 USDC cap, in quote units rounded down.
        uint256 expected = (s.maintenanceWad / 100) / Q;
        uint256 keeperBefore = _balance(KEEPER);
        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionStarted(VICTIM, KEEPER, false, expected);
        assertEq(_start(VICTIM), expected, "reward");
        assertEq(_balance(KEEPER) - keeperBefore, expected, "paid to the flagger's account");
        assertEq(engine.auctionStart(VICTIM), block.timestamp, "started now");

        ILiquidationEngine.LiquidationStatus memory a = engine.liquidationStatus(VICTIM);
        assertTrue(a.inAuction && !a.canStart, "running");
        assertEq(uint256(s.equityWad - a.equityWad), expected * Q, "the account paid the reward");

        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_AlreadyInAuction.selector, VICTIM));
        _start(VICTIM);
    }

    /// @dev A clock behind the auction's start never happens on chain, but a node may simulate a call with a clock
    /// that lags its latest block: the status then reads as at the start (the starting discount), and a second flag
    /// is told it lost the race, never a Panic(0x11).
    function test_startAuction_clockBehindTheStartReadsAsTheStart() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        uint256 priced = block.timestamp;
        vm.warp(priced + 60);
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory atStart = engine.liquidationStatus(VICTIM);
        vm.warp(priced + 30);
        ILiquidationEngine.LiquidationStatus memory early = engine.liquidationStatus(VICTIM);
        assertTrue(early.inAuction, "still in auction");
        assertEq(early.discountWad, engine.auctionParams().startDiscountWad, "the starting discount");
        assertEq(early.discountWad, atStart.discountWad, "as at the start");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_AlreadyInAuction.selector, VICTIM));
        _start(VICTIM);
    }

    function test_startAuction_flagRewardCappedAndLimitedByQuoteBalance() public {
        // A large account: 1% of maintenance is above the 50 USDC cap.
        _deposit(VICTIM, 40_000e6);
        _position(VICTIM, call3000, -100e18);
        _setSpot(3_100e8);
        assertEq(_start(VICTIM), 50e6, "capped");

        // An account holding its collateral in WETH pays nothing it does not have in quote.
        address other = address(0x0DD);
        _depositWeth(other, 2e18);
        _deposit(other, 1);
        _position(other, call3000, -10e18);
        assertTrue(engine.liquidationStatus(other).canStart, "underwater");
        assertEq(_start(other), 1, "only its quote balance");
        assertEq(_balance(other), 0, "emptied of quote");
    }

    function test_startAuction_revertsOnStaleChainlinkPrice() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        // The feed goes stale (heartbeat 1 hour + 10 minutes slack): the router reports Down / not Ok.
        vm.warp(block.timestamp + 1 hours + 10 minutes + 1);
        volFeed.updateAnswer(0.8e18);
        ILiquidationEngine.LiquidationStatus memory s = _statusOrEmpty(VICTIM);
        assertFalse(s.canStart, "no start on a stale price");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_PricesUnhealthy.selector, ETH_ID));
        _start(VICTIM);
    }

    // ---------------------------------------------------------------- bid: solvent

    function test_bid_matchesStatusAndMovesAFractionOfEverything() public {
        _shortCallVictim();
        _depositWeth(VICTIM, 0.1e18);
        _setSpot(3_100e8);
        _start(VICTIM);
        vm.warp(block.timestamp + 5 minutes);
        _setSpot(3_100e8);

        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        uint256 f = s.maxFractionWad / 2;
        uint256 expectedPayment = Math.ceilDiv(
            Math.mulDiv(
                Math.mulDiv(s.grossValueWad, f, WAD, Math.Rounding.Ceil),
                WAD - s.discountWad,
                WAD,
                Math.Rounding.Ceil
            ),
            Q
        );
        uint256 victimQuote = _balance(VICTIM);
        uint256 bidderQuote = _balance(BIDDER);
        uint256 quoteTaken = (victimQuote * f) / WAD;
        uint256 wethTaken = (0.1e18 * f) / WAD;

        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionBid(VICTIM, BIDDER, f, int256(expectedPayment), s.discountWad, 0);
        vm.prank(BIDDER);
        int256 payment = engine.bid(VICTIM, BIDDER, f, int256(expectedPayment));
        assertEq(payment, int256(expectedPayment), "payment as the status predicts");

        assertEq(book.positionOf(BIDDER, call3000), -int256((10e18 * f) / WAD), "short share, rounded down");
        assertEq(book.positionOf(VICTIM, call3000), -10e18 + int256((10e18 * f) / WAD), "victim keeps the rest");
        assertEq(vault.balanceOf(BIDDER, address(weth)), wethTaken, "weth share");
        assertEq(_balance(VICTIM), victimQuote - quoteTaken + expectedPayment, "victim: quote share out, payment in");
        assertEq(_balance(BIDDER), bidderQuote + quoteTaken - expectedPayment, "bidder: the other side");

        // The victim's margin equity lost the discount on what was sold and gained back the haircut of the WETH sold
        // (sold at market, counted at haircut): up to rounding kept by the account.
        ILiquidationEngine.LiquidationStatus memory a = engine.liquidationStatus(VICTIM);
        int256 lost = s.equityWad - a.equityWad;
        uint256 discountWad = Math.mulDiv(Math.mulDiv(s.grossValueWad, f, WAD), s.discountWad, WAD);
        uint256 haircutWad = Math.mulDiv(wethTaken * 3_100, 0.2e18, WAD);
        int256 expectedLoss = int256(discountWad) - int256(haircutWad);
        // The payment rounds up to whole quote units (in the account's favour).
        assertTrue(lost <= expectedLoss + 1e9, "loss is the discount less the haircut");
        assertTrue(lost + int256(2 * Q) >= expectedLoss, "loss is the discount less the haircut (from below)");
        assertTrue(a.inAuction, "half the maximum does not restore maintenance here");
        // Not less healthy per unit of remaining risk.
        assertGe(_ratio(a), _ratio(s), "(E - MM) / MM did not fall");
    }

    /// @dev Liquidation proceeds: the bidder also pays `fundShareWad` of the discount it earns to the insurance fund;
    /// the liquidated account receives exactly what it would without the share.
    function test_bid_paysTheFundItsShareOfTheDiscount() public {
        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        p.fundShareWad = 0.2e18;
        vm.prank(ADMIN);
        engine.setAuctionParams(p);
        _shortCallVictim();
        _setSpot(3_100e8);
        _start(VICTIM);
        vm.warp(block.timestamp + 5 minutes);
        _setSpot(3_100e8);

        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        uint256 f = s.maxFractionWad / 2;
        uint256 toAccount = Math.ceilDiv(
            Math.mulDiv(
                Math.mulDiv(s.grossValueWad, f, WAD, Math.Rounding.Ceil),
                WAD - s.discountWad,
                WAD,
                Math.Rounding.Ceil
            ),
            Q
        );
        // 20% of f x G x d, in quote units rounded down.
        uint256 toFund = (((s.grossValueWad * f) / WAD) * s.discountWad * 2) / (10 * WAD * Q);
        assertGe(toFund, 1, "a non-zero share in this scenario");
        uint256 fundBefore = fund.balance();
        uint256 victimBefore = _balance(VICTIM);
        uint256 quoteTaken = (victimBefore * f) / WAD;
        uint256 bidderBefore = _balance(BIDDER);

        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.Liquidation_PriceLimitExceeded.selector,
                int256(toAccount + toFund),
                int256(toAccount)
            )
        );
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, f, int256(toAccount));

        vm.prank(BIDDER);
        int256 payment = engine.bid(VICTIM, BIDDER, f, int256(toAccount + toFund));
        assertEq(payment, int256(toAccount + toFund), "the bidder's whole outlay");
        assertEq(fund.balance() - fundBefore, toFund, "the fund's share");
        assertEq(_balance(VICTIM), victimBefore - quoteTaken + toAccount, "the account's side is unchanged");
        assertEq(_balance(BIDDER), bidderBefore + quoteTaken - toAccount - toFund, "the bidder pays both");
    }

    function test_bid_discountRamp() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        _start(VICTIM);
        assertEq(engine.liquidationStatus(VICTIM).discountWad, 0.05e18, "start");
        vm.warp(block.timestamp + 450);
        _setSpot(3_100e8);
        assertEq(engine.liquidationStatus(VICTIM).discountWad, 0.175e18, "halfway");
        vm.warp(block.timestamp + 450);
        _setSpot(3_100e8);
        assertEq(engine.liquidationStatus(VICTIM).discountWad, 0.3e18, "at the end of the ramp");
        vm.warp(block.timestamp + 1 days / 4);
        _setSpot(3_100e8);
        assertEq(engine.liquidationStatus(VICTIM).discountWad, 0.3e18, "capped");
    }

    function test_bid_fractionCappedAtBufferMargin() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        // The formula: f = (BM - E) / (BM - L), BM = MM × 1.2, L = G − G·(1 − d) (quote collateral: no haircut).
        uint256 bm = (s.maintenanceWad * 12) / 10;
        uint256 e = uint256(s.equityWad);
        uint256 lost = s.grossValueWad - (s.grossValueWad * (WAD - s.discountWad)) / WAD;
        uint256 expected = Math.mulDiv(bm - e, WAD, bm - lost);
        assertEq(s.maxFractionWad, expected, "max fraction");
        assertLe(s.maxFractionWad, WAD, "at most everything");

        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_InvalidFraction.selector, 0, expected));
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, 0, type(int256).max);

        // A bid asks up to a fraction: above the maximum it takes the maximum, which restores the buffer margin, so
        // the auction ends (on maintenance).
        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionEnded(VICTIM, false);
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, expected + 1, type(int256).max);
        assertEq(book.positionOf(BIDDER, call3000), -int256((10e18 * expected) / WAD), "took the maximum");
        ILiquidationEngine.LiquidationStatus memory a = engine.liquidationStatus(VICTIM);
        assertFalse(a.inAuction, "ended");
        assertGe(uint256(a.equityWad), a.maintenanceWad, "healthy");
        assertGe(uint256(a.equityWad) + 1e9, (a.maintenanceWad * 12) / 10, "at buffer margin (to rounding)");
        assertEq(engine.auctionStart(VICTIM), 0, "cleared");
    }

    function test_bid_smallAccountMayBeTakenWhole() public {
        _deposit(VICTIM, 150e6);
        _position(VICTIM, call3000, -0.4e18);
        _setSpot(3_100e8);
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertLe(s.grossValueWad, 100e18, "below the small-account threshold");
        assertEq(s.maxFractionWad, WAD, "everything");
        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionEnded(VICTIM, true);
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, WAD, type(int256).max);
        assertEq(book.openPositionCount(VICTIM), 0, "no positions left");
        assertEq(book.positionOf(BIDDER, call3000), -0.4e18, "all taken");
    }

    function test_bid_revertsOnSelfBidUnauthorizedAndPriceLimit() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        _start(VICTIM);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_SelfBid.selector, VICTIM));
        vm.prank(VICTIM);
        engine.bid(VICTIM, VICTIM, 0.1e18, type(int256).max);

        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_Unauthorized.selector, BIDDER, KEEPER));
        vm.prank(KEEPER);
        engine.bid(VICTIM, BIDDER, 0.1e18, type(int256).max);

        // An operator of the bidder may bid for it.
        vm.prank(BIDDER);
        vault.setOperator(KEEPER, true);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        uint256 expected = Math.ceilDiv(
            Math.mulDiv(
                Math.mulDiv(s.grossValueWad, 0.1e18, WAD, Math.Rounding.Ceil),
                WAD - s.discountWad,
                WAD,
                Math.Rounding.Ceil
            ),
            Q
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.Liquidation_PriceLimitExceeded.selector,
                int256(expected),
                int256(expected) - 1
            )
        );
        vm.prank(KEEPER);
        engine.bid(VICTIM, BIDDER, 0.1e18, int256(expected) - 1);
        vm.prank(KEEPER);
        assertEq(engine.bid(VICTIM, BIDDER, 0.1e18, int256(expected)), int256(expected), "at the limit");
    }

    function test_bid_revertsWhenNotInAuctionOrHealthy() public {
        _shortCallVictim();
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_NotInAuction.selector, VICTIM));
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, 0.1e18, type(int256).max);

        _setSpot(3_100e8);
        _start(VICTIM);
        _setSpot(3_000e8);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.inAuction && s.maxFractionWad == 0, "healthy again: nothing to take");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.Liquidation_AccountHealthy.selector,
                VICTIM,
                s.equityWad,
                s.maintenanceWad
            )
        );
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, 0.1e18, type(int256).max);
    }

    function test_bid_revertsOnStaleChainlinkPrice() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        _start(VICTIM);
        vm.warp(block.timestamp + 1 hours + 10 minutes + 1);
        volFeed.updateAnswer(0.8e18);
        assertEq(_statusOrEmpty(VICTIM).maxFractionWad, 0, "no bid on a stale price");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_PricesUnhealthy.selector, ETH_ID));
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, 0.1e18, type(int256).max);
    }

    function test_bid_bidderMustHoldInitialMargin() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        _start(VICTIM);
        address poor = address(0x9008);
        _deposit(poor, 1e6);
        vm.expectRevert(); // Margin_InsufficientInitialMargin from the margin engine, args computed there.
        vm.prank(poor);
        engine.bid(VICTIM, poor, 0.1e18, type(int256).max);
    }

    function test_bid_twoBiddersRace() public {
        _shortCallVictim();
        _setSpot(3_100e8);
        _start(VICTIM);
        uint256 max = engine.liquidationStatus(VICTIM).maxFractionWad;
        // Both keepers read the same maximum; the first takes 30% of it.
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, (max * 3) / 10, type(int256).max);
        uint256 maxAfter = engine.liquidationStatus(VICTIM).maxFractionWad;
        assertLe(maxAfter + 1, max, "the second sees a reduced maximum");
        // The second asks for the maximum it read: it takes what is left of it (never refused for the drift), which
        // ends the auction; a third bid finds none.
        int256 before = book.positionOf(VICTIM, call3000);
        vm.prank(BIDDER2);
        engine.bid(VICTIM, BIDDER2, max, type(int256).max);
        assertEq(book.positionOf(BIDDER2, call3000), -int256((uint256(-before) * maxAfter) / WAD), "took the rest");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_NotInAuction.selector, VICTIM));
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, 0.01e18, type(int256).max);
    }

    // ---------------------------------------------------------------- bid: insolvent

    function test_bid_insolventFundPays() public {
        _shortCallVictim();
        _fundInsurance(100_000e6);
        _setSpot(3_500e8);
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertTrue(s.insolvent && s.maxFractionWad == WAD, "insolvent: all or nothing");
        uint256 base = Math.max(s.grossValueWad, s.maintenanceWad);
        assertEq(s.fundPaymentWad, uint256(-s.equityWad) + (base * 0.05e18) / WAD, "the deficit + the start discount");

        vm.warp(block.timestamp + 450);
        _setSpot(3_500e8);
        s = engine.liquidationStatus(VICTIM);
        base = Math.max(s.grossValueWad, s.maintenanceWad);
        assertEq(s.discountWad, 0.175e18, "halfway up the ramp");
        assertEq(s.fundPaymentWad, uint256(-s.equityWad) + (base * 0.175e18) / WAD, "the deficit + the discount");

        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_InvalidFraction.selector, 0.5e18, WAD));
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, 0.5e18, type(int256).max);

        uint256 fundBefore = fund.balance();
        uint256 bidderBefore = _balance(BIDDER);
        uint256 victimQuote = _balance(VICTIM);
        int256 expected = -int256(s.fundPaymentWad / Q);
        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionBid(VICTIM, BIDDER, WAD, expected, s.discountWad, 0);
        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionEnded(VICTIM, true);
        vm.prank(BIDDER);
        assertEq(engine.bid(VICTIM, BIDDER, WAD, expected), expected, "received from the fund");
        assertEq(fundBefore - fund.balance(), uint256(-expected), "fund paid");
        assertEq(_balance(BIDDER), bidderBefore + victimQuote + uint256(-expected), "collateral plus the payment");
        assertEq(book.positionOf(BIDDER, call3000), -10e18, "took the whole short");
        assertEq(book.openPositionCount(VICTIM), 0, "emptied");
        assertEq(vault.quoteLossIndex(), WAD, "nothing socialised");
    }

    function test_bid_insolventEmptyFundSocialisesProRata() public {
        _shortCallVictim();
        _setSpot(3_500e8);
        _start(VICTIM);
        vm.warp(block.timestamp + 2 hours);
        _setSpot(3_500e8);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        uint256 owed = s.fundPaymentWad / Q;
        uint256 total = vault.totalBalance(address(usdc));
        uint256 whaleBefore = _balance(WHALE);
        uint256 bidder2Before = _balance(BIDDER2);
        uint256 bidderBefore = _balance(BIDDER);
        uint256 victimQuote = _balance(VICTIM);

        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionBid(VICTIM, BIDDER, WAD, -int256(owed), s.discountWad, owed);
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, WAD, 0);

        uint256 index = vault.quoteLossIndex();
        assertEq(index, Math.mulDiv(WAD, total - owed, total), "index = (T - loss) / T");
        assertEq(vault.totalBalance(address(usdc)), total, "total unchanged");
        assertEq(usdc.balanceOf(address(vault)), total, "holdings unchanged");
        // Every quote balance is haircut pro rata (rounded down).
        assertEq(_balance(WHALE), Math.mulDiv(whaleBefore, index, WAD), "whale haircut");
        assertEq(_balance(BIDDER2), Math.mulDiv(bidder2Before, index, WAD), "bystander haircut");
        // The bidder is haircut too but credited the whole socialised payment.
        uint256 bidderExpected = Math.mulDiv(bidderBefore + victimQuote, index, WAD) + owed;
        assertLe(_balance(BIDDER), bidderExpected, "bidder credited (rounded down)");
        assertGe(_balance(BIDDER) + 2, bidderExpected, "bidder credited");
        uint256 sum = _balance(WHALE) + _balance(BIDDER) + _balance(BIDDER2) + _balance(KEEPER) + _balance(VICTIM);
        assertLe(sum, total, "never more than the vault holds");
        assertGe(sum + 5, total, "sum unchanged up to one wei per account");
    }

    // ---------------------------------------------------------------- end

    function test_endAuction_whenPriceMovesBack() public {
        _shortCallVictim();
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_NotInAuction.selector, VICTIM));
        engine.endAuction(VICTIM);

        _setSpot(3_100e8);
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.Liquidation_StillUnderwater.selector,
                VICTIM,
                s.equityWad,
                s.maintenanceWad
            )
        );
        engine.endAuction(VICTIM);

        _setSpot(2_950e8);
        vm.expectEmit(true, true, true, true, address(engine));
        emit ILiquidationEngine.AuctionEnded(VICTIM, false);
        engine.endAuction(VICTIM);
        assertFalse(engine.liquidationStatus(VICTIM).inAuction, "ended");
    }

    // ---------------------------------------------------------------- settlement debt

    /// @dev A 2,700 call of a later expiry: settlement nets an account's positions of one expiry, so a position
    /// that stays open while a settled one left debt must belong to another expiry.
    function _laterCall2700() internal returns (uint256 id) {
        vm.prank(LISTER);
        id = registry.listSeries(ETH_ID, 2_700e18, EXPIRY + 7 days, true);
    }

    function test_bid_repaysSettlementDebtFromProceeds() public {
        // Short two calls; after expiry at 3,400 one is settled into debt while the other (a later expiry) is open.
        uint256 laterCall = _laterCall2700();
        _deposit(VICTIM, 100e6);
        _depositWeth(VICTIM, 0.75e18);
        _position(VICTIM, call3300, -10e18);
        _position(VICTIM, laterCall, -1e18);
        _expireAt(3_400e8);
        _setSpot(3_400e8);
        settlement.settle(VICTIM, call3300); // owes 1,000: pays 100, 900 debt
        assertEq(settlement.debtOf(VICTIM), 900e6, "debt");
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        // 0.75 WETH at 3,400 with a 20% haircut: 510 more at market.
        assertEq(s.grossValueWad, uint256(s.equityWad) + 900e18 + 510e18, "gross adds the debt and the haircut back");
        _start(VICTIM);
        s = engine.liquidationStatus(VICTIM);
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, s.maxFractionWad, type(int256).max);
        // The proceeds (quote) repaid the debt into the series pool.
        uint256 debtLeft = settlement.debtOf(VICTIM);
        assertLe(debtLeft, 900e6, "debt repaid from proceeds");
        assertEq(settlement.poolOf(call3300), 100e6 + (900e6 - debtLeft), "into the pool");
        assertEq(_balance(VICTIM) == 0 || debtLeft == 0, true, "cash first goes to the debt");
    }

    function test_bid_emptiedWithDebtLeftIsCoveredByTheFund() public {
        _fundInsurance(10_000e6);
        uint256 laterCall = _laterCall2700();
        _deposit(VICTIM, 100e6);
        _depositWeth(VICTIM, 0.7e18);
        _position(VICTIM, call3300, -10e18);
        _position(VICTIM, laterCall, -1e18);
        _expireAt(3_400e8);
        _setSpot(3_400e8);
        settlement.settle(VICTIM, call3300);
        // Make the discount costlier than the equity (the whole account sells for less than the debt): the bid
        // must take everything.
        ILiquidationEngine.AuctionParams memory p = engine.auctionParams();
        p.startDiscountWad = 0.5e18;
        p.maxDiscountWad = 0.5e18;
        vm.prank(ADMIN);
        engine.setAuctionParams(p);
        _start(VICTIM);
        ILiquidationEngine.LiquidationStatus memory s = engine.liquidationStatus(VICTIM);
        assertFalse(s.insolvent, "solvent");
        assertEq(s.maxFractionWad, WAD, "all or nothing");
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_InvalidFraction.selector, 0.5e18, WAD));
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, 0.5e18, type(int256).max);

        uint256 fundBefore = fund.balance();
        vm.prank(BIDDER);
        engine.bid(VICTIM, BIDDER, WAD, type(int256).max);
        assertEq(settlement.debtOf(VICTIM), 0, "debt resolved");
        assertEq(settlement.poolOf(call3300), 1_000e6, "pool whole");
        assertEq(_balance(VICTIM), 0, "proceeds went to the debt");
        assertGe(fundBefore, fund.balance() + 1, "the fund paid the rest");
        assertEq(settlement.debtSeriesOf(VICTIM).length, 0, "no debt series left");
    }

    // ---------------------------------------------------------------- helpers

    function _ratio(ILiquidationEngine.LiquidationStatus memory s) internal pure returns (uint256) {
        // (E − MM) / MM shifted by +1 to stay unsigned: E / MM.
        return Math.mulDiv(uint256(s.equityWad), WAD, s.maintenanceWad);
    }

    /// @dev The status, or an empty one when the margin engine cannot mark the account (price Down).
    function _statusOrEmpty(address account) internal view returns (ILiquidationEngine.LiquidationStatus memory s) {
        try engine.liquidationStatus(account) returns (ILiquidationEngine.LiquidationStatus memory status) {
            s = status;
        } catch {
            return s;
        }
    }
}
