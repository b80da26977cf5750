// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceSource} from "./IPriceSource.sol";
import {IQuorumFeed} from "./IQuorumFeed.sol";

/// @title IQuorumFeedAdapter
/// @notice One feed of a `QuorumFeed` as an `IPriceSource`, and the immutable parameters it reads with.
interface IQuorumFeedAdapter is IPriceSource {
    /// @notice The quorum feed contract read.
    function quorumFeed() external view returns (IQuorumFeed);

    /// @notice The feed id within `quorumFeed`.
    function feedId() external view returns (bytes32);

    /// @notice The largest age, in seconds, of the latest round accepted by `latestPrice`.
    function maxAge() external view returns (uint256);
}
