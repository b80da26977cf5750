// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {Settlement} from "../../contracts/settlement/Settlement.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {Test} from "../utils/Test.sol";

/// @notice The real vault, registry, position book, Chainlink-backed router and settlement, with one call and one
/// put listed. Positions are opened directly through the book (the test holds its trader role) so settlement is
/// tested on its own.
abstract contract SettlementFixture is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant LISTER = address(0x1157);
    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA401);
    address internal constant STRANGER = address(0xBAD);

    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant EXPIRY = ((T0 / 1 days) + 1) * 1 days + 8 hours;
    uint256 internal constant STRIKE = 3_000e18;
    /// @dev Quote units per WAD·WAD product: 1e18 (WAD) × 1e12 (18 − 6 decimals).
    uint256 internal constant DENOM = 1e30;

    MockERC20 internal usdc;
    MockV3Aggregator internal feed;
    OracleRouter internal router;
    SeriesRegistry internal registry;
    PositionBook internal book;
    Vault internal vault;
    Settlement internal settlement;
    uint256 internal callId;
    uint256 internal putId;

    function setUp() public virtual {
        vm.warp(T0);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        feed = new MockV3Aggregator(8, 3_000e8);
        ChainlinkAdapter adapter = new ChainlinkAdapter(
            feed,
            1 hours,
            10 minutes,
            AggregatorV3Interface(address(0)),
            0,
            1 hours
        );
        router = new OracleRouter(adapter, IPriceSource(address(0)), IPriceSource(address(0)), 0, 0);
        PauseGuard guard = new PauseGuard(ADMIN, ADMIN);
        registry = new SeriesRegistry(ADMIN, guard);
        book = new PositionBook(ADMIN, registry, 16);
        vault = new Vault(ADMIN, address(usdc), new OpenPositionsMarginHook(book));
        settlement = new Settlement(ADMIN, vault, book, registry);

        vm.startPrank(ADMIN);
        registry.grantRole(registry.LISTER_ROLE(), LISTER);
        registry.grantRole(registry.POSITION_MANAGER_ROLE(), address(book));
        registry.addUnderlying(
            "ETH",
            ISeriesRegistry.UnderlyingConfig({
                router: router,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: 90 days,
                defaultOpenInterestCap: 1_000_000e18
            })
        );
        book.grantRole(book.TRADER_ROLE(), address(this));
        book.grantRole(book.SETTLER_ROLE(), address(settlement));
        vault.grantRole(vault.CLEARING_ROLE(), address(settlement));
        vm.stopPrank();

        vm.startPrank(LISTER);
        callId = registry.listSeries(1, STRIKE, EXPIRY, true);
        putId = registry.listSeries(1, STRIKE, EXPIRY, false);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- helpers

    function _deposit(address account, uint256 amount) internal {
        usdc.mint(account, amount);
        vm.startPrank(account);
        usdc.approve(address(vault), amount);
        vault.deposit(account, address(usdc), amount);
        vm.stopPrank();
    }

    /// @dev Proves the expiry price: a round just before expiry and the first round after it at `priceE8`.
    function _expire(int256 priceE8) internal {
        feed.updateRoundData(2, 2_900e8, EXPIRY - 10, EXPIRY - 10);
        feed.updateRoundData(3, priceE8, EXPIRY + 5, EXPIRY + 5);
        vm.warp(EXPIRY + 10);
        router.setExpiryPrice(EXPIRY, 3);
    }

    function _ceilDiv(uint256 a, uint256 b) internal pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }
}
