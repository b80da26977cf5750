// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IPriceSource} from "./IPriceSource.sol";

/// @title IChainlinkAdapter
/// @notice One Chainlink aggregator as an `IPriceSource`, and the immutable parameters it validates with.
interface IChainlinkAdapter is IPriceSource {
    /// @notice The aggregator read.
    function aggregator() external view returns (AggregatorV3Interface);

    /// @notice Largest accepted age of the latest answer: the feed's heartbeat plus a slack, in seconds.
    function maxAge() external view returns (uint256);

    /// @notice The L2 sequencer uptime feed (answer 0 = up, 1 = down); zero on L1.
    function sequencerUptimeFeed() external view returns (AggregatorV3Interface);

    /// @notice Seconds after the sequencer comes back up during which prices are not trusted.
    function sequencerGracePeriod() external view returns (uint256);
}
