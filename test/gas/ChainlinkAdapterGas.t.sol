// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {Health} from "../../contracts/interfaces/IOracleRouter.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {Test} from "../utils/Test.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice Gas snapshots of one oracle read each: the adapter on L1, the adapter behind a sequencer uptime feed, and
/// the router cross-checking two adapters. Every measured call is checked to succeed, so a snapshot never records
/// the cost of a revert.
contract ChainlinkAdapterGasTest is Test {
    uint256 internal constant NOW = 1_750_000_000;

    MockV3Aggregator internal feedA;
    MockV3Aggregator internal feedB;
    MockV3Aggregator internal sequencer;
    ChainlinkAdapter internal adapter;
    ChainlinkAdapter internal l2Adapter;
    OracleRouter internal router;

    function setUp() public {
        vm.warp(NOW);
        feedA = new MockV3Aggregator(8, 2_000e8);
        feedB = new MockV3Aggregator(8, 2_001e8);
        sequencer = new MockV3Aggregator(0, 0);
        sequencer.updateRoundData(1, 0, NOW - 1 days, NOW - 1 days);
        AggregatorV3Interface none = AggregatorV3Interface(address(0));
        adapter = Deploy.chainlinkAdapter(feedA, 3600, 600, none, 0, 120);
        l2Adapter = Deploy.chainlinkAdapter(feedA, 3600, 600, sequencer, 3600, 120);
        ChainlinkAdapter adapterB = Deploy.chainlinkAdapter(feedB, 3600, 600, none, 0, 120);
        router = Deploy.oracleRouter(adapter, adapterB, IPriceSource(address(0)), 0.02e18, 1 hours);
    }

    function test_gas_latestPrice() public {
        vm.startSnapshotGas("ChainlinkAdapter", "latestPrice");
        (uint256 price, ) = adapter.latestPrice();
        vm.stopSnapshotGas();
        assertEq(price, 2_000e18, "price");
    }

    function test_gas_latestPrice_withSequencer() public {
        vm.startSnapshotGas("ChainlinkAdapter", "latestPrice_withSequencer");
        (uint256 price, ) = l2Adapter.latestPrice();
        vm.stopSnapshotGas();
        assertEq(price, 2_000e18, "price");
    }

    function test_gas_spot_twoSources() public {
        vm.startSnapshotGas("OracleRouter", "spot_twoSources");
        (uint256 price, Health health) = router.spot();
        vm.stopSnapshotGas();
        assertEq(price, 2_000e18, "price");
        assertEq(uint256(health), uint256(Health.Ok), "health");
    }
}
