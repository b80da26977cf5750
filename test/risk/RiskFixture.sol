// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {Deploy} from "../utils/Deploy.sol";
import {Feeds} from "../utils/Feeds.sol";

/// @notice The default scenario plus two more underlyings whose routers exercise every health path: "DIV" (id 2)
/// cross-checks two Chainlink feeds (2 % divergence bound), "L2" (id 3) reads a primary feed behind Chainlink's L2
/// sequencer uptime feed (a MockV3Aggregator: answer 0 = up, 1 = down, startedAt = when the status last changed; one
/// hour of grace) and a secondary that is not sequencer-gated (as the quorum feed is), so a sequencer outage leaves a
/// Degraded price to close positions against. ETH (id 1) is the fixture's single-source router. All three share the
/// fixture's risk parameters.
abstract contract RiskFixture is ProtocolFixture {
    uint256 internal constant DIV_ID = 2;
    uint256 internal constant L2_ID = 3;
    uint256 internal constant GRACE = 1 hours;
    uint256 internal constant MAX_AGE = 1 hours + 10 minutes;
    uint256 internal constant MAKER_KEY = 0xA11;
    uint256 internal constant TAKER_KEY = 0xB22;
    /// @dev A third trader's key; each test names its role.
    uint256 internal constant THIRD_KEY = 0xC33;

    MockV3Aggregator public divPrimaryFeed;
    MockV3Aggregator public divSecondaryFeed;
    MockV3Aggregator public l2Feed;
    MockV3Aggregator public l2SecondaryFeed;
    MockV3Aggregator public sequencerFeed;
    OracleRouter public divRouter;
    OracleRouter public l2Router;
    address internal maker;
    address internal taker;

    function setUp() public virtual override {
        super.setUp();
        divPrimaryFeed = new MockV3Aggregator(8, 100e8);
        divSecondaryFeed = new MockV3Aggregator(8, 100e8);
        divRouter = Deploy.oracleRouter(
            Feeds.adapter(divPrimaryFeed),
            Feeds.adapter(divSecondaryFeed),
            Feeds.adapter(volFeed),
            0.02e18,
            6 hours
        );
        l2Feed = new MockV3Aggregator(8, 2e8);
        l2SecondaryFeed = new MockV3Aggregator(8, 2e8);
        sequencerFeed = new MockV3Aggregator(0, 0);
        // Up for a day.
        sequencerFeed.updateRoundData(1, 0, block.timestamp - 1 days, block.timestamp - 1 days);
        l2Router = Deploy.oracleRouter(
            Feeds.adapter(l2Feed, AggregatorV3Interface(address(sequencerFeed)), GRACE),
            Feeds.adapter(l2SecondaryFeed),
            Feeds.adapter(volFeed),
            0.02e18,
            6 hours
        );
        vm.startPrank(ADMIN);
        registry.addUnderlying("DIV", _underlying(divRouter, 90 days, 1_000_000e18));
        registry.addUnderlying("L2", _underlying(l2Router, 90 days, 1_000_000e18));
        for (uint256 id = 2; id <= 3; ++id) risk.setRiskParams(id, _riskParams());
        vm.stopPrank();
    }

    /// @dev The maker and the taker, each with 100,000 USDC.
    function _fundMakerAndTaker() internal {
        maker = vm.addr(MAKER_KEY);
        taker = vm.addr(TAKER_KEY);
        _deposit(maker, 100_000e6);
        _deposit(taker, 100_000e6);
    }
}
