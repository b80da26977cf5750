// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {Exchange} from "../../contracts/exchange/Exchange.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {MarginEngine} from "../../contracts/margin/MarginEngine.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {RiskController} from "../../contracts/risk/RiskController.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {Settlement} from "../../contracts/settlement/Settlement.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {Test} from "./Test.sol";

/// @notice The whole trading core wired as the deployment wires it: Chainlink-backed ETH router with a volatility
/// feed, pause guard, registry, risk controller (consulted by the registry, the margin engine and the exchange),
/// position book, vault, settlement, margin engine (the vault's margin hook) and exchange, with an ETH option chain
/// listed. The risk controller starts unobserved (multiplier 1) until a test pokes it. Used by integration,
/// invariant and gas tests.
abstract contract ProtocolFixture is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant GUARDIAN = address(0x6A4D);
    address internal constant LISTER = address(0x1157);
    address internal constant FEE_RECIPIENT = address(0xFEE);
    address internal constant INSURANCE = address(0x1F);

    uint256 internal constant T0 = 1_700_000_000;
    /// @dev 08:00 UTC, three days after T0.
    uint256 public constant EXPIRY = ((T0 / 1 days) + 3) * 1 days + 8 hours;
    uint256 internal constant ETH_ID = 1;

    MockERC20 public usdc;
    MockERC20 public weth;
    MockV3Aggregator public ethFeed;
    MockV3Aggregator public volFeed;
    OracleRouter public ethRouter;
    PauseGuard public guard;
    SeriesRegistry public registry;
    RiskController public risk;
    PositionBook public book;
    Vault public vault;
    Settlement public settlement;
    MarginEngine public margin;
    Exchange public exchange;

    /// @dev Listed series: strikes 2,700 / 3,000 / 3,300, each as a call then a put (ids 1..6).
    uint256[] internal seriesIds;

    function setUp() public virtual {
        vm.warp(T0);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        weth = new MockERC20("Wrapped Ether", "WETH", 18);
        ethFeed = new MockV3Aggregator(8, 3_000e8);
        volFeed = new MockV3Aggregator(18, 0.8e18);
        AggregatorV3Interface noSequencer = AggregatorV3Interface(address(0));
        ethRouter = new OracleRouter(
            new ChainlinkAdapter(ethFeed, 1 hours, 10 minutes, noSequencer, 0, 1 hours),
            IPriceSource(address(0)),
            new ChainlinkAdapter(volFeed, 1 hours, 10 minutes, noSequencer, 0, 1 hours),
            0,
            0
        );
        guard = new PauseGuard(ADMIN, GUARDIAN);
        registry = new SeriesRegistry(ADMIN, guard);
        risk = new RiskController(ADMIN, registry);
        book = new PositionBook(ADMIN, registry, 16);
        vault = new Vault(ADMIN, address(usdc), new OpenPositionsMarginHook(book));
        settlement = new Settlement(ADMIN, vault, book, registry);
        margin = new MarginEngine(ADMIN, vault, book, registry, settlement);
        exchange = new Exchange(ADMIN, vault, book, registry, margin, guard, risk, FEE_RECIPIENT, INSURANCE);

        _wire();
        vm.startPrank(LISTER);
        for (uint256 k = 2_700e18; k <= 3_300e18; k += 300e18) {
            seriesIds.push(registry.listSeries(ETH_ID, k, EXPIRY, true));
            seriesIds.push(registry.listSeries(ETH_ID, k, EXPIRY, false));
        }
        vm.stopPrank();
    }

    /// @dev Roles, margin hook, collateral, the ETH underlying, margin ratios and fees, as the deployment sets them.
    function _wire() internal {
        vm.startPrank(ADMIN);
        registry.grantRole(registry.LISTER_ROLE(), LISTER);
        registry.grantRole(registry.POSITION_MANAGER_ROLE(), address(book));
        book.grantRole(book.TRADER_ROLE(), address(exchange));
        book.grantRole(book.SETTLER_ROLE(), address(settlement));
        vault.grantRole(vault.CLEARING_ROLE(), address(exchange));
        vault.grantRole(vault.CLEARING_ROLE(), address(settlement));
        vault.setMarginHook(margin);
        registry.setRiskController(risk);
        margin.setRiskController(risk);
        vault.listCollateral(address(weth), 0.2e18, ethRouter);
        registry.addUnderlying(
            "ETH",
            ISeriesRegistry.UnderlyingConfig({
                router: ethRouter,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: 90 days,
                defaultOpenInterestCap: 1_000_000e18
            })
        );
        margin.setMarginParams(
            ETH_ID,
            IMarginEngine.MarginParams({
                initialRatioWad: 0.15e18,
                minInitialRatioWad: 0.1e18,
                maintenanceRatioWad: 0.075e18
            })
        );
        // Realised volatility above 100 % annualised (one-day half-life) raises margins, at most threefold.
        risk.setRiskParams(
            ETH_ID,
            IRiskController.RiskParams({
                halfLifeSeconds: 1 days,
                targetVolWad: 1e18,
                maxMultiplierWad: 3e18,
                minUpdateInterval: 10 minutes
            })
        );
        exchange.setFeeConfig(
            IExchange.FeeConfig({notionalFeeWad: 0.0003e18, premiumCapWad: 0.125e18, insuranceShareWad: 0.2e18})
        );
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- helpers

    // Accessors for invariant handlers, which drive the fixture from their own contract.
    function seriesAt(uint256 seed) external view returns (uint256) {
        return seriesIds[seed % seriesIds.length];
    }

    function seriesCount() external view returns (uint256) {
        return seriesIds.length;
    }

    function setSpot(int256 priceE8) external {
        _setSpot(priceE8);
    }

    function expireAt(int256 priceE8) external {
        _expireAt(priceE8);
    }

    function _depositQuote(address account, uint256 amount) internal {
        usdc.mint(account, amount);
        vm.startPrank(account);
        usdc.approve(address(vault), amount);
        vault.deposit(account, address(usdc), amount);
        vm.stopPrank();
    }

    function _order(
        address maker,
        uint256 seriesId,
        bool isBuy,
        uint256 amount,
        uint256 priceE18,
        uint256 nonce
    ) internal view returns (IExchange.Order memory) {
        return
            IExchange.Order({
                maker: maker,
                seriesId: seriesId,
                isBuy: isBuy,
                amount: amount,
                minFillAmount: 0,
                limitPriceE18: priceE18,
                deadline: uint64(block.timestamp + 1 days),
                nonce: nonce,
                taker: address(0)
            });
    }

    function _sign(uint256 key, IExchange.Order memory order) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, exchange.hashOrder(order));
        return abi.encodePacked(r, s, v);
    }

    /// @dev Moves the ETH price (and refreshes the vol feed) at the current time.
    function _setSpot(int256 priceE8) internal {
        ethFeed.updateAnswer(priceE8);
        volFeed.updateAnswer(volFeed.latestAnswer());
    }

    /// @dev Warps past expiry with a round just after it and proves the expiry price.
    function _expireAt(int256 priceE8) internal {
        if (block.timestamp < EXPIRY) {
            ethFeed.updateRoundData(uint80(ethFeed.latestRound() + 1), ethFeed.latestAnswer(), EXPIRY - 1, EXPIRY - 1);
            vm.warp(EXPIRY + 1);
        }
        ethFeed.updateAnswer(priceE8);
        ethRouter.setExpiryPrice(EXPIRY, ethFeed.latestRound());
    }
}
