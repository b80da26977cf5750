// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {IOracleRouter, Health} from "../../contracts/interfaces/IOracleRouter.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {Test} from "../utils/Test.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice Unit and fuzz tests of the oracle router over real Chainlink adapters reading Chainlink's mock aggregator.
contract OracleRouterTest is Test {
    uint256 internal constant NOW = 1_750_000_000;
    uint256 internal constant HEARTBEAT = 3600;
    uint256 internal constant SLACK = 600;
    uint256 internal constant MAX_AGE = 4200;
    uint256 internal constant MAX_DELAY = 120;
    uint256 internal constant MAX_DIV = 0.02e18; // 2 %
    uint256 internal constant FALLBACK_DELAY = 1 hours;
    uint256 internal constant EXPIRY = NOW + 1 days;

    IPriceSource internal constant NONE = IPriceSource(address(0));

    MockV3Aggregator internal feedA;
    MockV3Aggregator internal feedB;
    MockV3Aggregator internal volFeed;
    ChainlinkAdapter internal primary;
    ChainlinkAdapter internal secondary;
    ChainlinkAdapter internal vol;
    OracleRouter internal router;
    OracleRouter internal single; // primary only, no vol source

    function setUp() public {
        vm.warp(NOW);
        feedA = new MockV3Aggregator(8, 2_000e8);
        feedB = new MockV3Aggregator(8, 2_000e8);
        volFeed = new MockV3Aggregator(18, 0.8e18);
        primary = _adapter(feedA);
        secondary = _adapter(feedB);
        vol = _adapter(volFeed);
        router = Deploy.oracleRouter(primary, secondary, vol, MAX_DIV, FALLBACK_DELAY);
        single = Deploy.oracleRouter(primary, NONE, NONE, 0, 0);
    }

    function _adapter(MockV3Aggregator feed) internal returns (ChainlinkAdapter) {
        return Deploy.chainlinkAdapter(feed, HEARTBEAT, SLACK, AggregatorV3Interface(address(0)), 0, MAX_DELAY);
    }

    function _assertSpot(OracleRouter r, uint256 expectedPrice, Health expectedHealth) internal view {
        (uint256 price, Health health) = r.spot();
        assertEq(price, expectedPrice, "spot price");
        assertEq(uint256(health), uint256(expectedHealth), "spot health");
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_storesParameters() public view {
        assertEq(address(router.primary()), address(primary), "primary");
        assertEq(address(router.secondary()), address(secondary), "secondary");
        assertEq(address(router.volSource()), address(vol), "volSource");
        assertEq(router.maxDivergenceWad(), MAX_DIV, "maxDivergenceWad");
        assertEq(router.fallbackDelay(), FALLBACK_DELAY, "fallbackDelay");
    }

    function test_constructor_revertsOnZeroPrimary() public {
        vm.expectRevert(IOracleRouter.Router_InvalidConfig.selector);
        Deploy.oracleRouter(NONE, secondary, vol, MAX_DIV, FALLBACK_DELAY);
    }

    function test_constructor_revertsOnZeroPrimaryWithoutSecondary() public {
        vm.expectRevert(IOracleRouter.Router_InvalidConfig.selector);
        Deploy.oracleRouter(NONE, NONE, NONE, 0, 0);
    }

    function test_constructor_revertsWhenPrimaryIsSecondary() public {
        vm.expectRevert(IOracleRouter.Router_InvalidConfig.selector);
        Deploy.oracleRouter(primary, primary, vol, MAX_DIV, FALLBACK_DELAY);
    }

    function test_constructor_revertsOnZeroDivergenceWithSecondary() public {
        vm.expectRevert(IOracleRouter.Router_InvalidConfig.selector);
        Deploy.oracleRouter(primary, secondary, vol, 0, FALLBACK_DELAY);
    }

    function test_constructor_revertsOnDivergenceAboveOneWithSecondary() public {
        vm.expectRevert(IOracleRouter.Router_InvalidConfig.selector);
        Deploy.oracleRouter(primary, secondary, vol, 1e18 + 1, FALLBACK_DELAY);
    }

    function test_constructor_acceptsDivergenceOfExactlyOne() public {
        OracleRouter r = Deploy.oracleRouter(primary, secondary, vol, 1e18, FALLBACK_DELAY);
        assertEq(r.maxDivergenceWad(), 1e18, "maxDivergenceWad");
    }

    function test_constructor_revertsOnZeroFallbackDelayWithSecondary() public {
        vm.expectRevert(IOracleRouter.Router_InvalidConfig.selector);
        Deploy.oracleRouter(primary, secondary, vol, MAX_DIV, 0);
    }

    // ---------------------------------------------------------------- spot health truth table

    function test_spot_okWhenBothValidAndEqual() public view {
        _assertSpot(router, 2_000e18, Health.Ok);
    }

    function test_spot_okAtExactlyMaxDivergence_secondaryHigher() public {
        // |2040 - 2000| = 40 = 2 % of the smaller price 2000.
        feedB.updateAnswer(2_040e8);
        _assertSpot(router, 2_000e18, Health.Ok);
    }

    function test_spot_degradedJustPastMaxDivergence_secondaryHigher() public {
        feedB.updateAnswer(2_040_00000001);
        _assertSpot(router, 2_000e18, Health.Degraded);
    }

    function test_spot_okAtExactlyMaxDivergence_primaryHigher() public {
        feedA.updateAnswer(2_040e8);
        _assertSpot(router, 2_040e18, Health.Ok);
    }

    function test_spot_toleranceIsRelativeToTheSmallerPrice() public {
        // |2000 - 1960| = 40 > 2 % of 1960 = 39.2: disagreement, although 40 is 2 % of the primary's price.
        feedB.updateAnswer(1_960e8);
        _assertSpot(router, 2_000e18, Health.Degraded);
        // 2 % of 1961 = 39.22 >= 39: agreement.
        feedB.updateAnswer(1_961e8);
        _assertSpot(router, 2_000e18, Health.Ok);
    }

    function test_spot_degradedWithPrimaryPriceWhenDisagreeing() public {
        feedB.updateAnswer(2_500e8);
        _assertSpot(router, 2_000e18, Health.Degraded);
    }

    function test_spot_degradedWithSecondaryPriceWhenPrimaryStale() public {
        vm.warp(NOW + MAX_AGE + 1);
        feedB.updateAnswer(2_010e8);
        _assertSpot(router, 2_010e18, Health.Degraded);
    }

    function test_spot_degradedWithSecondaryPriceWhenPrimaryInvalid() public {
        feedA.updateAnswer(-1);
        feedB.updateAnswer(2_010e8);
        _assertSpot(router, 2_010e18, Health.Degraded);
    }

    function test_spot_degradedWithPrimaryPriceWhenSecondaryStale() public {
        vm.warp(NOW + MAX_AGE + 1);
        feedA.updateAnswer(1_990e8);
        _assertSpot(router, 1_990e18, Health.Degraded);
    }

    function test_spot_downWhenBothStale() public {
        vm.warp(NOW + MAX_AGE + 1);
        _assertSpot(router, 0, Health.Down);
    }

    function test_spot_stillOkAtMaxAge() public {
        vm.warp(NOW + MAX_AGE);
        _assertSpot(router, 2_000e18, Health.Ok);
    }

    function test_spot_singleSourceOk() public view {
        _assertSpot(single, 2_000e18, Health.Ok);
    }

    function test_spot_singleSourceOkIgnoresDivergenceBound() public {
        // Without a secondary, maxDivergenceWad is unused (0 here) and cannot make the price Degraded.
        feedA.updateAnswer(5_000e8);
        _assertSpot(single, 5_000e18, Health.Ok);
    }

    function test_spot_singleSourceDownWhenStale() public {
        vm.warp(NOW + MAX_AGE + 1);
        _assertSpot(single, 0, Health.Down);
    }

    // ---------------------------------------------------------------- spotOrRevert

    function test_spotOrRevert_returnsOkPrice() public view {
        assertEq(router.spotOrRevert(), 2_000e18, "spotOrRevert");
    }

    function test_spotOrRevert_revertsWhenDown() public {
        vm.warp(NOW + MAX_AGE + 1);
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.Router_PriceUnavailable.selector, address(router)));
        router.spotOrRevert();
    }

    function test_spotOrRevert_revertsWhenDegraded() public {
        feedB.updateAnswer(2_500e8);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRouter.Router_PriceUnhealthy.selector, address(router), Health.Degraded)
        );
        router.spotOrRevert();
    }

    function test_spotOrRevert_singleSourceDown() public {
        vm.warp(NOW + MAX_AGE + 1);
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.Router_PriceUnavailable.selector, address(single)));
        single.spotOrRevert();
    }

    // ---------------------------------------------------------------- volatility

    function test_volatility_ok() public view {
        (uint256 v, Health health) = router.volatility();
        assertEq(v, 0.8e18, "vol");
        assertEq(uint256(health), uint256(Health.Ok), "vol health");
    }

    function test_volatility_downWhenStale() public {
        vm.warp(NOW + MAX_AGE + 1);
        feedA.updateAnswer(2_000e8);
        feedB.updateAnswer(2_000e8);
        (uint256 v, Health health) = router.volatility();
        assertEq(v, 0, "vol");
        assertEq(uint256(health), uint256(Health.Down), "vol health");
    }

    function test_volatility_downWhenInvalid() public {
        volFeed.updateAnswer(0);
        (uint256 v, Health health) = router.volatility();
        assertEq(v, 0, "vol");
        assertEq(uint256(health), uint256(Health.Down), "vol health");
    }

    function test_volatility_downWithoutSource() public view {
        (uint256 v, Health health) = single.volatility();
        assertEq(v, 0, "vol");
        assertEq(uint256(health), uint256(Health.Down), "vol health");
    }

    // ---------------------------------------------------------------- expiry prices

    /// @dev Primary: round 10 before expiry, round 11 at expiry + 30 s. Secondary: round 10 before, 11 at + 60 s.
    function _histories() internal {
        feedA.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feedA.updateRoundData(11, 2_010e8, EXPIRY + 30, EXPIRY + 30);
        feedB.updateRoundData(10, 1_995e8, EXPIRY - 50, EXPIRY - 50);
        feedB.updateRoundData(11, 2_015e8, EXPIRY + 60, EXPIRY + 60);
    }

    function test_expiryPrice_unsetBeforeProof() public view {
        (uint256 price, bool isSet) = router.expiryPrice(EXPIRY);
        assertEq(price, 0, "price");
        assertFalse(isSet, "isSet");
    }

    function test_setExpiryPrice_revertsBeforeExpiry() public {
        vm.warp(EXPIRY - 1);
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.Router_ExpiryNotReached.selector, EXPIRY, EXPIRY - 1));
        router.setExpiryPrice(EXPIRY, 11);
    }

    function test_setExpiryPrice_storesAndEmits() public {
        vm.warp(EXPIRY + 30);
        _histories();
        vm.expectEmit(true, true, true, true, address(router));
        emit IOracleRouter.ExpiryPriceSet(EXPIRY, 2_010e18, EXPIRY + 30, address(primary));
        uint256 price = router.setExpiryPrice(EXPIRY, 11);
        assertEq(price, 2_010e18, "returned price");
        (uint256 stored, bool isSet) = router.expiryPrice(EXPIRY);
        assertEq(stored, 2_010e18, "stored price");
        assertTrue(isSet, "isSet");
        (uint256 other, bool otherSet) = router.expiryPrice(EXPIRY + 1);
        assertEq(other, 0, "other expiry price");
        assertFalse(otherSet, "other expiry isSet");
    }

    function test_setExpiryPrice_ignoresSpotStaleness() public {
        _histories();
        vm.warp(EXPIRY + 30 days);
        assertEq(router.setExpiryPrice(EXPIRY, 11), 2_010e18, "price proven long after expiry");
    }

    function test_setExpiryPrice_revertsWhenAlreadySet() public {
        vm.warp(EXPIRY + 1 hours);
        _histories();
        router.setExpiryPrice(EXPIRY, 11);
        // Even a later valid round cannot overwrite it.
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.Router_ExpiryPriceAlreadySet.selector, EXPIRY, 2_010e18));
        router.setExpiryPrice(EXPIRY, 11);
        vm.warp(EXPIRY + FALLBACK_DELAY);
        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.Router_ExpiryPriceAlreadySet.selector, EXPIRY, 2_010e18));
        router.setExpiryPriceFromSecondary(EXPIRY, 11, 11);
    }

    function test_setExpiryPrice_propagatesRoundBeforeTimestamp() public {
        vm.warp(EXPIRY + 1 hours);
        _histories();
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_RoundBeforeTimestamp.selector,
                address(feedA),
                10,
                EXPIRY - 100,
                EXPIRY
            )
        );
        router.setExpiryPrice(EXPIRY, 10);
    }

    function test_setExpiryPrice_propagatesObservationTooLate() public {
        vm.warp(EXPIRY + 1 hours);
        feedA.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feedA.updateRoundData(11, 2_010e8, EXPIRY + 121, EXPIRY + 121);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_ObservationTooLate.selector,
                address(feedA),
                EXPIRY + 121,
                EXPIRY,
                MAX_DELAY
            )
        );
        router.setExpiryPrice(EXPIRY, 11);
        (, bool isSet) = router.expiryPrice(EXPIRY);
        assertFalse(isSet, "nothing stored after a failed proof");
    }

    function test_setExpiryPriceFromSecondary_revertsWithoutSecondary() public {
        vm.warp(EXPIRY + 1 days);
        vm.expectRevert(IOracleRouter.Router_NoSecondarySource.selector);
        single.setExpiryPriceFromSecondary(EXPIRY, 11, 11);
    }

    function test_setExpiryPriceFromSecondary_revertsOneSecondBeforeFallback() public {
        _histories();
        vm.warp(EXPIRY + 3600 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRouter.Router_FallbackNotYetAllowed.selector, EXPIRY, EXPIRY + 3600)
        );
        router.setExpiryPriceFromSecondary(EXPIRY, 11, 11);
    }

    function test_setExpiryPriceFromSecondary_revertsBeforeExpiry() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRouter.Router_FallbackNotYetAllowed.selector, EXPIRY, EXPIRY + 3600)
        );
        router.setExpiryPriceFromSecondary(EXPIRY, 11, 11);
    }

    function test_setExpiryPriceFromSecondary_succeedsWhenPrimaryCannotProve() public {
        // The primary's first round after expiry came too late (sequencer outage, feed halt): it cannot prove.
        feedA.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feedA.updateRoundData(11, 2_010e8, EXPIRY + 500, EXPIRY + 500);
        feedB.updateRoundData(10, 1_995e8, EXPIRY - 50, EXPIRY - 50);
        feedB.updateRoundData(11, 2_015e8, EXPIRY + 60, EXPIRY + 60);
        vm.warp(EXPIRY + 3600); // exactly expiry + fallbackDelay
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_ObservationTooLate.selector,
                address(feedA),
                EXPIRY + 500,
                EXPIRY,
                MAX_DELAY
            )
        );
        router.setExpiryPrice(EXPIRY, 11);

        vm.expectEmit(true, true, true, true, address(router));
        emit IOracleRouter.ExpiryPriceSet(EXPIRY, 2_015e18, EXPIRY + 60, address(secondary));
        assertEq(router.setExpiryPriceFromSecondary(EXPIRY, 11, 11), 2_015e18, "secondary price");
        (uint256 stored, bool isSet) = router.expiryPrice(EXPIRY);
        assertEq(stored, 2_015e18, "stored price");
        assertTrue(isSet, "isSet");

        vm.expectRevert(abi.encodeWithSelector(IOracleRouter.Router_ExpiryPriceAlreadySet.selector, EXPIRY, 2_015e18));
        router.setExpiryPrice(EXPIRY, 11);
    }

    /// @dev The caller may not choose the secondary while the primary has a usable observation for the expiry.
    function test_setExpiryPriceFromSecondary_revertsWhilePrimaryCanProve() public {
        _histories();
        vm.warp(EXPIRY + FALLBACK_DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_ObservationExists.selector, address(feedA), 11, EXPIRY + 30)
        );
        router.setExpiryPriceFromSecondary(EXPIRY, 11, 11);
        // A stale "latest before expiry" proof is refused too: the primary's latest round is after expiry.
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_ObservationExists.selector, address(feedA), 11, EXPIRY + 30)
        );
        router.setExpiryPriceFromSecondary(EXPIRY, 11, 0);
    }

    /// @dev A primary that stopped before expiry (latest round before it, window closed) lets the secondary prove.
    function test_setExpiryPriceFromSecondary_succeedsWhenPrimaryStopped() public {
        feedA.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feedB.updateRoundData(10, 1_995e8, EXPIRY - 50, EXPIRY - 50);
        feedB.updateRoundData(11, 2_015e8, EXPIRY + 60, EXPIRY + 60);
        vm.warp(EXPIRY + FALLBACK_DELAY);
        assertEq(router.setExpiryPriceFromSecondary(EXPIRY, 11, 0), 2_015e18, "secondary price");
    }

    /// @dev A primary whose first round after expiry carries an invalid answer lets the secondary prove.
    function test_setExpiryPriceFromSecondary_succeedsWhenPrimaryAnswerInvalid() public {
        _histories();
        feedA.updateRoundData(11, 0, EXPIRY + 30, EXPIRY + 30);
        feedA.updateRoundData(12, 2_010e8, EXPIRY + 40, EXPIRY + 40);
        vm.warp(EXPIRY + FALLBACK_DELAY);
        assertEq(router.setExpiryPriceFromSecondary(EXPIRY, 11, 11), 2_015e18, "secondary price");
    }

    function test_setExpiryPriceFromSecondary_propagatesProofErrors() public {
        _histories();
        feedA.updateRoundData(11, 2_010e8, EXPIRY + MAX_DELAY + 1, EXPIRY + MAX_DELAY + 1);
        vm.warp(EXPIRY + 3600);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_RoundBeforeTimestamp.selector,
                address(feedB),
                10,
                EXPIRY - 50,
                EXPIRY
            )
        );
        router.setExpiryPriceFromSecondary(EXPIRY, 10, 11);
    }

    // ---------------------------------------------------------------- fuzz

    /// @dev Property: with both sources valid, health is Ok iff |p - s| <= floor(min(p, s) * maxDiv / 1e18), and the
    /// price is always the primary's. 18-decimal feeds so the floor is exercised at the last unit.
    function testFuzz_spotOkIffWithinDivergence(uint256 p, uint256 s, uint256 maxDiv) public {
        p = bound(p, 1, 1e30);
        s = bound(s, 1, 1e30);
        maxDiv = bound(maxDiv, 1, 1e18);
        _checkAgreement(p, s, maxDiv);
    }

    /// @dev The same property driven onto its boundary: the larger price is the smaller plus the tolerance, plus
    /// zero or one unit.
    function testFuzz_spotDivergenceBoundary(uint256 low, uint256 maxDiv, bool pastBound, bool primaryHigher) public {
        low = bound(low, 1, 1e30);
        maxDiv = bound(maxDiv, 1, 1e18);
        uint256 high = low + (low * maxDiv) / 1e18 + (pastBound ? 1 : 0);
        (uint256 p, uint256 s) = primaryHigher ? (high, low) : (low, high);
        Health health = _checkAgreement(p, s, maxDiv);
        assertEq(uint256(health), uint256(pastBound ? Health.Degraded : Health.Ok), "boundary health");
    }

    function _checkAgreement(uint256 p, uint256 s, uint256 maxDiv) internal returns (Health health) {
        MockV3Aggregator fa = new MockV3Aggregator(18, int256(p));
        MockV3Aggregator fb = new MockV3Aggregator(18, int256(s));
        OracleRouter r = Deploy.oracleRouter(_adapter(fa), _adapter(fb), NONE, maxDiv, FALLBACK_DELAY);

        uint256 diff = p > s ? p - s : s - p;
        uint256 smaller = p < s ? p : s;
        bool expectOk = diff <= (smaller * maxDiv) / 1e18;

        uint256 price;
        (price, health) = r.spot();
        assertEq(price, p, "price is the primary's");
        assertEq(uint256(health), uint256(expectOk ? Health.Ok : Health.Degraded), "health");
    }

    // ---------------------------------------------------------------- outage ranges (issue 8, finding 13)

    /// @dev An independent statement of the widening: s = base + perHour × age / 1 h (rounded down), at most 9;
    /// [last × (1 − s) rounded down (0 once s >= 1), last × (1 + s) rounded up].
    function _expectedRange(
        uint256 last,
        uint256 age,
        uint256 base,
        uint256 perHour
    ) internal pure returns (uint256 low, uint256 high) {
        uint256 s = base + (perHour * age) / 3600;
        if (s > 9e18) s = 9e18;
        low = s >= 1e18 ? 0 : (last * (1e18 - s)) / 1e18;
        high = (last * (1e18 + s) + 1e18 - 1) / 1e18;
    }

    function _assertRange(
        uint256 low,
        uint256 high,
        Health health,
        uint256 wantLow,
        uint256 wantHigh,
        Health wantHealth
    ) internal pure {
        assertEq(low, wantLow, "low");
        assertEq(high, wantHigh, "high");
        assertEq(uint256(health), uint256(wantHealth), "health");
    }

    function test_spotBounds_isTheSpotWhileAnySourceIsValid() public {
        (uint256 low, uint256 high, Health health) = router.spotBounds();
        _assertRange(low, high, health, 2_000e18, 2_000e18, Health.Ok);
        feedB.updateAnswer(2_100e8);
        (low, high, health) = router.spotBounds();
        _assertRange(low, high, health, 2_000e18, 2_000e18, Health.Degraded);
    }

    function test_spotBounds_widenTheNewestLastObservationByItsAge() public {
        vm.warp(NOW + 100);
        feedB.updateAnswer(2_050e8); // the secondary's observation is the newer one
        vm.warp(NOW + 100 + MAX_AGE + 1);
        _assertSpot(router, 0, Health.Down);
        (uint256 wantLow, uint256 wantHigh) = _expectedRange(2_050e18, MAX_AGE + 1, 0.1e18, 0.1e18);
        (uint256 low, uint256 high, Health health) = router.spotBounds();
        _assertRange(low, high, health, wantLow, wantHigh, Health.Down);
        assertTrue(low < (2_050e18 * 8) / 10 && high > (2_050e18 * 12) / 10, "over 20% each way after 70 minutes");

        // Six hours later the range is wider.
        vm.warp(block.timestamp + 6 hours);
        (wantLow, wantHigh) = _expectedRange(2_050e18, MAX_AGE + 1 + 6 hours, 0.1e18, 0.1e18);
        (low, high, health) = router.spotBounds();
        _assertRange(low, high, health, wantLow, wantHigh, Health.Down);
    }

    function test_spotBounds_lowReachesZeroAndHighIsCapped() public {
        vm.warp(NOW + 200 hours);
        (uint256 low, uint256 high, Health health) = router.spotBounds();
        _assertRange(low, high, health, 0, 20_000e18, Health.Down);
    }

    function test_spotBounds_noObservationAtAllIsZero() public {
        feedA.updateAnswer(0);
        feedB.updateAnswer(-1);
        (uint256 low, uint256 high, Health health) = router.spotBounds();
        _assertRange(low, high, health, 0, 0, Health.Down);
    }

    function test_volatilityBounds_widenTheLastVolatilityByItsAge() public {
        (uint256 low, uint256 high, Health health) = router.volatilityBounds();
        _assertRange(low, high, health, 0.8e18, 0.8e18, Health.Ok);
        vm.warp(NOW + 2 hours);
        (uint256 wantLow, uint256 wantHigh) = _expectedRange(0.8e18, 2 hours, 0.25e18, 0.25e18);
        (low, high, health) = router.volatilityBounds();
        _assertRange(low, high, health, wantLow, wantHigh, Health.Down);
        (uint256 last, uint256 observedAt) = router.lastVolatility();
        assertEq(last, 0.8e18, "last volatility");
        assertEq(observedAt, NOW, "observed at");
        // No volatility source: nothing at all.
        (low, high, health) = single.volatilityBounds();
        _assertRange(low, high, health, 0, 0, Health.Down);
        (last, observedAt) = single.lastVolatility();
        assertEq(last + observedAt, 0, "no source");
    }

    function test_lastObservation_skipsStalenessButStillValidates() public {
        vm.warp(NOW + 10 days);
        (uint256 price, uint256 updatedAt) = primary.lastObservation();
        assertEq(price, 2_000e18, "stale price kept");
        assertEq(updatedAt, NOW, "its time");
        feedA.updateAnswer(-5);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_NonPositivePrice.selector, address(feedA), -5));
        primary.lastObservation();
    }
}
