// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {Deploy} from "./Deploy.sol";

/// @notice Price sources on Chainlink `MockV3Aggregator` feeds with the tests' standard staleness bounds, for the
/// whole-stack fixture and the unit tests of the contracts that read a router (the oracle tests set their own).
library Feeds {
    uint256 internal constant HEARTBEAT = 1 hours;
    uint256 internal constant SLACK = 10 minutes;
    /// @dev How long after a time an observation may still prove the price at that time.
    uint256 internal constant MAX_OBSERVATION_DELAY = 1 hours;

    /// @dev An adapter on `feed`, no sequencer feed.
    function adapter(MockV3Aggregator feed) internal returns (ChainlinkAdapter) {
        return adapter(feed, AggregatorV3Interface(address(0)), 0);
    }

    /// @dev An adapter on `feed` behind an L2 sequencer uptime feed with `grace` seconds of grace.
    function adapter(
        MockV3Aggregator feed,
        AggregatorV3Interface sequencer,
        uint256 grace
    ) internal returns (ChainlinkAdapter) {
        return Deploy.chainlinkAdapter(feed, HEARTBEAT, SLACK, sequencer, grace, MAX_OBSERVATION_DELAY);
    }

    /// @dev A router on `spot`, cross-checked by `secondary` and with `vol` when those are set (non-zero).
    function router(
        MockV3Aggregator spot,
        MockV3Aggregator secondary,
        MockV3Aggregator vol,
        uint256 maxDivergenceWad,
        uint256 fallbackDelay
    ) internal returns (OracleRouter) {
        return Deploy.oracleRouter(adapter(spot), _source(secondary), _source(vol), maxDivergenceWad, fallbackDelay);
    }

    function _source(MockV3Aggregator feed) private returns (IPriceSource) {
        return address(feed) == address(0) ? IPriceSource(address(0)) : adapter(feed);
    }
}
