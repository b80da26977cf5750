// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {SeriesTerms} from "../../contracts/libraries/SeriesTerms.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {Health, IOracleRouter} from "../../contracts/interfaces/IOracleRouter.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {Accounts} from "../utils/Accounts.sol";
import {Vm} from "../utils/Vm.sol";
import {Deploy} from "../utils/Deploy.sol";
import {Feeds} from "../utils/Feeds.sol";

contract SeriesRegistryTest is Accounts {
    address internal constant BOOK = address(0xB00C);

    /// @dev 2023-11-14 22:13:20 UTC: the next 08:00 UTC is 2023-11-15 08:00 UTC.
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant NEXT_EXPIRY = 1_700_035_200;
    bytes32 internal constant ETH = "ETH";
    bytes32 internal constant BTC = "BTC";
    uint256 internal constant SPOT = 3_000e18;
    uint128 internal constant DEFAULT_CAP = 1_000e18;

    MockV3Aggregator internal primaryFeed;
    MockV3Aggregator internal secondaryFeed;
    OracleRouter internal ethRouter;
    PauseGuard internal guard;
    SeriesRegistry internal registry;
    uint256 internal ethId;

    function setUp() public {
        vm.warp(T0);
        primaryFeed = new MockV3Aggregator(8, 3_000e8);
        secondaryFeed = new MockV3Aggregator(8, 3_000e8);
        ethRouter = Deploy.oracleRouter(
            Feeds.adapter(primaryFeed),
            Feeds.adapter(secondaryFeed),
            IPriceSource(address(0)),
            0.02e18,
            1 hours
        );
        guard = Deploy.pauseGuard(ADMIN, GUARDIAN);
        registry = Deploy.registry(ADMIN, guard);
        vm.startPrank(ADMIN);
        registry.grantRole(registry.LISTER_ROLE(), LISTER);
        registry.grantRole(registry.POSITION_MANAGER_ROLE(), BOOK);
        ethId = registry.addUnderlying(ETH, _config(ethRouter));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Constructor and constants
    // ------------------------------------------------------------------------------------------------------------

    function test_constructor_revertsOnZeroAddress() public {
        vm.expectRevert(ISeriesRegistry.Series_ZeroAddress.selector);
        Deploy.registry(address(0), guard);
        vm.expectRevert(ISeriesRegistry.Series_ZeroAddress.selector);
        Deploy.registry(ADMIN, PauseGuard(address(0)));
    }

    function test_constructor_setsRolesAndConstants() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), ADMIN), "admin");
        assertEq(registry.LISTER_ROLE(), keccak256("LISTER_ROLE"), "lister role id");
        assertEq(registry.POSITION_MANAGER_ROLE(), keccak256("POSITION_MANAGER_ROLE"), "manager role id");
        assertEq(registry.EXPIRY_TIME_OF_DAY(), 8 hours, "expiry time of day");
        assertEq(registry.MIN_TIME_TO_EXPIRY(), 1 hours, "min time to expiry");
        assertEq(registry.MAX_EXPIRY_HORIZON(), 730 days, "max horizon");
        assertEq(address(registry.pauseGuard()), address(guard), "pause guard");
        assertEq(NEXT_EXPIRY % 1 days, 8 hours, "fixture expiry on the grid");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Underlyings
    // ------------------------------------------------------------------------------------------------------------

    function test_addUnderlying_storesConfigAndEmits() public {
        ISeriesRegistry.UnderlyingConfig memory config = _config(ethRouter);
        config.maxExpiryHorizon = 30 days;
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.UnderlyingAdded(2, BTC, address(ethRouter));
        vm.prank(ADMIN);
        uint256 id = registry.addUnderlying(BTC, config);
        assertEq(ethId, 1, "first id");
        assertEq(id, 2, "sequential id");
        assertEq(registry.underlyingCount(), 2, "count");
        assertEq(registry.underlyingSymbol(2), BTC, "symbol");
        ISeriesRegistry.UnderlyingConfig memory stored = registry.underlyingConfig(2);
        assertEq(address(stored.router), address(ethRouter), "router");
        assertEq(stored.minStrikeRatioWad, 0.5e18, "min ratio");
        assertEq(stored.maxStrikeRatioWad, 2e18, "max ratio");
        assertEq(stored.maxExpiryHorizon, 30 days, "horizon");
        assertEq(stored.defaultOpenInterestCap, DEFAULT_CAP, "cap");
    }

    function test_addUnderlying_acceptsBoundaryConfig() public {
        ISeriesRegistry.UnderlyingConfig memory config = _config(ethRouter);
        config.minStrikeRatioWad = 1e18;
        config.maxStrikeRatioWad = 10e18;
        config.maxExpiryHorizon = 730 days;
        vm.prank(ADMIN);
        registry.addUnderlying(BTC, config);
        config.minStrikeRatioWad = 1;
        config.maxStrikeRatioWad = 1e18;
        config.maxExpiryHorizon = 1 hours + 1;
        config.defaultOpenInterestCap = 1;
        vm.prank(ADMIN);
        registry.addUnderlying("SOL", config);
        assertEq(registry.underlyingCount(), 3, "both accepted");
    }

    function test_addUnderlying_revertsForNonAdmin() public {
        bytes32 role = registry.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, LISTER, role));
        vm.prank(LISTER);
        registry.addUnderlying(BTC, _config(ethRouter));
    }

    function test_addUnderlying_revertsOnDuplicateSymbol() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_DuplicateUnderlying.selector, ETH, 1));
        vm.prank(ADMIN);
        registry.addUnderlying(ETH, _config(ethRouter));
    }

    function test_addUnderlying_revertsOnEmptySymbol() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_InvalidUnderlyingConfig.selector, 0));
        vm.prank(ADMIN);
        registry.addUnderlying(bytes32(0), _config(ethRouter));
    }

    function test_addUnderlying_revertsOnEachOutOfRangeField() public {
        for (uint256 i; i < 8; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_InvalidUnderlyingConfig.selector, 0));
            vm.prank(ADMIN);
            registry.addUnderlying(BTC, _invalidConfig(i));
        }
        assertEq(registry.underlyingCount(), 1, "none added");
    }

    function test_setUnderlyingConfig_replacesConfigAndEmits() public {
        OracleRouter other = Deploy.oracleRouter(
            Feeds.adapter(primaryFeed),
            IPriceSource(address(0)),
            IPriceSource(address(0)),
            0,
            0
        );
        ISeriesRegistry.UnderlyingConfig memory config = _config(other);
        config.minStrikeRatioWad = 0.8e18;
        config.defaultOpenInterestCap = 5e18;
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.UnderlyingConfigUpdated(1, address(other));
        vm.prank(ADMIN);
        registry.setUnderlyingConfig(1, config);
        ISeriesRegistry.UnderlyingConfig memory stored = registry.underlyingConfig(1);
        assertEq(address(stored.router), address(other), "router");
        assertEq(stored.minStrikeRatioWad, 0.8e18, "min ratio");
        assertEq(stored.defaultOpenInterestCap, 5e18, "cap");
        assertEq(registry.underlyingSymbol(1), ETH, "symbol kept");

        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        assertEq(registry.getSeries(seriesId).openInterestCap, 5e18, "new default cap applies to new series");
    }

    function test_setUnderlyingConfig_revertsForUnknownUnderlying() public {
        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownUnderlying.selector, 0));
        registry.setUnderlyingConfig(0, _config(ethRouter));
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownUnderlying.selector, 2));
        registry.setUnderlyingConfig(2, _config(ethRouter));
        vm.stopPrank();
    }

    function test_setUnderlyingConfig_revertsOnEachOutOfRangeField() public {
        for (uint256 i; i < 8; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_InvalidUnderlyingConfig.selector, 1));
            vm.prank(ADMIN);
            registry.setUnderlyingConfig(1, _invalidConfig(i));
        }
    }

    function test_setUnderlyingConfig_revertsForNonAdmin() public {
        bytes32 role = registry.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, role)
        );
        vm.prank(STRANGER);
        registry.setUnderlyingConfig(1, _config(ethRouter));
    }

    function test_underlyingViews_revertForUnknownUnderlying() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownUnderlying.selector, 2));
        registry.underlyingConfig(2);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownUnderlying.selector, 0));
        registry.underlyingSymbol(0);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownUnderlying.selector, 2));
        registry.routerOf(2);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownUnderlying.selector, 0));
        registry.routerOf(0);
    }

    /// @notice `routerOf` is the configuration's router, and follows a configuration change.
    function test_routerOf_isTheConfiguredRouter() public {
        assertEq(address(registry.routerOf(ethId)), address(registry.underlyingConfig(ethId).router), "router");
        OracleRouter other = Deploy.oracleRouter(
            ethRouter.primary(),
            IPriceSource(address(0)),
            IPriceSource(address(0)),
            0,
            0
        );
        vm.prank(ADMIN);
        registry.setUnderlyingConfig(ethId, _config(other));
        assertEq(address(registry.routerOf(ethId)), address(other), "updated router");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Listing
    // ------------------------------------------------------------------------------------------------------------

    function test_listSeries_storesSeriesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.SeriesListed(1, 1, 3_200e18, NEXT_EXPIRY, true, DEFAULT_CAP);
        vm.prank(LISTER);
        uint256 seriesId = registry.listSeries(ethId, 3_200e18, NEXT_EXPIRY, true);
        assertEq(seriesId, 1, "first id");
        assertEq(registry.seriesCount(), 1, "count");
        ISeriesRegistry.Series memory series = registry.getSeries(1);
        assertEq(series.underlyingId, 1, "underlying");
        assertEq(series.expiry, NEXT_EXPIRY, "expiry");
        assertTrue(series.isCall, "call");
        assertEq(series.strikeE18, 3_200e18, "strike");
        assertEq(series.openInterestCap, DEFAULT_CAP, "default cap");
        assertEq(series.openInterest, 0, "no open interest");
        assertEq(registry.seriesIdOf(ethId, 3_200e18, NEXT_EXPIRY, true), 1, "lookup");
        assertEq(registry.seriesIdOf(ethId, 3_200e18, NEXT_EXPIRY, false), 0, "put not listed");
    }

    function test_listSeries_idsAreSequentialAndTermsDistinct() public {
        assertEq(_list(SPOT, NEXT_EXPIRY, true), 1, "call");
        assertEq(_list(SPOT, NEXT_EXPIRY, false), 2, "put with the same terms");
        assertEq(_list(SPOT, NEXT_EXPIRY + 1 days, true), 3, "next day");
        assertEq(_list(SPOT + 1, NEXT_EXPIRY, true), 4, "next strike");
        assertEq(registry.seriesIdOf(ethId, SPOT, NEXT_EXPIRY, false), 2, "lookup put");
        assertEq(registry.seriesIdOf(ethId, SPOT + 1, NEXT_EXPIRY, true), 4, "lookup strike");
    }

    function test_listSeries_revertsForNonLister() public {
        bytes32 role = registry.LISTER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, role));
        vm.prank(ADMIN);
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY, true);
    }

    function test_listSeries_revertsForUnknownUnderlying() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownUnderlying.selector, 2));
        vm.prank(LISTER);
        registry.listSeries(2, SPOT, NEXT_EXPIRY, true);
    }

    function test_listSeries_revertsWhileGloballyPaused() public {
        vm.prank(GUARDIAN);
        guard.pauseAll();
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_ReduceOnly.selector, 1));
        vm.prank(LISTER);
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY, true);

        vm.prank(ADMIN);
        guard.unpauseAll();
        assertEq(_list(SPOT, NEXT_EXPIRY, true), 1, "listed once unpaused");
    }

    function test_listSeries_revertsWhileUnderlyingPaused() public {
        vm.prank(ADMIN);
        uint256 btcId = registry.addUnderlying(BTC, _config(ethRouter));
        vm.prank(GUARDIAN);
        guard.pauseUnderlying(ethId);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_ReduceOnly.selector, ethId));
        vm.prank(LISTER);
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY, true);

        vm.prank(LISTER);
        assertEq(registry.listSeries(btcId, SPOT, NEXT_EXPIRY, true), 1, "other underlying unaffected");
    }

    function test_listSeries_revertsWhenOracleDown() public {
        vm.warp(T0 + Feeds.HEARTBEAT + Feeds.SLACK + 1);
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.Router_PriceUnavailable.selector, address(ethRouter)));
        vm.prank(LISTER);
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY, true);
    }

    function test_listSeries_revertsWhenOracleDegraded() public {
        secondaryFeed.updateAnswer(3_300e8);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRouter.Router_PriceUnhealthy.selector,
                address(ethRouter),
                uint8(Health.Degraded)
            )
        );
        vm.prank(LISTER);
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY, true);
    }

    function test_listSeries_strikeBandAtExactRatios() public {
        // spot 3000, ratios 0.5 and 2: the band is [1500, 6000] and both ends are listable.
        _expectOutOfBand(1_500e18 - 1, 1_500e18, 6_000e18);
        _expectOutOfBand(6_000e18 + 1, 1_500e18, 6_000e18);
        _expectOutOfBand(0, 1_500e18, 6_000e18);
        assertEq(_list(1_500e18, NEXT_EXPIRY, false), 1, "low end");
        assertEq(_list(6_000e18, NEXT_EXPIRY, true), 2, "high end");
    }

    function test_listSeries_strikeBandErsOnTheNarrowSide() public {
        // spot 3000.00000001 and ratios with no exact product: the low end rounds up, the high end down.
        primaryFeed.updateAnswer(3_000_00000001);
        secondaryFeed.updateAnswer(3_000_00000001);
        ISeriesRegistry.UnderlyingConfig memory config = _config(ethRouter);
        config.minStrikeRatioWad = 333_333_333_333_333_333;
        config.maxStrikeRatioWad = 1_666_666_666_666_666_667;
        vm.prank(ADMIN);
        registry.setUnderlyingConfig(ethId, config);

        uint256 spot = 3_000_00000001e10;
        uint256 minProduct = spot * config.minStrikeRatioWad;
        uint256 maxProduct = spot * config.maxStrikeRatioWad;
        assertTrue(minProduct % 1e18 != 0 && maxProduct % 1e18 != 0, "products are inexact");
        uint256 minStrike = minProduct / 1e18 + 1;
        uint256 maxStrike = maxProduct / 1e18;

        _expectOutOfBand(minStrike - 1, minStrike, maxStrike);
        _expectOutOfBand(maxStrike + 1, minStrike, maxStrike);
        assertEq(_list(minStrike, NEXT_EXPIRY, false), 1, "rounded-up low end listable");
        assertEq(_list(maxStrike, NEXT_EXPIRY, true), 2, "rounded-down high end listable");
    }

    function testFuzz_listSeries_strikeWithinBandOnly(uint256 strike) public {
        strike = bound(strike, 0, 10_000e18);
        vm.prank(LISTER);
        if (strike >= 1_500e18 && strike <= 6_000e18) {
            assertEq(registry.listSeries(ethId, strike, NEXT_EXPIRY, true), 1, "listed inside the band");
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(ISeriesRegistry.Series_StrikeOutOfBand.selector, strike, 1_500e18, 6_000e18)
            );
            registry.listSeries(ethId, strike, NEXT_EXPIRY, true);
        }
    }

    function test_listSeries_revertsOffTheGrid() public {
        vm.startPrank(LISTER);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_ExpiryNotOnGrid.selector, NEXT_EXPIRY + 1));
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY + 1, true);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_ExpiryNotOnGrid.selector, NEXT_EXPIRY - 8 hours));
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY - 8 hours, true);
        vm.stopPrank();
    }

    function test_listSeries_revertsTooCloseToExpiry() public {
        uint256 now_ = NEXT_EXPIRY - 1 hours;
        vm.warp(now_ - 1);
        _refreshFeeds();
        assertEq(_list(SPOT, NEXT_EXPIRY, true), 1, "one second more than MIN_TIME_TO_EXPIRY is fine");

        // Exactly MIN_TIME_TO_EXPIRY before expiry is too late: the range is open on the left.
        vm.warp(now_);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISeriesRegistry.Series_ExpiryOutOfRange.selector,
                NEXT_EXPIRY,
                now_ + 1 hours,
                now_ + 365 days
            )
        );
        vm.prank(LISTER);
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY, false);
    }

    function test_listSeries_revertsForPastExpiry() public {
        uint256 past = NEXT_EXPIRY - 1 days;
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_ExpiryOutOfRange.selector, past, T0 + 1 hours, T0 + 365 days)
        );
        vm.prank(LISTER);
        registry.listSeries(ethId, SPOT, past, true);
    }

    function test_listSeries_revertsBeyondHorizon() public {
        uint256 latest = T0 + 365 days;
        uint256 lastOnGrid = NEXT_EXPIRY + 364 days;
        assertLe(lastOnGrid, latest, "last grid expiry inside the horizon");
        assertEq(_list(SPOT, lastOnGrid, true), 1, "last expiry listable");
        vm.expectRevert(
            abi.encodeWithSelector(
                ISeriesRegistry.Series_ExpiryOutOfRange.selector,
                lastOnGrid + 1 days,
                T0 + 1 hours,
                latest
            )
        );
        vm.prank(LISTER);
        registry.listSeries(ethId, SPOT, lastOnGrid + 1 days, true);
    }

    function test_listSeries_revertsOnDuplicate() public {
        _list(SPOT, NEXT_EXPIRY, false);
        _list(SPOT, NEXT_EXPIRY, true);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_Duplicate.selector, 2));
        vm.prank(LISTER);
        registry.listSeries(ethId, SPOT, NEXT_EXPIRY, true);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Open interest
    // ------------------------------------------------------------------------------------------------------------

    function test_setOpenInterestCap_setsAndEmits() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.OpenInterestCapSet(seriesId, 7e18);
        vm.prank(ADMIN);
        registry.setOpenInterestCap(seriesId, 7e18);
        assertEq(registry.getSeries(seriesId).openInterestCap, 7e18, "cap");
    }

    function test_setOpenInterestCap_revertsOnZero() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_InvalidOpenInterestCap.selector, seriesId));
        vm.prank(ADMIN);
        registry.setOpenInterestCap(seriesId, 0);
    }

    function test_setOpenInterestCap_revertsAboveUint128() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        uint256 cap = uint256(type(uint128).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 128, cap));
        vm.prank(ADMIN);
        registry.setOpenInterestCap(seriesId, cap);
    }

    function test_setOpenInterestCap_revertsForUnknownSeries() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 1));
        vm.prank(ADMIN);
        registry.setOpenInterestCap(1, 1e18);
    }

    function test_setOpenInterestCap_revertsForNonAdmin() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        bytes32 role = registry.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, BOOK, role));
        vm.prank(BOOK);
        registry.setOpenInterestCap(seriesId, 1e18);
    }

    function test_increaseOpenInterest_upToTheCap() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.OpenInterestChanged(seriesId, 400e18);
        vm.prank(BOOK);
        registry.increaseOpenInterest(seriesId, 400e18);
        vm.prank(BOOK);
        registry.increaseOpenInterest(seriesId, 600e18);
        assertEq(registry.getSeries(seriesId).openInterest, DEFAULT_CAP, "exactly at the cap");
    }

    function test_increaseOpenInterest_revertsAboveCap() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        vm.startPrank(BOOK);
        registry.increaseOpenInterest(seriesId, 999e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISeriesRegistry.Series_OpenInterestCapExceeded.selector,
                seriesId,
                999e18,
                1e18 + 1,
                DEFAULT_CAP
            )
        );
        registry.increaseOpenInterest(seriesId, 1e18 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISeriesRegistry.Series_OpenInterestCapExceeded.selector,
                seriesId,
                999e18,
                type(uint256).max,
                DEFAULT_CAP
            )
        );
        registry.increaseOpenInterest(seriesId, type(uint256).max);
        vm.stopPrank();
    }

    function test_capBelowOpenInterestBlocksIncreasesOnly() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        vm.prank(BOOK);
        registry.increaseOpenInterest(seriesId, 500e18);
        vm.prank(ADMIN);
        registry.setOpenInterestCap(seriesId, 100e18);
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestCapExceeded.selector, seriesId, 500e18, 1, 100e18)
        );
        vm.prank(BOOK);
        registry.increaseOpenInterest(seriesId, 1);
        vm.prank(BOOK);
        registry.decreaseOpenInterest(seriesId, 450e18);
        assertEq(registry.getSeries(seriesId).openInterest, 50e18, "decreased below the new cap");
    }

    function test_increaseOpenInterest_revertsForNonManager() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        bytes32 role = registry.POSITION_MANAGER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, role));
        vm.prank(ADMIN);
        registry.increaseOpenInterest(seriesId, 1);
    }

    function test_increaseOpenInterest_revertsForUnknownSeries() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 1));
        vm.prank(BOOK);
        registry.increaseOpenInterest(1, 1);
    }

    function test_decreaseOpenInterest_reducesAndEmits() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        vm.prank(BOOK);
        registry.increaseOpenInterest(seriesId, 10e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.OpenInterestChanged(seriesId, 4e18);
        vm.prank(BOOK);
        registry.decreaseOpenInterest(seriesId, 6e18);
        assertEq(registry.getSeries(seriesId).openInterest, 4e18, "open interest");
    }

    function test_decreaseOpenInterest_revertsOnUnderflow() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        vm.prank(BOOK);
        registry.increaseOpenInterest(seriesId, 10e18);
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestUnderflow.selector, seriesId, 10e18, 10e18 + 1)
        );
        vm.prank(BOOK);
        registry.decreaseOpenInterest(seriesId, 10e18 + 1);
    }

    function test_decreaseOpenInterest_revertsForNonManager() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        bytes32 role = registry.POSITION_MANAGER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, LISTER, role));
        vm.prank(LISTER);
        registry.decreaseOpenInterest(seriesId, 0);
    }

    function test_decreaseOpenInterest_revertsForUnknownSeries() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 0));
        vm.prank(BOOK);
        registry.decreaseOpenInterest(0, 1);
    }

    function test_changeOpenInterest_appliesInOrderWithAnEventEach() public {
        uint256 a = _list(SPOT, NEXT_EXPIRY, true);
        uint256 b = _list(SPOT, NEXT_EXPIRY, false);
        (uint256[] memory ids, int256[] memory deltas) = _oiBatch3(a, 400e18, b, 10e18, a, -100e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.OpenInterestChanged(a, 400e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.OpenInterestChanged(b, 10e18);
        vm.expectEmit(true, true, true, true, address(registry));
        emit ISeriesRegistry.OpenInterestChanged(a, 300e18);
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
        assertEq(registry.getSeries(a).openInterest, 300e18, "a");
        assertEq(registry.getSeries(b).openInterest, 10e18, "b");
    }

    /// @notice A zero delta changes nothing and emits nothing (its series must still exist); an empty batch too.
    function test_changeOpenInterest_zeroDeltaAndEmptyBatch() public {
        uint256 a = _list(SPOT, NEXT_EXPIRY, true);
        (uint256[] memory ids, int256[] memory deltas) = _oiBatch3(a, 0, a, 5e18, a, 0);
        vm.recordLogs();
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
        assertEq(vm.getRecordedLogs().length, 1, "one event, for the non-zero delta");
        assertEq(registry.getSeries(a).openInterest, 5e18, "changed once");
        vm.prank(BOOK);
        registry.changeOpenInterest(new uint256[](0), new int256[](0));
        assertEq(vm.getRecordedLogs().length, 0, "empty batch: no event");
        ids[2] = 2;
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 2));
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
    }

    /// @notice The same open interest and the same events as the single increases and decreases.
    function test_changeOpenInterest_matchesSingleCalls() public {
        uint256 a = _list(SPOT, NEXT_EXPIRY, true);
        uint256 b = _list(SPOT, NEXT_EXPIRY, false);
        vm.prank(BOOK);
        registry.increaseOpenInterest(b, 50e18);
        (uint256[] memory ids, int256[] memory deltas) = _oiBatch3(a, 700e18, b, -20e18, a, -700e18);

        uint256 snapshot = vm.snapshotState();
        vm.recordLogs();
        vm.startPrank(BOOK);
        registry.increaseOpenInterest(a, 700e18);
        registry.decreaseOpenInterest(b, 20e18);
        registry.decreaseOpenInterest(a, 700e18);
        vm.stopPrank();
        bytes32 singleLogs = _logHash();
        uint256 singleA = registry.getSeries(a).openInterest;
        uint256 singleB = registry.getSeries(b).openInterest;
        vm.revertToState(snapshot);

        vm.recordLogs();
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
        assertEq(_logHash(), singleLogs, "same events in order");
        assertEq(registry.getSeries(a).openInterest, singleA, "a");
        assertEq(registry.getSeries(b).openInterest, singleB, "b");
        assertEq(singleB, 30e18, "b moved");
    }

    function test_changeOpenInterest_revertsAboveCap() public {
        uint256 a = _list(SPOT, NEXT_EXPIRY, true);
        uint256 b = _list(SPOT, NEXT_EXPIRY, false);
        // The cap is checked on the running figure: 999 after the first entry, then +1e18 + 1 is one too many.
        (uint256[] memory ids, int256[] memory deltas) = _oiBatch3(b, 1, a, 999e18, a, 1e18 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISeriesRegistry.Series_OpenInterestCapExceeded.selector,
                a,
                999e18,
                1e18 + 1,
                DEFAULT_CAP
            )
        );
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
        deltas[2] = type(int256).max;
        vm.expectRevert(
            abi.encodeWithSelector(
                ISeriesRegistry.Series_OpenInterestCapExceeded.selector,
                a,
                999e18,
                uint256(type(int256).max),
                DEFAULT_CAP
            )
        );
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
        assertEq(registry.getSeries(b).openInterest, 0, "nothing changed");

        // A cap lowered below open interest blocks increases only.
        vm.prank(BOOK);
        registry.increaseOpenInterest(a, 500e18);
        vm.prank(ADMIN);
        registry.setOpenInterestCap(a, 100e18);
        (ids, deltas) = _oiBatch3(a, 1, a, -450e18, a, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestCapExceeded.selector, a, 500e18, 1, 100e18)
        );
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
        deltas[0] = -1;
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
        assertEq(registry.getSeries(a).openInterest, 50e18 - 1, "decreased below the new cap");
    }

    function test_changeOpenInterest_revertsOnUnderflow() public {
        uint256 a = _list(SPOT, NEXT_EXPIRY, true);
        (uint256[] memory ids, int256[] memory deltas) = _oiBatch3(a, 10e18, a, -4e18, a, -(6e18 + 1));
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestUnderflow.selector, a, 6e18, 6e18 + 1)
        );
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
        // The magnitude of type(int256).min is 2**255.
        deltas[2] = type(int256).min;
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestUnderflow.selector, a, 6e18, 2 ** 255)
        );
        vm.prank(BOOK);
        registry.changeOpenInterest(ids, deltas);
    }

    function test_changeOpenInterest_revertsForNonManager() public {
        uint256 a = _list(SPOT, NEXT_EXPIRY, true);
        (uint256[] memory ids, int256[] memory deltas) = _oiBatch3(a, 1, a, 1, a, 1);
        bytes32 role = registry.POSITION_MANAGER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, role));
        vm.prank(ADMIN);
        registry.changeOpenInterest(ids, deltas);
    }

    function test_changeOpenInterest_revertsOnBadInput() public {
        uint256 a = _list(SPOT, NEXT_EXPIRY, true);
        vm.startPrank(BOOK);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_LengthMismatch.selector, 2, 1));
        registry.changeOpenInterest(new uint256[](2), new int256[](1));
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_LengthMismatch.selector, 0, 3));
        registry.changeOpenInterest(new uint256[](0), new int256[](3));
        (uint256[] memory ids, int256[] memory deltas) = _oiBatch3(a, 1, 0, 1, a, 1);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 0));
        registry.changeOpenInterest(ids, deltas);
        ids[1] = a + 1;
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, a + 1));
        registry.changeOpenInterest(ids, deltas);
        vm.stopPrank();
        assertEq(registry.getSeries(a).openInterest, 0, "nothing changed");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Series views
    // ------------------------------------------------------------------------------------------------------------

    function test_getSeries_revertsForUnknownSeries() public {
        _list(SPOT, NEXT_EXPIRY, true);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 0));
        registry.getSeries(0);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 2));
        registry.getSeries(2);
    }

    /// @notice One word per series, in the order asked: underlyingId << 224 | expiry << 160 | strike << 32 |
    /// isCall << 31, open interest left out; the words sort by underlying, expiry, strike, put before call.
    function test_seriesTerms_packsTermsInOrder() public {
        uint256 callId = _list(3_200e18, NEXT_EXPIRY, true);
        uint256 putId = _list(3_200e18, NEXT_EXPIRY, false);
        uint256 laterId = _list(2_000e18, NEXT_EXPIRY + 1 days, false);
        vm.prank(BOOK);
        registry.increaseOpenInterest(callId, 5e18);

        uint256[] memory ids = new uint256[](4);
        (ids[0], ids[1], ids[2], ids[3]) = (laterId, callId, putId, callId);
        SeriesTerms[] memory terms = registry.seriesTerms(ids);
        uint256 callWord = (uint256(1) << 224) | (NEXT_EXPIRY << 160) | (uint256(3_200e18) << 32) | (1 << 31);
        uint256 putWord = (uint256(1) << 224) | (NEXT_EXPIRY << 160) | (uint256(3_200e18) << 32);
        uint256 laterWord = (uint256(1) << 224) | ((NEXT_EXPIRY + 1 days) << 160) | (uint256(2_000e18) << 32);
        assertEq(terms.length, 4, "one word each");
        assertEq(SeriesTerms.unwrap(terms[0]), laterWord, "later put");
        assertEq(SeriesTerms.unwrap(terms[1]), callWord, "call");
        assertEq(SeriesTerms.unwrap(terms[2]), putWord, "put");
        assertEq(SeriesTerms.unwrap(terms[3]), callWord, "repeated id");
        assertTrue(putWord < callWord && callWord < laterWord, "sort order");
        assertEq(registry.seriesTerms(new uint256[](0)).length, 0, "empty");
    }

    function test_seriesTerms_revertsForUnknownSeries() public {
        _list(SPOT, NEXT_EXPIRY, true);
        uint256[] memory ids = new uint256[](2);
        ids[0] = 1;
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 0));
        registry.seriesTerms(ids);
        ids[1] = 2;
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 2));
        registry.seriesTerms(ids);
    }

    function test_isExpired_fromExpiryOn() public {
        uint256 seriesId = _list(SPOT, NEXT_EXPIRY, true);
        vm.warp(NEXT_EXPIRY - 1);
        assertFalse(registry.isExpired(seriesId), "one second before");
        vm.warp(NEXT_EXPIRY);
        assertTrue(registry.isExpired(seriesId), "at expiry");
    }

    function test_isExpired_revertsForUnknownSeries() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 1));
        registry.isExpired(1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    function _config(IOracleRouter router) internal pure returns (ISeriesRegistry.UnderlyingConfig memory) {
        return
            ISeriesRegistry.UnderlyingConfig({
                router: router,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: 365 days,
                defaultOpenInterestCap: DEFAULT_CAP
            });
    }

    /// @dev The valid config with field `i` pushed just out of its range.
    function _invalidConfig(uint256 i) internal view returns (ISeriesRegistry.UnderlyingConfig memory config) {
        config = _config(ethRouter);
        if (i == 0) config.router = IOracleRouter(address(0));
        else if (i == 1) config.minStrikeRatioWad = 0;
        else if (i == 2) config.minStrikeRatioWad = 1e18 + 1;
        else if (i == 3) config.maxStrikeRatioWad = 1e18 - 1;
        else if (i == 4) config.maxStrikeRatioWad = 10e18 + 1;
        else if (i == 5) config.maxExpiryHorizon = 1 hours;
        else if (i == 6) config.maxExpiryHorizon = 730 days + 1;
        else config.defaultOpenInterestCap = 0;
    }

    function _oiBatch3(
        uint256 id0,
        int256 delta0,
        uint256 id1,
        int256 delta1,
        uint256 id2,
        int256 delta2
    ) internal pure returns (uint256[] memory ids, int256[] memory deltas) {
        ids = new uint256[](3);
        deltas = new int256[](3);
        (ids[0], ids[1], ids[2]) = (id0, id1, id2);
        (deltas[0], deltas[1], deltas[2]) = (delta0, delta1, delta2);
    }

    /// @dev A hash of the registry's recorded events, in order.
    function _logHash() internal returns (bytes32 h) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(registry)) continue;
            h = keccak256(abi.encode(h, logs[i].topics, logs[i].data));
        }
    }

    function _list(uint256 strikeE18, uint256 expiry, bool isCall) internal returns (uint256) {
        vm.prank(LISTER);
        return registry.listSeries(ethId, strikeE18, expiry, isCall);
    }

    function _expectOutOfBand(uint256 strikeE18, uint256 minStrikeE18, uint256 maxStrikeE18) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                ISeriesRegistry.Series_StrikeOutOfBand.selector,
                strikeE18,
                minStrikeE18,
                maxStrikeE18
            )
        );
        vm.prank(LISTER);
        registry.listSeries(ethId, strikeE18, NEXT_EXPIRY, true);
    }

    function _refreshFeeds() internal {
        primaryFeed.updateAnswer(3_000e8);
        secondaryFeed.updateAnswer(3_000e8);
    }
}
