// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Exchange} from "../../contracts/exchange/Exchange.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {IMarginHook, IPositionCounter} from "../../contracts/interfaces/IMarginHook.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {RiskController} from "../../contracts/risk/RiskController.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {MarginEngine} from "../../contracts/margin/MarginEngine.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {Test} from "../utils/Test.sol";

/// @notice The whole trading stack on the real contracts: Chainlink mock feeds → adapters → router, pause guard,
/// series registry, position book, vault, margin engine and the exchange, with one ETH underlying and a few series.
// The fixture holds the whole stack and its accounts, one state variable each.
// solhint-disable-next-line max-states-count
abstract contract ExchangeBase is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant GUARDIAN = address(0x6A4D);
    address internal constant LISTER = address(0x1157);
    address internal constant MATCHER = address(0x3A7C);
    address internal constant FEE_RECIPIENT = address(0xFEE);
    address internal constant INSURANCE = address(0x1F5);
    address internal constant OPERATOR = address(0x0B);
    address internal constant STRANGER = address(0xBAD);

    uint256 internal constant MAKER_PK = 0xA11CE5EC2E7;
    uint256 internal constant TAKER_PK = 0xB0B5EC2E7;
    uint256 internal constant OTHER_PK = 0xC4A21E;

    /// @dev 2023-11-14 22:13:20 UTC; EXPIRY is 2023-12-15 08:00 UTC, on the 08:00 grid.
    uint256 internal constant T0 = 1_700_000_000;
    uint256 internal constant EXPIRY = 1_702_627_200;
    uint256 internal constant HEARTBEAT = 1 hours;
    uint256 internal constant SLACK = 10 minutes;
    int256 internal constant ETH_USD_E8 = 3_000e8;
    int256 internal constant VOL_E8 = 0.8e8;
    uint256 internal constant SPOT = 3_000e18;
    uint128 internal constant OI_CAP = 1_000_000e18;
    uint256 internal constant MAX_LIVE_SERIES = 8;

    /// @dev Deribit-like fee schedule: 0.03% of notional capped at 12.5% of premium; 20% to the insurance fund.
    uint64 internal constant NOTIONAL_FEE = 0.0003e18;
    uint64 internal constant PREMIUM_CAP = 0.125e18;
    uint64 internal constant INSURANCE_SHARE = 0.2e18;

    bytes32 internal constant ORDER_TYPEHASH =
        keccak256(
            "Order(address maker,uint256 seriesId,bool isBuy,uint256 amount,uint256 minFillAmount,"
            "uint256 limitPriceE18,uint64 deadline,uint256 nonce,address taker)"
        );
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    address internal maker;
    address internal taker;
    address internal other;

    MockERC20 internal usdc;
    MockV3Aggregator internal primaryFeed;
    MockV3Aggregator internal secondaryFeed;
    MockV3Aggregator internal volFeed;
    OracleRouter internal ethRouter;
    PauseGuard internal guard;
    SeriesRegistry internal registry;
    PositionBook internal book;
    Vault internal vault;
    IMarginEngine internal margin;
    Exchange internal exchange;
    uint256 internal ethId;
    /// @dev Calls at 3000, 3200, 3400, 3600, 2800 and puts at 2800, 2600, 2400; all expiring at EXPIRY.
    uint256[] internal seriesIds;
    uint256 internal callAtm;
    uint256 internal putOtm;
    uint256 internal _tradeNonce = 1_000;

    function setUp() public virtual {
        vm.warp(T0);
        maker = vm.addr(MAKER_PK);
        taker = vm.addr(TAKER_PK);
        other = vm.addr(OTHER_PK);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        primaryFeed = new MockV3Aggregator(8, ETH_USD_E8);
        secondaryFeed = new MockV3Aggregator(8, ETH_USD_E8);
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
        book = new PositionBook(ADMIN, registry, MAX_LIVE_SERIES);
        vault = new Vault(ADMIN, address(usdc), new OpenPositionsMarginHook(IPositionCounter(address(0))));
        MarginEngine engine = new MarginEngine(ADMIN, vault, book, registry, ISettlement(address(0)));
        margin = engine;
        exchange = new Exchange(
            ADMIN,
            vault,
            book,
            registry,
            margin,
            guard,
            new RiskController(ADMIN, registry),
            FEE_RECIPIENT,
            INSURANCE
        );

        _configure(engine);
        _listSeries();
    }

    /// @dev Roles, the ETH underlying, margin ratios, the engine as the vault's hook and the fee schedule.
    function _configure(MarginEngine engine) internal {
        vm.startPrank(ADMIN);
        registry.grantRole(registry.POSITION_MANAGER_ROLE(), address(book));
        registry.grantRole(registry.LISTER_ROLE(), LISTER);
        ethId = registry.addUnderlying(
            "ETH",
            ISeriesRegistry.UnderlyingConfig({
                router: ethRouter,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: 365 days,
                defaultOpenInterestCap: OI_CAP
            })
        );
        engine.setMarginParams(ethId, IMarginEngine.MarginParams(0.15e18, 0.1e18, 0.075e18));
        vault.setMarginHook(IMarginHook(address(engine)));
        book.grantRole(book.TRADER_ROLE(), address(exchange));
        vault.grantRole(vault.CLEARING_ROLE(), address(exchange));
        exchange.grantRole(exchange.MATCHER_ROLE(), MATCHER);
        exchange.setFeeConfig(IExchange.FeeConfig(NOTIONAL_FEE, PREMIUM_CAP, INSURANCE_SHARE));
        vm.stopPrank();
    }

    function _listSeries() internal {
        vm.startPrank(LISTER);
        seriesIds.push(registry.listSeries(ethId, 3_000e18, EXPIRY, true));
        seriesIds.push(registry.listSeries(ethId, 3_200e18, EXPIRY, true));
        seriesIds.push(registry.listSeries(ethId, 3_400e18, EXPIRY, true));
        seriesIds.push(registry.listSeries(ethId, 3_600e18, EXPIRY, true));
        seriesIds.push(registry.listSeries(ethId, 2_800e18, EXPIRY, true));
        seriesIds.push(registry.listSeries(ethId, 2_800e18, EXPIRY, false));
        seriesIds.push(registry.listSeries(ethId, 2_600e18, EXPIRY, false));
        seriesIds.push(registry.listSeries(ethId, 2_400e18, EXPIRY, false));
        vm.stopPrank();
        callAtm = seriesIds[0];
        putOtm = seriesIds[5];
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    function _adapter(MockV3Aggregator feed) internal returns (ChainlinkAdapter) {
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

    /// @dev Moves spot on both feeds (and refreshes the volatility feed's timestamp).
    function _setSpot(int256 priceE8) internal {
        primaryFeed.updateAnswer(priceE8);
        secondaryFeed.updateAnswer(priceE8);
        volFeed.updateAnswer(VOL_E8);
    }

    function _deposit(address account, uint256 amount) internal {
        usdc.mint(address(this), amount);
        usdc.approve(address(vault), amount);
        vault.deposit(account, address(usdc), amount);
    }

    function _balance(address account) internal view returns (uint256) {
        return vault.balanceOf(account, address(usdc));
    }

    function _order(
        address orderMaker,
        uint256 seriesId,
        bool isBuy,
        uint256 amount,
        uint256 priceE18
    ) internal view returns (IExchange.Order memory) {
        return
            IExchange.Order(
                orderMaker,
                seriesId,
                isBuy,
                amount,
                0,
                priceE18,
                uint64(block.timestamp + 1 hours),
                1,
                address(0)
            );
    }

    /// @dev The EIP-712 digest of `order` for `exchange_` on the current chain, computed from the spec alone.
    function _digest(IExchange.Order memory order, address exchange_) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("Optio Exchange"), keccak256("1"), block.chainid, exchange_)
        );
        bytes32 structHash = keccak256(
            abi.encode(
                ORDER_TYPEHASH,
                order.maker,
                order.seriesId,
                order.isBuy,
                order.amount,
                order.minFillAmount,
                order.limitPriceE18,
                order.deadline,
                order.nonce,
                order.taker
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function _digest(IExchange.Order memory order) internal view returns (bytes32) {
        return _digest(order, address(exchange));
    }

    function _sign(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    function _sign(uint256 pk, IExchange.Order memory order) internal view returns (bytes memory) {
        return _sign(pk, _digest(order));
    }

    /// @dev `taker` fills all of a fresh order signed by `makerPk`.
    function _trade(
        uint256 makerPk,
        address takerAccount,
        uint256 seriesId,
        bool makerBuys,
        uint256 amount,
        uint256 priceE18
    ) internal returns (uint256 premium) {
        IExchange.Order memory order = _order(vm.addr(makerPk), seriesId, makerBuys, amount, priceE18);
        order.nonce = ++_tradeNonce;
        vm.prank(takerAccount);
        return exchange.fill(order, _sign(makerPk, order), amount, takerAccount);
    }
}
