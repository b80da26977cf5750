// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IChainlinkAdapter} from "../interfaces/IChainlinkAdapter.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {PriceSourceWindow} from "./PriceSourceWindow.sol";

/// @notice The phase registry of a Chainlink aggregator proxy: the aggregator it read during each phase.
interface IChainlinkPhasedProxy {
    function phaseAggregators(uint16 phaseId) external view returns (AggregatorV2V3Interface);
}

/// @title ChainlinkAdapter
/// @notice Reads one Chainlink aggregator as an `IPriceSource`: positive answers only, `updatedAt` non-zero, not in
/// the future and not older than heartbeat plus slack, decimals normalised to WAD, and (on L2s) the sequencer uptime
/// feed up for longer than a grace period.
/// @dev Every parameter is immutable and validated here; the decimal scale is computed once.
contract ChainlinkAdapter is IChainlinkAdapter, PriceSourceWindow {
    /// @inheritdoc IChainlinkAdapter
    AggregatorV3Interface public immutable aggregator;
    /// @inheritdoc IChainlinkAdapter
    uint256 public immutable maxAge;
    /// @inheritdoc IChainlinkAdapter
    AggregatorV3Interface public immutable sequencerUptimeFeed;
    /// @inheritdoc IChainlinkAdapter
    uint256 public immutable sequencerGracePeriod;

    /// @dev 10 ** (18 - aggregator decimals): multiplies an answer into WAD exactly.
    uint256 internal immutable SCALE_TO_WAD;

    /// @param feed_ The Chainlink aggregator.
    /// @param heartbeat The feed's published heartbeat, in seconds.
    /// @param slack Extra seconds tolerated past the heartbeat.
    /// @param sequencerUptimeFeed_ The L2 sequencer uptime feed, or zero on L1.
    /// @param sequencerGracePeriod_ Seconds after recovery during which the sequencer is treated as down; must be
    /// non-zero when an uptime feed is given.
    /// @param maxObservationDelay_ Largest delay between an expiry and the round proving its price.
    constructor(
        AggregatorV3Interface feed_,
        uint256 heartbeat,
        uint256 slack,
        AggregatorV3Interface sequencerUptimeFeed_,
        uint256 sequencerGracePeriod_,
        uint256 maxObservationDelay_
    ) PriceSourceWindow(address(feed_), maxObservationDelay_) {
        if (heartbeat == 0) revert Oracle_InvalidConfig(address(feed_));
        if (address(sequencerUptimeFeed_) != address(0) && sequencerGracePeriod_ == 0) {
            revert Oracle_InvalidConfig(address(feed_));
        }
        uint8 decimals = feed_.decimals();
        if (decimals > 18) revert Oracle_UnsupportedDecimals(address(feed_), decimals);

        aggregator = feed_;
        maxAge = heartbeat + slack;
        sequencerUptimeFeed = sequencerUptimeFeed_;
        sequencerGracePeriod = sequencerGracePeriod_;
        SCALE_TO_WAD = 10 ** (18 - decimals);
    }

    /// @inheritdoc IPriceSource
    function latestPrice() external view returns (uint256 priceE18, uint256 updatedAt) {
        _checkSequencer();
        int256 answer;
        (, answer, , updatedAt, ) = aggregator.latestRoundData();
        priceE18 = _validated(answer, updatedAt);
        if (block.timestamp - updatedAt > maxAge) revert Oracle_StalePrice(address(aggregator), updatedAt, maxAge);
    }

    /// @inheritdoc IPriceSource
    function lastObservation() external view returns (uint256 priceE18, uint256 updatedAt) {
        int256 answer;
        (, answer, , updatedAt, ) = aggregator.latestRoundData();
        priceE18 = _validated(answer, updatedAt);
    }

    /// @inheritdoc PriceSourceWindow
    function _source() internal view override returns (address) {
        return address(aggregator);
    }

    /// @inheritdoc PriceSourceWindow
    /// @dev A Chainlink aggregator always has a latest round.
    function _latestRound() internal view override returns (bool exists, uint256 roundId, uint256 observedAt) {
        (roundId, , , observedAt, ) = aggregator.latestRoundData();
        exists = true;
    }

    /// @inheritdoc PriceSourceWindow
    /// @dev The predecessor is `_previousRound`'s. A non-positive answer reads as 0 (without `requireValid`).
    function _firstRoundAtOrAfter(
        uint256 timestamp,
        uint256 roundHint,
        bool requireValid
    ) internal view override returns (uint256 roundId, uint256 priceE18, uint256 observedAt) {
        uint80 id = SafeCast.toUint80(roundHint);
        int256 answer;
        (, answer, , observedAt, ) = aggregator.getRoundData(id);
        if (requireValid) priceE18 = _validated(answer, observedAt);
        else if (answer > 0) priceE18 = uint256(answer) * SCALE_TO_WAD;
        if (observedAt < timestamp) {
            revert Oracle_RoundBeforeTimestamp(address(aggregator), id, observedAt, timestamp);
        }
        uint80 previousId = _previousRound(id);
        (, , , uint256 previousAt, ) = aggregator.getRoundData(previousId);
        // A missing previous round (updatedAt 0) proves nothing about what came before the target time.
        if (previousAt == 0) revert Oracle_RoundWithoutPredecessor(address(aggregator), id);
        if (previousAt >= timestamp) {
            revert Oracle_PreviousRoundNotBefore(address(aggregator), previousId, previousAt, timestamp);
        }
        roundId = id;
    }

    /// @dev The round the proxy served before `roundId`. Proxy round ids are `phaseId << 64 | aggregatorRoundId`
    /// and each phase's aggregator counts from 1, so inside a phase it is `roundId - 1`; before the first round of
    /// phase p > 1 it is the last round of phase p − 1's aggregator (`phaseAggregators(p − 1).latestRound()`).
    /// If that retired aggregator kept reporting past the target time, its own later round is the first
    /// observation and the new phase's first round is refused (`Oracle_PreviousRoundNotBefore`). Reverts with
    /// `Oracle_RoundWithoutPredecessor` for the first round of phase 1 (or of a feed without phases) and when the
    /// feed is not a proxy exposing `phaseAggregators`: the router's secondary source is then the fallback.
    function _previousRound(uint80 roundId) internal view returns (uint80) {
        // The low 64 bits are the aggregator's own round counter, which starts at 1 in every phase.
        uint64 aggregatorRound = uint64(roundId);
        // unchecked: aggregatorRound > 1, so the low bits do not borrow from the phase.
        unchecked {
            if (aggregatorRound > 1) return roundId - 1;
        }
        uint16 phase = uint16(roundId >> 64);
        if (aggregatorRound == 0 || phase <= 1) revert Oracle_RoundWithoutPredecessor(address(aggregator), roundId);
        // unchecked: phase > 1.
        uint16 previousPhase;
        unchecked {
            previousPhase = phase - 1;
        }
        uint256 lastRound = _lastRoundOfPhase(previousPhase);
        if (lastRound == 0 || lastRound > type(uint64).max) {
            revert Oracle_RoundWithoutPredecessor(address(aggregator), roundId);
        }
        return uint80((uint256(previousPhase) << 64) | lastRound);
    }

    /// @dev The latest round of the aggregator the proxy read during `phase`, or 0 when the feed exposes no such
    /// aggregator (not a proxy, an unknown phase, or an aggregator without `latestRound`).
    function _lastRoundOfPhase(uint16 phase) internal view returns (uint256) {
        try IChainlinkPhasedProxy(address(aggregator)).phaseAggregators(phase) returns (
            AggregatorV2V3Interface previous
        ) {
            if (address(previous).code.length == 0) return 0;
            try previous.latestRound() returns (uint256 latest) {
                return latest;
            } catch {
                return 0;
            }
        } catch {
            return 0;
        }
    }

    /// @dev Reverts unless the sequencer (when an uptime feed is configured) has been up for the grace period.
    function _checkSequencer() internal view {
        if (address(sequencerUptimeFeed) == address(0)) return;
        (, int256 status, uint256 startedAt, , ) = sequencerUptimeFeed.latestRoundData();
        // Status 0 means up; an uninitialised feed (startedAt 0) is treated as down rather than trusted.
        if (status != 0 || startedAt == 0) revert Oracle_SequencerDown(address(sequencerUptimeFeed));
        if (block.timestamp < startedAt + sequencerGracePeriod) {
            revert Oracle_SequencerGracePeriod(address(sequencerUptimeFeed), startedAt, sequencerGracePeriod);
        }
    }

    /// @dev Checks a round's answer and timestamp and scales the answer to WAD.
    function _validated(int256 answer, uint256 updatedAt) internal view returns (uint256) {
        if (answer <= 0) revert Oracle_NonPositivePrice(address(aggregator), answer);
        if (updatedAt == 0) revert Oracle_ZeroUpdatedAt(address(aggregator));
        if (updatedAt > block.timestamp) {
            revert Oracle_FutureTimestamp(address(aggregator), updatedAt, block.timestamp);
        }
        // Checked multiplication: an absurd answer reverts instead of wrapping.
        return uint256(answer) * SCALE_TO_WAD;
    }
}
