// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {Health} from "../../contracts/interfaces/IOracleRouter.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {MarginEngine} from "../../contracts/margin/MarginEngine.sol";
import {RiskFixture} from "../risk/RiskFixture.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice The risk controller wired into the whole stack (registry, margin engine, exchange) on real oracles:
/// - the shock multiplier scales every margin requirement exactly as scaled ratios would;
/// - a LUNA-style frozen feed (the primary stops, or sticks at a floor while the market falls) makes the underlying
///   reduce-only: opening fills and listings are refused, closing fills, withdrawals of free collateral and
///   settlement keep working, and no liquidation is allowed;
/// - an L2 sequencer outage and its grace period do the same, and trading resumes when the grace period ends.
contract RiskReduceOnlyTest is RiskFixture {
    address internal newcomer;
    uint256 internal divCall;
    uint256 internal l2Call;

    function setUp() public override {
        super.setUp();
        vm.startPrank(ADMIN);
        for (uint256 id = DIV_ID; id <= L2_ID; ++id) margin.setMarginParams(id, _marginParams(1e18));
        vm.stopPrank();
        vm.startPrank(LISTER);
        divCall = registry.listSeries(DIV_ID, 100e18, EXPIRY, true);
        l2Call = registry.listSeries(L2_ID, 2e18, EXPIRY, true);
        vm.stopPrank();
        _fundMakerAndTaker();
        newcomer = vm.addr(THIRD_KEY);
        _deposit(newcomer, 100_000e6);
        // The maker is short 10 of each call, the taker long.
        _trade(MAKER_KEY, taker, divCall, false, 10e18, 3e18);
        _trade(MAKER_KEY, taker, l2Call, false, 10e18, 0.06e18);
    }

    function _marginParams(uint256 m) internal pure returns (IMarginEngine.MarginParams memory) {
        return
            IMarginEngine.MarginParams({
                initialRatioWad: uint64(_up(0.15e18, m)),
                minInitialRatioWad: uint64(_up(0.1e18, m)),
                maintenanceRatioWad: uint64(_up(0.075e18, m))
            });
    }

    function _up(uint256 ratio, uint256 m) internal pure returns (uint256) {
        return (ratio * m + 1e18 - 1) / 1e18;
    }

    /// @dev Every feed fresh at the current time except those listed as frozen by the test.
    function _refresh(bool divPrimaryFrozen, bool l2PrimaryFrozen) internal {
        _setSpot(ethFeed.latestAnswer());
        if (!divPrimaryFrozen) divPrimaryFeed.updateAnswer(divPrimaryFeed.latestAnswer());
        divSecondaryFeed.updateAnswer(divSecondaryFeed.latestAnswer());
        if (!l2PrimaryFrozen) l2Feed.updateAnswer(l2Feed.latestAnswer());
        l2SecondaryFeed.updateAnswer(l2SecondaryFeed.latestAnswer());
    }

    function _health(uint256 underlyingId) internal view returns (Health health) {
        (, health) = registry.underlyingConfig(underlyingId).router.spot();
    }

    function _expectReduceOnlyFill(
        uint256 makerKey,
        address takerAccount,
        uint256 seriesId,
        bool makerBuys,
        uint256 amount,
        address named
    ) internal {
        IExchange.Order memory order = _order(vm.addr(makerKey), seriesId, makerBuys, amount, 1e18, ++_tradeNonce);
        bytes memory signature = _sign(makerKey, order);
        vm.prank(takerAccount);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ReduceOnly.selector, seriesId, named));
        exchange.fill(order, signature, amount, takerAccount);
    }

    /// @dev Everything reduce-only promises on `underlyingId` / `seriesId`, where the maker is short and the taker
    /// long: openings refused naming the account that adds risk, listing refused, no liquidation, no observation;
    /// a closing fill and a withdrawal of free collateral pass.
    function _assertReduceOnly(uint256 underlyingId, uint256 seriesId, uint256 strikeE18) internal {
        assertFalse(risk.allowsNewRisk(underlyingId), "new risk refused");
        assertFalse(risk.allowsLiquidation(underlyingId), "no liquidation on these prices");
        // No fund decision on these prices; the maker's positions on the underlying are dust against its collateral
        // (LQ10), so only its health keeps it out of an auction.
        ILiquidationEngine.LiquidationStatus memory status = engine.liquidationStatus(maker);
        assertFalse(status.fundPricesOk, "no fund decision on these prices");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.Liquidation_AccountHealthy.selector,
                maker,
                status.equityWad,
                status.maintenanceWad
            )
        );
        engine.startAuction(maker);
        // The taker (long) would buy more: it adds risk.
        _expectReduceOnlyFill(MAKER_KEY, taker, seriesId, false, 1e18, taker);
        // The long sells to a newcomer who would open a long.
        _expectReduceOnlyFill(TAKER_KEY, newcomer, seriesId, false, 1e18, newcomer);
        // The short buys back from a newcomer who would open a short.
        _expectReduceOnlyFill(MAKER_KEY, newcomer, seriesId, true, 1e18, newcomer);
        vm.prank(LISTER);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_ReduceOnly.selector, underlyingId));
        registry.listSeries(underlyingId, strikeE18, EXPIRY + 1 days, false);
        assertFalse(risk.poke(underlyingId), "nothing observed");

        // Closing: the short buys back 4 from the long.
        _trade(MAKER_KEY, taker, seriesId, true, 4e18, 3e18);
        assertEq(book.positionOf(maker, seriesId), -6e18, "short reduced");
        assertEq(book.positionOf(taker, seriesId), 6e18, "long reduced");
        // Free collateral leaves.
        uint256 before = usdc.balanceOf(maker);
        vm.prank(maker);
        vault.withdraw(maker, address(usdc), 10_000e6, maker);
        assertEq(usdc.balanceOf(maker), before + 10_000e6, "withdrawn");
    }

    // ---------------------------------------------------------------- margin scaling

    /// @dev After a volatility spike on ETH, the engine's requirements equal those of an engine without a risk
    /// controller whose ETH ratios are a·m, b·m, c·m (rounded up): the multiplier is applied once, in marginOf.
    function test_multiplier_scalesEveryRequirementExactly() public {
        _trade(MAKER_KEY, taker, seriesIds[2], false, 5e18, 150e18); // short 5 ETH 3000 calls
        IMarginEngine.AccountMargin memory calm = margin.marginOf(maker);
        risk.poke(ETH_ID);
        for (uint256 i; i < 6; ++i) {
            _pokeEthAfter(1 hours, i % 2 == 0 ? int256(2_880e8) : int256(3_000e8));
            _refresh(false, false);
        }
        uint256 m = risk.shockMultiplier(ETH_ID);
        assertGe(m, 1.2e18, "spiked");
        // Engines whose own (unconfigured) risk controllers keep the multiplier at 1.
        MarginEngine scaled = Deploy.marginEngine(
            ADMIN,
            vault,
            book,
            registry,
            settlement,
            Deploy.riskController(ADMIN, registry)
        );
        MarginEngine unscaled = Deploy.marginEngine(
            ADMIN,
            vault,
            book,
            registry,
            settlement,
            Deploy.riskController(ADMIN, registry)
        );
        vm.startPrank(ADMIN);
        scaled.setMarginParams(ETH_ID, _marginParams(m));
        unscaled.setMarginParams(ETH_ID, _marginParams(1e18));
        for (uint256 id = DIV_ID; id <= L2_ID; ++id) {
            // DIV and L2 were never observed: multiplier 1.
            assertEq(risk.shockMultiplier(id), 1e18, "others unscaled");
            scaled.setMarginParams(id, _marginParams(1e18));
            unscaled.setMarginParams(id, _marginParams(1e18));
        }
        vm.stopPrank();
        IMarginEngine.AccountMargin memory got = margin.marginOf(maker);
        IMarginEngine.AccountMargin memory want = scaled.marginOf(maker);
        assertEq(got.equityWad, want.equityWad, "equity");
        assertEq(got.initialWad, want.initialWad, "initial");
        assertEq(got.maintenanceWad, want.maintenanceWad, "maintenance");
        IMarginEngine.AccountMargin memory base = unscaled.marginOf(maker);
        assertEq(got.equityWad, base.equityWad, "equity does not depend on the multiplier");
        assertTrue(got.initialWad > base.initialWad && got.maintenanceWad > base.maintenanceWad, "raised");
        assertTrue(calm.initialWad < got.initialWad, "higher than before the spike");
    }

    function test_setRiskController_onceByGovernance() public {
        assertEq(address(margin.riskController()), address(risk), "the margin engine's, immutable");
        vm.startPrank(ADMIN);
        // The exchange takes it at construction (immutable): nothing to set.
        assertEq(address(exchange.riskController()), address(risk), "exchange's, from its constructor");
        bytes4 registrySet = ISeriesRegistry.Series_RiskControllerAlreadySet.selector;
        vm.expectRevert(abi.encodeWithSelector(registrySet, address(risk)));
        registry.setRiskController(risk);
        vm.stopPrank();
        vm.expectRevert(IMarginEngine.Margin_ZeroAddress.selector);
        Deploy.marginEngine(ADMIN, vault, book, registry, settlement, IRiskController(address(0)));
    }

    // ---------------------------------------------------------------- LUNA-style frozen feed

    /// @dev The primary stops publishing; the secondary (the quorum feed in production) carries on.
    function test_frozenFeed_stalePrimaryIsReduceOnly() public {
        vm.warp(block.timestamp + MAX_AGE + 1);
        _refresh(true, false);
        assertEq(uint256(_health(DIV_ID)), uint256(Health.Degraded), "Degraded");
        _assertReduceOnly(DIV_ID, divCall, 100e18);
        // ETH is unaffected: an opening fill passes there.
        _trade(MAKER_KEY, taker, seriesIds[2], false, 1e18, 150e18);
        assertTrue(risk.allowsNewRisk(ETH_ID), "ETH open");
    }

    /// @dev LUNA, May 2022: the primary keeps publishing a fresh floor while the market falls through it. Only the
    /// cross-check sees it: the sources disagree, the router is Degraded, the underlying reduce-only, and the
    /// multiplier is not fed the stuck price.
    function test_frozenFeed_stuckAtFloorIsReduceOnly() public {
        risk.poke(DIV_ID);
        vm.warp(block.timestamp + 1 hours);
        divSecondaryFeed.updateAnswer(40e8);
        _refresh(false, false); // the primary republishes its floor of 100, fresh
        assertEq(uint256(_health(DIV_ID)), uint256(Health.Degraded), "sources disagree");
        _assertReduceOnly(DIV_ID, divCall, 100e18);
        assertEq(risk.riskState(DIV_ID).lastPriceE18, 100e18, "last observation kept");
    }

    /// @dev Both sources dead after expiry: nothing can be priced, yet settlement at the proven expiry price and
    /// withdrawals of accounts left without positions work.
    function test_frozenFeed_settlementAndFreeWithdrawalsWorkWhenDown() public {
        // Prove the DIV expiry price at 110 (a round before expiry and the first after it).
        divPrimaryFeed.updateRoundData(uint80(divPrimaryFeed.latestRound() + 1), 100e8, EXPIRY - 1, EXPIRY - 1);
        vm.warp(EXPIRY + 1);
        divPrimaryFeed.updateAnswer(110e8);
        divRouter.setExpiryPrice(EXPIRY, divPrimaryFeed.latestRound());
        _expireAt(3_000e8); // ETH and L2 share the expiry: prove ETH's too
        l2Feed.updateRoundData(uint80(l2Feed.latestRound() + 1), 2e8, EXPIRY - 1, EXPIRY - 1);
        l2Feed.updateAnswer(2e8);
        l2Router.setExpiryPrice(EXPIRY, l2Feed.latestRound());
        vm.warp(block.timestamp + 1 days);
        assertEq(uint256(_health(DIV_ID)), uint256(Health.Down), "DIV down");
        assertFalse(risk.allowsLiquidation(DIV_ID), "no liquidation");
        // 10 calls struck at 100 settle at 110: the short pays 100, the long receives it.
        (uint256 paid, ) = settlement.settle(maker, divCall);
        assertEq(paid, 100e6, "short paid");
        (paid, ) = settlement.settle(taker, divCall);
        assertEq(paid, 100e6, "long paid");
        settlement.settle(maker, l2Call);
        settlement.settle(taker, l2Call);
        assertEq(book.openPositionCount(taker), 0, "flat");
        uint256 balance = vault.balanceOf(taker, address(usdc));
        vm.prank(taker);
        vault.withdraw(taker, address(usdc), balance, taker);
        assertEq(vault.balanceOf(taker, address(usdc)), 0, "everything withdrawn with every feed down");
    }

    // ---------------------------------------------------------------- sequencer

    function test_sequencerDownThenGrace_reduceOnlyUntilGraceEnds() public {
        sequencerFeed.updateRoundData(2, 1, block.timestamp, block.timestamp);
        assertEq(uint256(_health(L2_ID)), uint256(Health.Degraded), "secondary only");
        _assertReduceOnly(L2_ID, l2Call, 2e18);

        // Back up after two hours: the grace period runs for another hour.
        vm.warp(block.timestamp + 2 hours);
        sequencerFeed.updateRoundData(3, 0, block.timestamp, block.timestamp);
        _refresh(false, false);
        assertFalse(risk.allowsNewRisk(L2_ID), "grace period");
        _expectReduceOnlyFill(MAKER_KEY, newcomer, l2Call, false, 1e18, newcomer);
        vm.warp(block.timestamp + GRACE - 1);
        _refresh(false, false);
        assertFalse(risk.allowsLiquidation(L2_ID), "last second of grace");
        _trade(MAKER_KEY, taker, l2Call, true, 1e18, 0.06e18); // closing still works

        vm.warp(block.timestamp + 1);
        assertTrue(risk.allowsNewRisk(L2_ID) && risk.allowsLiquidation(L2_ID), "grace over");
        _trade(MAKER_KEY, newcomer, l2Call, false, 1e18, 0.06e18);
        assertEq(book.positionOf(newcomer, l2Call), 1e18, "opening fills resume");
        vm.prank(LISTER);
        registry.listSeries(L2_ID, 2e18, EXPIRY + 1 days, false);
    }
}
