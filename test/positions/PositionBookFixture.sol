// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {Test} from "../utils/Test.sol";

/// @notice The real series registry (on a Chainlink-backed router) holding open interest for the position book.
abstract contract PositionBookFixture is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant TRADER = address(0x7EAD);
    address internal constant SETTLER = address(0x5E771);

    /// @dev 2023-11-15 08:00 UTC; series expire 30 days later.
    uint256 internal constant T0 = 1_700_035_200;
    uint256 internal constant EXPIRY = T0 + 30 days;
    uint128 internal constant DEFAULT_CAP = 1e37;
    uint256 internal constant MAX_LIVE = 4;

    SeriesRegistry internal registry;
    PositionBook internal book;
    uint256 internal ethId;

    function setUp() public virtual {
        vm.warp(T0);
        MockV3Aggregator feed = new MockV3Aggregator(8, 3_000e8);
        ChainlinkAdapter adapter = new ChainlinkAdapter(
            AggregatorV3Interface(address(feed)),
            1 hours,
            10 minutes,
            AggregatorV3Interface(address(0)),
            0,
            1 hours
        );
        OracleRouter router = new OracleRouter(adapter, IPriceSource(address(0)), IPriceSource(address(0)), 0, 0);
        registry = new SeriesRegistry(ADMIN, new PauseGuard(ADMIN, ADMIN));
        book = new PositionBook(ADMIN, registry, MAX_LIVE);
        vm.startPrank(ADMIN);
        ethId = registry.addUnderlying(
            "ETH",
            ISeriesRegistry.UnderlyingConfig({
                router: router,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: 365 days,
                defaultOpenInterestCap: DEFAULT_CAP
            })
        );
        registry.grantRole(registry.LISTER_ROLE(), address(this));
        registry.grantRole(registry.POSITION_MANAGER_ROLE(), address(book));
        book.grantRole(book.TRADER_ROLE(), TRADER);
        book.grantRole(book.SETTLER_ROLE(), SETTLER);
        vm.stopPrank();
    }

    /// @dev Lists `count` calls struck 2000, 2100, ...
    function _listSeries(uint256 count) internal returns (uint256[] memory ids) {
        ids = new uint256[](count);
        for (uint256 i; i < count; ++i) ids[i] = registry.listSeries(ethId, 2_000e18 + i * 100e18, EXPIRY, true);
    }
}
