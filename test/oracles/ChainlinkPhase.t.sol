// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {Test} from "../utils/Test.sol";
import {PhasedAggregatorProxy} from "./PhasedAggregatorProxy.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice Issue 8, finding 11: an expiry price stays provable when the Chainlink proxy changes phase at expiry.
/// Chainlink's mock aggregators behind a proxy that encodes round ids as `phaseId << 64 | aggregatorRoundId`; the
/// real adapter and router on top.
contract ChainlinkPhaseTest is Test {
    uint256 internal constant EXPIRY = 1_750_000_000;
    uint256 internal constant MAX_DELAY = 1 hours;

    MockV3Aggregator internal phase1;
    PhasedAggregatorProxy internal proxy;
    ChainlinkAdapter internal adapter;
    OracleRouter internal router;

    function setUp() public {
        vm.warp(EXPIRY - 1 days);
        phase1 = new MockV3Aggregator(8, 3_000e8);
        phase1.updateRoundData(2, 2_990e8, EXPIRY - 60, EXPIRY - 60);
        proxy = new PhasedAggregatorProxy(phase1);
        adapter = _adapter(proxy);
        router = Deploy.oracleRouter(adapter, IPriceSource(address(0)), IPriceSource(address(0)), 0, 0);
    }

    function _adapter(AggregatorV3Interface feed) internal returns (ChainlinkAdapter) {
        return Deploy.chainlinkAdapter(feed, 1 hours, 10 minutes, AggregatorV3Interface(address(0)), 0, MAX_DELAY);
    }

    /// @dev The proxy moves to a new aggregator whose first round comes `delay` seconds after expiry.
    function _newPhaseAfterExpiry(uint256 delay, int256 answer) internal returns (uint256 firstRound) {
        vm.warp(EXPIRY + delay);
        MockV3Aggregator phase2 = new MockV3Aggregator(8, answer);
        proxy.upgrade(AggregatorV2V3Interface(address(phase2)));
        vm.warp(EXPIRY + delay + 10);
        return (2 << 64) | 1;
    }

    /// @dev The first round of a phase is proven against the last round of the phase before it.
    function test_expiryPriceIsProvableAcrossAPhaseChange() public {
        uint256 firstRound = _newPhaseAfterExpiry(30, 3_100e8);
        assertEq(router.setExpiryPrice(EXPIRY, firstRound), 3_100e18, "the new phase's first round proves it");
        (uint256 price, bool isSet) = router.expiryPrice(EXPIRY);
        assertTrue(isSet, "set");
        assertEq(price, 3_100e18, "stored");
    }

    /// @dev When the retired aggregator reported again after expiry, its own round proves the price and the new
    /// phase's first round is refused: one observation is the first, never two.
    function test_phaseStartRefusedWhenThePreviousPhaseReportedAfterExpiry() public {
        phase1.updateRoundData(3, 3_050e8, EXPIRY + 5, EXPIRY + 5);
        uint256 firstRound = _newPhaseAfterExpiry(30, 3_100e8);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_PreviousRoundNotBefore.selector,
                address(proxy),
                uint256((1 << 64) | 3),
                EXPIRY + 5,
                EXPIRY
            )
        );
        router.setExpiryPrice(EXPIRY, firstRound);
        assertEq(router.setExpiryPrice(EXPIRY, (1 << 64) | 3), 3_050e18, "the old phase's round proves it");
    }

    /// @dev The absence of an observation is provable across a phase change too, so the secondary source can take
    /// over when the new phase started too late.
    function test_noObservationIsProvableAcrossAPhaseChange() public {
        uint256 firstRound = _newPhaseAfterExpiry(2 hours, 3_100e8);
        adapter.proveNoObservation(EXPIRY, firstRound);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_ObservationTooLate.selector,
                address(proxy),
                EXPIRY + 2 hours,
                EXPIRY,
                MAX_DELAY
            )
        );
        adapter.priceAt(EXPIRY, firstRound);
    }

    /// @dev The first phase's first round has no predecessor, and a feed that is not a phased proxy keeps the
    /// documented fallback (the secondary source, after the fallback delay).
    function test_roundsWithoutAProvablePredecessorAreStillRefused() public {
        vm.warp(EXPIRY + 10);
        MockV3Aggregator lateFeed = new MockV3Aggregator(8, 3_000e8);
        PhasedAggregatorProxy lateProxy = new PhasedAggregatorProxy(lateFeed);
        ChainlinkAdapter lateAdapter = _adapter(lateProxy);
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_RoundWithoutPredecessor.selector,
                address(lateProxy),
                uint256((1 << 64) | 1)
            )
        );
        lateAdapter.priceAt(EXPIRY, (1 << 64) | 1);
    }
}
