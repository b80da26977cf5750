// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {Health} from "../../contracts/interfaces/IOracleRouter.sol";
import {RiskFixture} from "../risk/RiskFixture.sol";

/// @notice Price outages on the whole stack (issue 8, findings 13 and 3):
/// - while an underlying's spot is Down, its positions are valued for their owners' exits on the router's outage
///   range (the last observation widened by a shock growing with its age, against the account), so withdrawals of
///   free collateral and risk-reducing closes go through, an unsafe withdrawal and any new risk do not, and
///   `marginOf` (liquidation, fund) still refuses to value the account;
/// - while only the volatility feed is out, closing, withdrawing and liquidating all keep working.
contract PriceOutageTest is RiskFixture {
    address internal thin;
    uint256 internal call3000;
    uint256 internal put2700;

    function setUp() public override {
        super.setUp();
        call3000 = seriesIds[2];
        put2700 = seriesIds[1];
        _fundMakerAndTaker();
        thin = vm.addr(THIRD_KEY);
        _deposit(thin, 4_000e6);
        // The maker is short 10 ETH 3000 calls and long 10 ETH 2700 puts; the taker the other side.
        _trade(MAKER_KEY, taker, call3000, false, 10e18, 150e18);
        _trade(MAKER_KEY, taker, put2700, true, 10e18, 60e18);
        // A thinly collateralised short: 5 calls against 4,000 USDC and the premium.
        _trade(THIRD_KEY, taker, call3000, false, 5e18, 150e18);
    }

    /// @dev Every ETH source (spot and volatility) stops: after its staleness bound the router is Down.
    function _ethOutage(uint256 afterSeconds) internal {
        vm.warp(block.timestamp + afterSeconds);
        (, Health health) = ethRouter.spot();
        assertEq(uint256(health), uint256(Health.Down), "ETH down");
    }

    function _free(address account) internal view returns (uint256 freeUsdc) {
        IMarginEngine.AccountMargin memory m = margin.exitMarginOf(account);
        int256 surplus = m.equityWad - int256(m.initialWad);
        return surplus > 0 ? uint256(surplus) / 1e12 : 0;
    }

    /// @dev The withdrawal reverts for want of initial margin (not for want of a price).
    function _expectWithdrawalRefused(address account, address token, uint256 amount) internal {
        vm.prank(account);
        try vault.withdraw(account, token, amount, account) {
            assertTrue(false, "withdrawal should be refused");
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), IMarginEngine.Margin_InsufficientInitialMargin.selector, "initial margin");
        }
    }

    // ---------------------------------------------------------------- finding 13: spot outage

    /// @dev Healthy users are not trapped: during an ETH outage the maker withdraws free collateral and both sides
    /// close positions, exactly as far as the conservative valuation allows.
    function test_priceOutage_withdrawalsOfFreeCollateralAndReducingClosesGoThrough() public {
        _ethOutage(2 hours);
        // Liquidation's valuation is untouched: it never acts on a price that is not Ok.
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_PriceUnavailable.selector, ETH_ID));
        margin.marginOf(maker);

        uint256 before = usdc.balanceOf(maker);
        vm.prank(maker);
        vault.withdraw(maker, address(usdc), 10_000e6, maker);
        assertEq(usdc.balanceOf(maker), before + 10_000e6, "free collateral withdrawn");

        // Risk-reducing closes: the maker buys back 4 calls and sells back 4 puts to the taker.
        _trade(MAKER_KEY, taker, call3000, true, 4e18, 150e18);
        _trade(MAKER_KEY, taker, put2700, false, 4e18, 60e18);
        assertEq(book.positionOf(maker, call3000), -6e18, "short reduced");
        assertEq(book.positionOf(maker, put2700), 6e18, "long reduced");

        // Exactly the free collateral under the outage valuation leaves, not a unit more.
        uint256 free = _free(maker);
        assertTrue(free > 0, "something is free");
        _expectWithdrawalRefused(maker, address(usdc), free + 1);
        vm.prank(maker);
        vault.withdraw(maker, address(usdc), free, maker);
        IMarginEngine.AccountMargin memory m = margin.exitMarginOf(maker);
        assertTrue(m.equityWad >= int256(m.initialWad), "still at initial margin");
    }

    /// @dev Nothing that adds risk goes through an outage: an opening fill is refused (by the risk controller, and
    /// by the margin engine itself for a side that does not reduce).
    function test_priceOutage_nothingThatAddsRiskGoesThrough() public {
        _ethOutage(2 hours);
        IExchange.Order memory order = _order(maker, call3000, false, 1e18, 150e18, ++_tradeNonce);
        bytes memory signature = _sign(MAKER_KEY, order);
        vm.prank(taker);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ReduceOnly.selector, call3000, taker));
        exchange.fill(order, signature, 1e18, taker);
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_PriceUnavailable.selector, ETH_ID));
        margin.checkInitialMargin(maker);
        vm.expectRevert(abi.encodeWithSelector(ILiquidationEngine.Liquidation_PricesUnhealthy.selector, ETH_ID));
        engine.startAuction(thin);
    }

    /// @dev The outage valuation goes against the account in every direction and widens with the outage: the long
    /// (taker) is worth less and the short (maker) owes more, requirements grow, the longer it lasts.
    function test_priceOutage_valuationGoesAgainstTheAccountAndWidensWithTime() public {
        vm.warp(block.timestamp + 30 minutes);
        _setSpot(3_000e8);
        IMarginEngine.AccountMargin memory longLive = margin.exitMarginOf(taker);
        IMarginEngine.AccountMargin memory shortLive = margin.exitMarginOf(maker);
        IMarginEngine.AccountMargin memory strict = margin.marginOf(maker);
        // With prices up, the exit valuation is the strict one.
        assertEq(shortLive.equityWad, strict.equityWad, "same while Ok");
        assertEq(shortLive.initialWad, strict.initialWad, "same while Ok");

        _ethOutage(1 hours + 11 minutes);
        IMarginEngine.AccountMargin memory longOut = margin.exitMarginOf(taker);
        IMarginEngine.AccountMargin memory shortOut = margin.exitMarginOf(maker);
        assertTrue(longOut.equityWad < longLive.equityWad, "long side worth less");
        assertTrue(shortOut.equityWad < shortLive.equityWad, "short side owes more");
        assertTrue(shortOut.initialWad > shortLive.initialWad, "requirement higher");

        vm.warp(block.timestamp + 3 hours);
        IMarginEngine.AccountMargin memory longLater = margin.exitMarginOf(taker);
        IMarginEngine.AccountMargin memory shortLater = margin.exitMarginOf(maker);
        assertTrue(longLater.equityWad < longOut.equityWad, "wider after longer");
        assertTrue(shortLater.equityWad < shortOut.equityWad, "wider after longer");
        assertTrue(shortLater.maintenanceWad > shortOut.maintenanceWad, "requirement grows");
    }

    /// @dev Collateral whose price is out counts at the low end of its outage range for its owner's exits (zero for
    /// liquidation): a WETH-backed short can take part of its WETH out during an ETH outage.
    function test_priceOutage_collateralCountsAtTheLowEndOfItsRange() public {
        uint256 key = 0xD44;
        address holder = vm.addr(key);
        weth.mint(holder, 10e18);
        vm.startPrank(holder);
        weth.approve(address(vault), 10e18);
        vault.deposit(holder, address(weth), 10e18);
        vm.stopPrank();
        _trade(key, taker, call3000, false, 2e18, 150e18);
        uint256 lastAt = block.timestamp;

        _ethOutage(2 hours);
        assertEq(vault.valueOf(address(weth), 10e18), 0, "strict valuation: zero");
        (uint256 lowE18, , ) = ethRouter.spotBounds();
        uint256 age = block.timestamp - lastAt;
        uint256 shock = 0.1e18 + (0.1e18 * age) / 1 hours;
        assertEq(lowE18, (3_000e18 * (1e18 - shock)) / 1e18, "low end of the range");
        uint256 usdcWad = vault.balanceOf(holder, address(usdc)) * 1e12;
        assertEq(vault.exitCollateralValue(holder), usdcWad + (10 * lowE18 * 8) / 10, "WETH at low x (1 - haircut)");

        vm.prank(holder);
        vault.withdraw(holder, address(weth), 3e18, holder);
        assertEq(weth.balanceOf(holder), 3e18, "part of the WETH left");
        // Not all of it: the short still needs its initial margin under the outage valuation.
        _expectWithdrawalRefused(holder, address(weth), 7e18);
    }

    // ---------------------------------------------------------------- finding 3: volatility outage

    /// @dev Only the volatility feed stops (spot stays Ok): closing, withdrawing free collateral and liquidating an
    /// account below maintenance all keep working.
    function test_volatilityOutage_closingWithdrawingAndLiquidationKeepWorking() public {
        vm.warp(block.timestamp + 2 hours);
        ethFeed.updateAnswer(3_600e8); // spot fresh and Ok; the volatility feed is stale
        (, Health volHealth) = ethRouter.volatility();
        assertEq(uint256(volHealth), uint256(Health.Down), "volatility down");

        _trade(MAKER_KEY, taker, call3000, true, 2e18, 650e18);
        assertEq(book.positionOf(maker, call3000), -8e18, "closed");
        vm.prank(maker);
        vault.withdraw(maker, address(usdc), 5_000e6, maker);

        IMarginEngine.AccountMargin memory m = margin.marginOf(thin);
        assertTrue(m.equityWad < int256(m.maintenanceWad), "thin account underwater");
        engine.startAuction(thin);
        assertTrue(engine.liquidationStatus(thin).inAuction, "auction started");
    }
}
