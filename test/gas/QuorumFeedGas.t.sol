// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {QuorumFeedBase} from "../oracles/QuorumFeedBase.sol";
import {QuorumFeed} from "../../contracts/oracles/QuorumFeed.sol";
import {QuorumFeedAdapter} from "../../contracts/oracles/QuorumFeedAdapter.sol";
import {IQuorumFeed} from "../../contracts/interfaces/IQuorumFeed.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice Gas snapshots of steady-state quorum reports: the feed already has a round (stored in `setUp`, so the
/// measured call meets cold storage as a real transaction would), and the report is spread around it.
contract QuorumFeedGasTest is QuorumFeedBase {
    QuorumFeed internal quorum4;
    QuorumFeed internal quorum7;
    QuorumFeedAdapter internal adapter;
    uint64 internal ts2;

    function setUp() public {
        vm.warp(T0);
        _makeKeys(7, 11);
        quorum4 = _deploy(4, 3);
        quorum7 = _deploy(7, 5);
        quorum4.submit(FEED, uint64(T0), _uniform(quorum4, FEED, uint64(T0), 3, 2_000e18));
        quorum7.submit(FEED, uint64(T0), _uniform(quorum7, FEED, uint64(T0), 5, 2_000e18));
        adapter = Deploy.quorumFeedAdapter(quorum4, FEED, 1 hours, 1 minutes);
        ts2 = uint64(T0 + 60);
        vm.warp(ts2);
    }

    function test_gas_submit_k3_of_4() public {
        IQuorumFeed.SignedObservation[] memory obs = _spread(quorum4, 3);
        vm.startSnapshotGas("QuorumFeed", "submit_k3_of_4");
        quorum4.submit(FEED, ts2, obs);
        vm.stopSnapshotGas();
        (uint256 roundId, , ) = quorum4.latestRound(FEED);
        assertEq(roundId, 2, "second round stored");
    }

    function test_gas_submit_k5_of_7() public {
        IQuorumFeed.SignedObservation[] memory obs = _spread(quorum7, 5);
        vm.startSnapshotGas("QuorumFeed", "submit_k5_of_7");
        quorum7.submit(FEED, ts2, obs);
        vm.stopSnapshotGas();
        (uint256 roundId, , ) = quorum7.latestRound(FEED);
        assertEq(roundId, 2, "second round stored");
    }

    function test_gas_latestPrice() public {
        vm.startSnapshotGas("QuorumFeedAdapter", "latestPrice");
        (uint256 price, ) = adapter.latestPrice();
        vm.stopSnapshotGas();
        assertEq(price, 2_000e18, "price");
    }

    /// @dev The first `count` signers reporting distinct values in descending order, so the insertion sort does its
    /// full work (the worst case).
    function _spread(QuorumFeed quorum, uint256 count) internal view returns (IQuorumFeed.SignedObservation[] memory) {
        uint256[] memory idx = new uint256[](count);
        uint256[] memory values = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            idx[i] = i;
            values[i] = 2_010e18 - i * 5e18;
        }
        return _observations(quorum, FEED, ts2, idx, values);
    }
}
