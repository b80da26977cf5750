// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {IPositionCounter} from "../../contracts/interfaces/IMarginHook.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {BlackScholes} from "../../contracts/libraries/BlackScholes.sol";
import {MarginEngine} from "../../contracts/margin/MarginEngine.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {Settlement} from "../../contracts/settlement/Settlement.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {Test} from "../utils/Test.sol";

/// @notice The real stack around the margin engine: Chainlink mock aggregators → adapters → routers (ETH spot with a
/// cross-checking secondary and an implied-volatility feed), the series registry, the position book and the vault
/// (USDC quote, 6 decimals) with the engine as its margin hook, and settlement (whose debts the engine deducts). The
/// test contract is the book's trader; settlement is its settler.
abstract contract MarginFixture is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant GUARDIAN = address(0x6A4D);
    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB0B);
    address internal constant MAKER = address(0x3A4E);

    /// @dev 2023-11-15 08:00 UTC: on the expiry grid, so the expiries below are exactly 30 and 60 days away.
    uint256 internal constant T0 = 1_700_035_200;
    uint256 internal constant EXPIRY_1 = T0 + 30 days;
    uint256 internal constant EXPIRY_2 = T0 + 60 days;
    uint256 internal constant HEARTBEAT = 1 hours;
    uint256 internal constant SLACK = 10 minutes;
    int256 internal constant SPOT_E8 = 3_000e8;
    int256 internal constant VOL_E8 = 0.8e8;
    uint256 internal constant SPOT = 3_000e18;
    uint256 internal constant VOL = 0.8e18;
    uint256 internal constant A = 0.15e18;
    uint256 internal constant B = 0.1e18;
    uint256 internal constant C = 0.075e18;
    uint256 internal constant WAD = 1e18;

    MockERC20 internal usdc;
    MockV3Aggregator internal primaryFeed;
    MockV3Aggregator internal secondaryFeed;
    MockV3Aggregator internal volFeed;
    OracleRouter internal ethRouter;
    PauseGuard internal guard;
    SeriesRegistry internal registry;
    PositionBook internal book;
    Vault internal vault;
    Settlement internal settlement;
    MarginEngine internal engine;
    uint256 internal ethId;

    function setUp() public virtual {
        vm.warp(T0);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        primaryFeed = new MockV3Aggregator(8, SPOT_E8);
        secondaryFeed = new MockV3Aggregator(8, SPOT_E8);
        volFeed = new MockV3Aggregator(8, VOL_E8);
        ethRouter = new OracleRouter(
            _adapter(primaryFeed),
            _adapter(secondaryFeed),
            _adapter(volFeed),
            0.02e18,
            1 hours
        );
        guard = new PauseGuard(ADMIN, GUARDIAN);
        registry = new SeriesRegistry(ADMIN, guard);
        book = new PositionBook(ADMIN, registry, 32);
        vault = new Vault(ADMIN, address(usdc), new OpenPositionsMarginHook(IPositionCounter(address(0))));
        settlement = new Settlement(ADMIN, vault, book, registry);
        engine = new MarginEngine(ADMIN, vault, book, registry, settlement);

        vm.startPrank(ADMIN);
        ethId = registry.addUnderlying(
            "ETH",
            ISeriesRegistry.UnderlyingConfig({
                router: ethRouter,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: 365 days,
                defaultOpenInterestCap: 1e30
            })
        );
        registry.grantRole(registry.LISTER_ROLE(), address(this));
        registry.grantRole(registry.POSITION_MANAGER_ROLE(), address(book));
        book.grantRole(book.TRADER_ROLE(), address(this));
        book.grantRole(book.SETTLER_ROLE(), address(settlement));
        vault.grantRole(vault.CLEARING_ROLE(), address(settlement));
        vault.setMarginHook(engine);
        engine.setMarginParams(ethId, _params(A, B, C));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    function _adapter(MockV3Aggregator feed) internal returns (IPriceSource) {
        return
            new ChainlinkAdapter(
                AggregatorV3Interface(address(feed)),
                HEARTBEAT,
                SLACK,
                AggregatorV3Interface(address(0)),
                0,
                1 hours
            );
    }

    function _params(uint256 a, uint256 b, uint256 c) internal pure returns (IMarginEngine.MarginParams memory) {
        return IMarginEngine.MarginParams(uint64(a), uint64(b), uint64(c));
    }

    function _list(uint256 strikeE18, uint256 expiry, bool isCall) internal returns (uint256) {
        return registry.listSeries(ethId, strikeE18, expiry, isCall);
    }

    /// @dev Gives `account` a position of `sizeE18` in `seriesId` against `MAKER`.
    function _trade(address account, uint256 seriesId, int256 sizeE18) internal {
        if (sizeE18 > 0) book.transferPosition(seriesId, account, MAKER, uint256(sizeE18));
        else book.transferPosition(seriesId, MAKER, account, uint256(-sizeE18));
    }

    function _deposit(address account, uint256 amountE6) internal {
        usdc.mint(account, amountE6);
        vm.startPrank(account);
        usdc.approve(address(vault), amountE6);
        vault.deposit(account, address(usdc), amountE6);
        vm.stopPrank();
    }

    /// @dev Sets both spot feeds (fresh at the current time) and the volatility feed.
    function _setPrices(int256 spotE8, int256 volE8) internal {
        primaryFeed.updateAnswer(spotE8);
        secondaryFeed.updateAnswer(spotE8);
        volFeed.updateAnswer(volE8);
    }

    /// @dev Proves `expiry`'s price on the primary feed (a round just before expiry, then the first round after it
    /// at `priceE8`), moves time to just after it and refreshes the other feeds, as `_setPrices` would.
    function _proveExpiry(uint256 expiry, int256 priceE8) internal {
        uint80 round = uint80(primaryFeed.latestRound()) + 1;
        primaryFeed.updateRoundData(round, priceE8, expiry - 10, expiry - 10);
        primaryFeed.updateRoundData(round + 1, priceE8, expiry + 5, expiry + 5);
        if (block.timestamp < expiry + 10) vm.warp(expiry + 10);
        ethRouter.setExpiryPrice(expiry, round + 1);
        secondaryFeed.updateAnswer(priceE8);
        volFeed.updateAnswer(VOL_E8);
    }

    // Expected values, computed here from the formulas (never read back from the engine).

    function _call(uint256 spot, uint256 strike, uint256 t) internal pure returns (uint256) {
        return BlackScholes.price(spot, strike, t, VOL, true);
    }

    function _put(uint256 spot, uint256 strike, uint256 t) internal pure returns (uint256) {
        return BlackScholes.price(spot, strike, t, VOL, false);
    }

    function _err(uint256 spot, uint256 strike) internal pure returns (uint256) {
        return ((spot + strike) * 1_000 + WAD - 1) / WAD + 2;
    }

    function _ceilDiv(uint256 x, uint256 y) internal pure returns (uint256) {
        return x == 0 ? 0 : (x - 1) / y + 1;
    }

    /// @dev Value of `size` longs at `mark` − bound, rounded down.
    function _longValue(uint256 sizeE18, uint256 markE18, uint256 errE18) internal pure returns (int256) {
        uint256 m = markE18 > errE18 ? markE18 - errE18 : 0;
        return int256((sizeE18 * m) / WAD);
    }

    /// @dev Value of `size` shorts at `mark` + bound, rounded up, as a negative number.
    function _shortValue(uint256 sizeE18, uint256 markE18, uint256 errE18) internal pure returns (int256) {
        return -int256(_ceilDiv(sizeE18 * (markE18 + errE18), WAD));
    }

    function _max(uint256 x, uint256 y) internal pure returns (uint256) {
        return x > y ? x : y;
    }

    function _min(uint256 x, uint256 y) internal pure returns (uint256) {
        return x < y ? x : y;
    }

    function _assertMargin(
        address account,
        int256 equityE18,
        uint256 initialE18,
        uint256 maintenanceE18,
        string memory label
    ) internal view {
        IMarginEngine.AccountMargin memory m = engine.marginOf(account);
        assertEq(m.equityWad, equityE18, string.concat(label, ": equity"));
        assertEq(m.initialWad, initialE18, string.concat(label, ": initial"));
        assertEq(m.maintenanceWad, maintenanceE18, string.concat(label, ": maintenance"));
    }
}
