// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice The protocol fixture plus a risk controller and two more underlyings whose routers exercise every
/// health path: "DIV" (id 2) cross-checks two Chainlink feeds (2 % divergence bound), "L2" (id 3) reads a primary
/// feed behind Chainlink's L2 sequencer uptime feed (a MockV3Aggregator: answer 0 = up, 1 = down, startedAt = when
/// the status last changed; one hour of grace) and a secondary that is not sequencer-gated (as the quorum feed is),
/// so a sequencer outage leaves a Degraded price to close positions against. ETH (id 1) is the fixture's
/// single-source router. All three share the risk parameters below (ETH's are the fixture's, the same values).
abstract contract RiskFixture is ProtocolFixture {
    uint256 internal constant DIV_ID = 2;
    uint256 internal constant L2_ID = 3;
    uint256 internal constant GRACE = 1 hours;
    uint256 internal constant MAX_AGE = 1 hours + 10 minutes;

    uint32 internal constant HALF_LIFE = 1 days;
    uint64 internal constant TARGET_VOL = 1e18;
    uint64 internal constant CAP = 3e18;
    uint32 internal constant MIN_INTERVAL = 10 minutes;

    MockV3Aggregator public divPrimaryFeed;
    MockV3Aggregator public divSecondaryFeed;
    MockV3Aggregator public l2Feed;
    MockV3Aggregator public l2SecondaryFeed;
    MockV3Aggregator public sequencerFeed;
    OracleRouter public divRouter;
    OracleRouter public l2Router;

    function setUp() public virtual override {
        super.setUp();
        AggregatorV3Interface none = AggregatorV3Interface(address(0));
        divPrimaryFeed = new MockV3Aggregator(8, 100e8);
        divSecondaryFeed = new MockV3Aggregator(8, 100e8);
        divRouter = new OracleRouter(
            new ChainlinkAdapter(divPrimaryFeed, 1 hours, 10 minutes, none, 0, 1 hours),
            new ChainlinkAdapter(divSecondaryFeed, 1 hours, 10 minutes, none, 0, 1 hours),
            new ChainlinkAdapter(volFeed, 1 hours, 10 minutes, none, 0, 1 hours),
            0.02e18,
            6 hours
        );
        l2Feed = new MockV3Aggregator(8, 2e8);
        l2SecondaryFeed = new MockV3Aggregator(8, 2e8);
        sequencerFeed = new MockV3Aggregator(0, 0);
        // Up for a day.
        sequencerFeed.updateRoundData(1, 0, block.timestamp - 1 days, block.timestamp - 1 days);
        l2Router = new OracleRouter(
            new ChainlinkAdapter(l2Feed, 1 hours, 10 minutes, sequencerFeed, GRACE, 1 hours),
            new ChainlinkAdapter(l2SecondaryFeed, 1 hours, 10 minutes, none, 0, 1 hours),
            new ChainlinkAdapter(volFeed, 1 hours, 10 minutes, none, 0, 1 hours),
            0.02e18,
            6 hours
        );
        vm.startPrank(ADMIN);
        registry.addUnderlying("DIV", _underlyingConfig(divRouter));
        registry.addUnderlying("L2", _underlyingConfig(l2Router));
        for (uint256 id = 2; id <= 3; ++id) risk.setRiskParams(id, _params());
        vm.stopPrank();
    }

    function _underlyingConfig(OracleRouter router) internal pure returns (ISeriesRegistry.UnderlyingConfig memory) {
        return
            ISeriesRegistry.UnderlyingConfig({
                router: router,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: 90 days,
                defaultOpenInterestCap: 1_000_000e18
            });
    }

    function _params() internal pure returns (IRiskController.RiskParams memory) {
        return
            IRiskController.RiskParams({
                halfLifeSeconds: HALF_LIFE,
                targetVolWad: TARGET_VOL,
                maxMultiplierWad: CAP,
                minUpdateInterval: MIN_INTERVAL
            });
    }

    uint256 internal _nonce;

    /// @dev `makerKey`'s account posts an order that `takerAccount` fills in full.
    function _trade(
        uint256 makerKey,
        address takerAccount,
        uint256 seriesId,
        bool makerBuys,
        uint256 amount,
        uint256 priceE18
    ) internal {
        IExchange.Order memory order = _order(vm.addr(makerKey), seriesId, makerBuys, amount, priceE18, ++_nonce);
        bytes memory signature = _sign(makerKey, order);
        vm.prank(takerAccount);
        exchange.fill(order, signature, amount, takerAccount);
    }

    /// @dev Warps `dt` seconds, publishes `priceE8` on the ETH feed (fresh) and pokes ETH.
    function _pokeEthAfter(uint256 dt, int256 priceE8) internal returns (bool) {
        vm.warp(block.timestamp + dt);
        _setSpot(priceE8);
        return risk.poke(ETH_ID);
    }
}
