// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {Test} from "../utils/Test.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice Unit tests of the Chainlink adapter against Chainlink's own mock aggregator, used both as the price feed
/// and as the L2 sequencer uptime feed (answer 0 = up, 1 = down, startedAt = when the status last changed).
contract ChainlinkAdapterTest is Test {
    uint256 internal constant NOW = 1_750_000_000;
    uint256 internal constant HEARTBEAT = 3600;
    uint256 internal constant SLACK = 600;
    uint256 internal constant MAX_AGE = 4200; // HEARTBEAT + SLACK, written out so the test does not re-derive it
    uint256 internal constant GRACE = 3600;
    uint256 internal constant MAX_DELAY = 120;

    MockV3Aggregator internal feed;
    MockV3Aggregator internal sequencer;
    ChainlinkAdapter internal adapter; // no sequencer feed
    ChainlinkAdapter internal l2Adapter; // with the sequencer uptime feed

    function setUp() public {
        vm.warp(NOW);
        feed = new MockV3Aggregator(8, 2_000e8);
        // The sequencer has been up for a day.
        sequencer = new MockV3Aggregator(0, 0);
        sequencer.updateRoundData(1, 0, NOW - 1 days, NOW - 1 days);
        adapter = _adapter(feed, AggregatorV3Interface(address(0)), 0);
        l2Adapter = _adapter(feed, sequencer, GRACE);
    }

    function _adapter(
        MockV3Aggregator feed_,
        AggregatorV3Interface sequencer_,
        uint256 grace
    ) internal returns (ChainlinkAdapter) {
        return Deploy.chainlinkAdapter(feed_, HEARTBEAT, SLACK, sequencer_, grace, MAX_DELAY);
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_storesParameters() public view {
        assertEq(address(adapter.aggregator()), address(feed), "aggregator");
        assertEq(adapter.feed(), address(feed), "feed");
        assertEq(adapter.maxAge(), MAX_AGE, "maxAge = heartbeat + slack");
        assertEq(adapter.maxObservationDelay(), MAX_DELAY, "maxObservationDelay");
        assertEq(address(adapter.sequencerUptimeFeed()), address(0), "no sequencer feed");
        assertEq(address(l2Adapter.sequencerUptimeFeed()), address(sequencer), "sequencer feed");
        assertEq(l2Adapter.sequencerGracePeriod(), GRACE, "grace period");
    }

    function test_constructor_revertsOnZeroFeed() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_InvalidConfig.selector, address(0)));
        Deploy.chainlinkAdapter(
            AggregatorV3Interface(address(0)),
            HEARTBEAT,
            SLACK,
            AggregatorV3Interface(address(0)),
            0,
            MAX_DELAY
        );
    }

    function test_constructor_revertsOnZeroHeartbeat() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_InvalidConfig.selector, address(feed)));
        Deploy.chainlinkAdapter(feed, 0, SLACK, AggregatorV3Interface(address(0)), 0, MAX_DELAY);
    }

    function test_constructor_revertsOnZeroMaxObservationDelay() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_InvalidConfig.selector, address(feed)));
        Deploy.chainlinkAdapter(feed, HEARTBEAT, SLACK, AggregatorV3Interface(address(0)), 0, 0);
    }

    function test_constructor_revertsOnUptimeFeedWithoutGracePeriod() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_InvalidConfig.selector, address(feed)));
        Deploy.chainlinkAdapter(feed, HEARTBEAT, SLACK, sequencer, 0, MAX_DELAY);
    }

    function test_constructor_acceptsZeroSlackAndGraceWithoutUptimeFeed() public {
        ChainlinkAdapter a = Deploy.chainlinkAdapter(feed, HEARTBEAT, 0, AggregatorV3Interface(address(0)), 0, 1);
        assertEq(a.maxAge(), HEARTBEAT, "maxAge without slack");
    }

    function test_constructor_revertsOn19Decimals() public {
        MockV3Aggregator feed19 = new MockV3Aggregator(19, 1);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_UnsupportedDecimals.selector, address(feed19), 19));
        _adapter(feed19, AggregatorV3Interface(address(0)), 0);
    }

    // ---------------------------------------------------------------- decimals

    function test_latestPrice_normalises6Decimals() public {
        MockV3Aggregator f = new MockV3Aggregator(6, 3_000_123456); // 3000.123456
        (uint256 price, uint256 updatedAt) = _adapter(f, AggregatorV3Interface(address(0)), 0).latestPrice();
        assertEq(price, 3_000_123_456_000_000_000_000, "6 decimals -> WAD");
        assertEq(updatedAt, NOW, "updatedAt");
    }

    function test_latestPrice_normalises8Decimals() public {
        MockV3Aggregator f = new MockV3Aggregator(8, 2_500_12345678); // 2500.12345678
        (uint256 price, ) = _adapter(f, AggregatorV3Interface(address(0)), 0).latestPrice();
        assertEq(price, 2_500_123_456_780_000_000_000, "8 decimals -> WAD");
    }

    function test_latestPrice_keeps18Decimals() public {
        MockV3Aggregator f = new MockV3Aggregator(18, 1_234_567_890_123_456_789); // 1.234567890123456789
        (uint256 price, ) = _adapter(f, AggregatorV3Interface(address(0)), 0).latestPrice();
        assertEq(price, 1_234_567_890_123_456_789, "18 decimals unchanged");
    }

    function test_latestPrice_normalises0Decimals() public {
        MockV3Aggregator f = new MockV3Aggregator(0, 7);
        (uint256 price, ) = _adapter(f, AggregatorV3Interface(address(0)), 0).latestPrice();
        assertEq(price, 7_000_000_000_000_000_000, "0 decimals -> WAD");
    }

    function test_latestPrice_revertsWhenScalingOverflows() public {
        MockV3Aggregator f = new MockV3Aggregator(0, type(int256).max);
        ChainlinkAdapter a = _adapter(f, AggregatorV3Interface(address(0)), 0);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        a.latestPrice();
    }

    // ---------------------------------------------------------------- latestPrice validation

    function test_latestPrice_acceptsAgeEqualToMaxAge() public {
        feed.updateRoundData(2, 1_999e8, NOW - 4200, NOW - 4200);
        (uint256 price, uint256 updatedAt) = adapter.latestPrice();
        assertEq(price, 1_999e18, "price");
        assertEq(updatedAt, NOW - 4200, "updatedAt");
    }

    function test_latestPrice_revertsOneSecondPastMaxAge() public {
        feed.updateRoundData(2, 1_999e8, NOW - 4201, NOW - 4201);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_StalePrice.selector, address(feed), NOW - 4201, 4200)
        );
        adapter.latestPrice();
    }

    function test_latestPrice_becomesStaleAsTimePasses() public {
        vm.warp(NOW + 4200);
        adapter.latestPrice();
        vm.warp(NOW + 4201);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_StalePrice.selector, address(feed), NOW, 4200));
        adapter.latestPrice();
    }

    function test_latestPrice_revertsOnZeroAnswer() public {
        feed.updateAnswer(0);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_NonPositivePrice.selector, address(feed), 0));
        adapter.latestPrice();
    }

    function test_latestPrice_revertsOnNegativeAnswer() public {
        feed.updateAnswer(-5);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_NonPositivePrice.selector, address(feed), int256(-5))
        );
        adapter.latestPrice();
    }

    function test_latestPrice_revertsOnZeroUpdatedAt() public {
        feed.updateRoundData(2, 2_000e8, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_ZeroUpdatedAt.selector, address(feed)));
        adapter.latestPrice();
    }

    function test_latestPrice_revertsOnFutureTimestamp() public {
        feed.updateRoundData(2, 2_000e8, NOW + 1, NOW + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_FutureTimestamp.selector, address(feed), NOW + 1, NOW)
        );
        adapter.latestPrice();
    }

    function test_latestPrice_acceptsTimestampEqualToBlock() public view {
        (, uint256 updatedAt) = adapter.latestPrice();
        assertEq(updatedAt, NOW, "updatedAt == block.timestamp");
    }

    // ---------------------------------------------------------------- sequencer

    function test_latestPrice_withSequencerUp() public view {
        (uint256 price, ) = l2Adapter.latestPrice();
        assertEq(price, 2_000e18, "price");
    }

    function test_latestPrice_revertsWhenSequencerDown() public {
        sequencer.updateRoundData(2, 1, NOW - 10, NOW - 10);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_SequencerDown.selector, address(sequencer)));
        l2Adapter.latestPrice();
    }

    function test_latestPrice_revertsWhenSequencerDownForLong() public {
        // Down for longer than the grace period still means down.
        sequencer.updateRoundData(2, 1, NOW - 2 days, NOW - 2 days);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_SequencerDown.selector, address(sequencer)));
        l2Adapter.latestPrice();
    }

    function test_latestPrice_revertsWhenSequencerFeedUninitialised() public {
        sequencer.updateRoundData(2, 0, NOW, 0);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_SequencerDown.selector, address(sequencer)));
        l2Adapter.latestPrice();
    }

    function test_latestPrice_sequencerCheckedBeforePrice() public {
        feed.updateAnswer(0);
        sequencer.updateRoundData(2, 1, NOW, NOW);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_SequencerDown.selector, address(sequencer)));
        l2Adapter.latestPrice();
    }

    function test_latestPrice_revertsDuringGracePeriod() public {
        uint256 upSince = NOW - 3599;
        sequencer.updateRoundData(2, 0, upSince, upSince);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_SequencerGracePeriod.selector, address(sequencer), upSince, 3600)
        );
        l2Adapter.latestPrice();
    }

    function test_latestPrice_acceptsExactlyAtEndOfGracePeriod() public {
        sequencer.updateRoundData(2, 0, NOW - 3600, NOW - 3600);
        (uint256 price, ) = l2Adapter.latestPrice();
        assertEq(price, 2_000e18, "price after grace period");
    }

    function test_latestPrice_revertsWhenSequencerJustRecovered() public {
        sequencer.updateRoundData(2, 0, NOW, NOW);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_SequencerGracePeriod.selector, address(sequencer), NOW, 3600)
        );
        l2Adapter.latestPrice();
    }

    function test_latestPrice_l1AdapterIgnoresSequencer() public {
        sequencer.updateRoundData(2, 1, NOW, NOW);
        (uint256 price, ) = adapter.latestPrice();
        assertEq(price, 2_000e18, "L1 adapter price");
    }

    // ---------------------------------------------------------------- priceAt

    uint256 internal constant EXPIRY = NOW - 1 hours;

    /// @dev Rounds 10 (before expiry), 11 (30 s after), 12 (200 s after), all in the past.
    function _history() internal {
        feed.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feed.updateRoundData(11, 2_010e8, EXPIRY + 30, EXPIRY + 30);
        feed.updateRoundData(12, 2_020e8, EXPIRY + 200, EXPIRY + 200);
    }

    function test_priceAt_returnsProvenRound() public {
        _history();
        (uint256 price, uint256 observedAt) = adapter.priceAt(EXPIRY, 11);
        assertEq(price, 2_010e18, "price of round 11");
        assertEq(observedAt, EXPIRY + 30, "observedAt of round 11");
    }

    function test_priceAt_ignoresStalenessAndSequencer() public {
        _history();
        sequencer.updateRoundData(2, 1, NOW, NOW);
        vm.warp(NOW + 30 days);
        (uint256 price, ) = l2Adapter.priceAt(EXPIRY, 11);
        assertEq(price, 2_010e18, "proof holds long after expiry with the sequencer down");
    }

    function test_priceAt_revertsOnRoundBeforeTimestamp() public {
        _history();
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_RoundBeforeTimestamp.selector,
                address(feed),
                10,
                EXPIRY - 100,
                EXPIRY
            )
        );
        adapter.priceAt(EXPIRY, 10);
    }

    function test_priceAt_revertsWhenPreviousRoundNotBefore() public {
        _history();
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_PreviousRoundNotBefore.selector,
                address(feed),
                11,
                EXPIRY + 30,
                EXPIRY
            )
        );
        adapter.priceAt(EXPIRY, 12);
    }

    function test_priceAt_roundAtExactTimestampIsFirst() public {
        feed.updateRoundData(20, 1_990e8, EXPIRY - 1, EXPIRY - 1);
        feed.updateRoundData(21, 2_001e8, EXPIRY, EXPIRY);
        (uint256 price, uint256 observedAt) = adapter.priceAt(EXPIRY, 21);
        assertEq(price, 2_001e18, "price");
        assertEq(observedAt, EXPIRY, "observedAt == timestamp");
    }

    function test_priceAt_previousRoundAtExactTimestampRejected() public {
        feed.updateRoundData(20, 1_990e8, EXPIRY, EXPIRY);
        feed.updateRoundData(21, 2_001e8, EXPIRY + 5, EXPIRY + 5);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_PreviousRoundNotBefore.selector,
                address(feed),
                20,
                EXPIRY,
                EXPIRY
            )
        );
        adapter.priceAt(EXPIRY, 21);
    }

    function test_priceAt_revertsOnFirstRound() public {
        // Round 1 was written by the mock's constructor at NOW, after EXPIRY.
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_RoundWithoutPredecessor.selector, address(feed), 1));
        adapter.priceAt(EXPIRY, 1);
    }

    function test_priceAt_revertsOnMissingPreviousRound() public {
        // Round 7 exists, round 6 was never written (updatedAt 0).
        feed.updateRoundData(7, 2_010e8, EXPIRY + 30, EXPIRY + 30);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_RoundWithoutPredecessor.selector, address(feed), 7));
        adapter.priceAt(EXPIRY, 7);
    }

    function test_priceAt_revertsOnPhaseStartRound() public {
        uint80 phaseStart = uint80((2 << 64) | 1);
        // Even when the id just below it holds a round before expiry, a phase's first round is refused: its real
        // predecessor lives in the previous phase, whose id is not phaseStart - 1.
        feed.updateRoundData(phaseStart - 1, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feed.updateRoundData(phaseStart, 2_010e8, EXPIRY + 30, EXPIRY + 30);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_RoundWithoutPredecessor.selector,
                address(feed),
                uint256((2 << 64) | 1)
            )
        );
        adapter.priceAt(EXPIRY, (2 << 64) | 1);
    }

    function test_priceAt_provesSecondRoundOfPhase() public {
        uint256 second = (2 << 64) | 2;
        feed.updateRoundData(uint80((2 << 64) | 1), 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feed.updateRoundData(uint80(second), 2_010e8, EXPIRY + 30, EXPIRY + 30);
        (uint256 price, uint256 observedAt) = adapter.priceAt(EXPIRY, second);
        assertEq(price, 2_010e18, "price");
        assertEq(observedAt, EXPIRY + 30, "observedAt");
    }

    function test_priceAt_acceptsObservationExactlyMaxDelayLate() public {
        feed.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feed.updateRoundData(11, 2_010e8, EXPIRY + 120, EXPIRY + 120);
        (uint256 price, uint256 observedAt) = adapter.priceAt(EXPIRY, 11);
        assertEq(price, 2_010e18, "price");
        assertEq(observedAt, EXPIRY + 120, "observedAt");
    }

    function test_priceAt_revertsOnObservationOneSecondTooLate() public {
        feed.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feed.updateRoundData(11, 2_010e8, EXPIRY + 121, EXPIRY + 121);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_ObservationTooLate.selector,
                address(feed),
                EXPIRY + 121,
                EXPIRY,
                120
            )
        );
        adapter.priceAt(EXPIRY, 11);
    }

    function test_priceAt_revertsOnNonPositiveRound() public {
        feed.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feed.updateRoundData(11, -1, EXPIRY + 30, EXPIRY + 30);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_NonPositivePrice.selector, address(feed), int256(-1))
        );
        adapter.priceAt(EXPIRY, 11);
    }

    function test_priceAt_revertsOnUnknownRound() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_NonPositivePrice.selector, address(feed), 0));
        adapter.priceAt(EXPIRY, 99);
    }

    function test_priceAt_revertsOnFutureRound() public {
        feed.updateRoundData(10, 1_990e8, EXPIRY - 100, EXPIRY - 100);
        feed.updateRoundData(11, 2_010e8, NOW + 1, NOW + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_FutureTimestamp.selector, address(feed), NOW + 1, NOW)
        );
        adapter.priceAt(NOW, 11);
    }

    function test_priceAt_revertsOnRoundIdAboveUint80() public {
        uint256 hint = uint256(type(uint80).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 80, hint));
        adapter.priceAt(EXPIRY, hint);
    }

    // ---------------------------------------------------------------- proveNoObservation

    function test_proveNoObservation_latestBeforeTimestampAfterWindow() public {
        uint256 target = NOW + 1 hours;
        feed.updateRoundData(5, 2_000e8, target - 10, target - 10);
        vm.warp(target + MAX_DELAY + 1);
        adapter.proveNoObservation(target, 0); // does not revert: the feed stopped before the target
    }

    function test_proveNoObservation_revertsWhileWindowOpen() public {
        uint256 target = NOW + 1 hours;
        feed.updateRoundData(5, 2_000e8, target - 10, target - 10);
        vm.warp(target + MAX_DELAY); // the window's last second: a round may still arrive
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_WindowStillOpen.selector, address(feed), target + MAX_DELAY)
        );
        adapter.proveNoObservation(target, 0);
    }

    function test_proveNoObservation_revertsWhenLatestIsAfterTimestamp() public {
        uint256 target = NOW + 1 hours;
        feed.updateRoundData(5, 2_000e8, target - 10, target - 10);
        feed.updateRoundData(6, 2_001e8, target + 500, target + 500);
        vm.warp(target + 1000);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_ObservationExists.selector, address(feed), 6, target + 500)
        );
        adapter.proveNoObservation(target, 0);
    }

    function test_proveNoObservation_firstRoundAfterWindow() public {
        uint256 target = NOW + 1 hours;
        feed.updateRoundData(5, 2_000e8, target - 10, target - 10);
        feed.updateRoundData(6, 2_001e8, target + MAX_DELAY + 1, target + MAX_DELAY + 1);
        vm.warp(target + 1000);
        adapter.proveNoObservation(target, 6);
    }

    function test_proveNoObservation_firstRoundInWindowWithInvalidAnswer() public {
        uint256 target = NOW + 1 hours;
        feed.updateRoundData(5, 2_000e8, target - 10, target - 10);
        feed.updateRoundData(6, -1, target + 5, target + 5);
        vm.warp(target + 1000);
        adapter.proveNoObservation(target, 6);
    }

    function test_proveNoObservation_revertsWhenFirstRoundIsUsable() public {
        uint256 target = NOW + 1 hours;
        feed.updateRoundData(5, 2_000e8, target - 10, target - 10);
        feed.updateRoundData(6, 2_001e8, target + MAX_DELAY, target + MAX_DELAY); // exactly at the window's end
        vm.warp(target + 1000);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_ObservationExists.selector, address(feed), 6, target + MAX_DELAY)
        );
        adapter.proveNoObservation(target, 6);
    }

    function test_proveNoObservation_revertsWhenHintIsNotFirst() public {
        uint256 target = NOW + 1 hours;
        feed.updateRoundData(5, 2_000e8, target + 5, target + 5);
        feed.updateRoundData(6, 2_001e8, target + 500, target + 500);
        vm.warp(target + 1000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_PreviousRoundNotBefore.selector,
                address(feed),
                5,
                target + 5,
                target
            )
        );
        adapter.proveNoObservation(target, 6);
    }
}
