// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";

/// @notice A test stand-in for Chainlink's AggregatorProxy (not shipped in `@chainlink/contracts` 1.2.0): it reads
/// the aggregator of the current phase and encodes round ids as `phaseId << 64 | aggregatorRoundId`, and
/// `phaseAggregators(phaseId)` returns each phase's aggregator, as the deployed proxies do. Only the reads the
/// adapter uses are implemented; `upgrade` starts the next phase.
contract PhasedAggregatorProxy is AggregatorV3Interface {
    uint16 public phaseId;
    mapping(uint16 phase => AggregatorV2V3Interface) public phaseAggregators;

    constructor(AggregatorV2V3Interface first) {
        upgrade(first);
    }

    /// @notice Starts a new phase read from `next`.
    function upgrade(AggregatorV2V3Interface next) public {
        phaseAggregators[++phaseId] = next;
    }

    function decimals() external view returns (uint8) {
        return phaseAggregators[phaseId].decimals();
    }

    function description() external pure returns (string memory) {
        return "phased proxy";
    }

    function version() external pure returns (uint256) {
        return 1;
    }

    function getRoundData(
        uint80 roundId
    ) external view returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80) {
        uint16 phase = uint16(roundId >> 64);
        AggregatorV2V3Interface aggregator = phaseAggregators[phase];
        if (address(aggregator) == address(0)) return (roundId, 0, 0, 0, roundId);
        (, answer, startedAt, updatedAt, ) = aggregator.getRoundData(uint64(roundId));
        return (roundId, answer, startedAt, updatedAt, roundId);
    }

    function latestRoundData() external view returns (uint80 roundId, int256, uint256, uint256, uint80) {
        (uint80 aggregatorRound, int256 answer, uint256 startedAt, uint256 updatedAt, ) = phaseAggregators[phaseId]
            .latestRoundData();
        roundId = uint80((uint256(phaseId) << 64) | aggregatorRound);
        return (roundId, answer, startedAt, updatedAt, roundId);
    }
}
