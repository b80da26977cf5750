// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {Exchange} from "../../contracts/exchange/Exchange.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {LiquidationEngine} from "../../contracts/liquidation/LiquidationEngine.sol";
import {MarginEngine} from "../../contracts/margin/MarginEngine.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {RiskController} from "../../contracts/risk/RiskController.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {Settlement} from "../../contracts/settlement/Settlement.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {Deploy} from "./Deploy.sol";
import {Feeds} from "./Feeds.sol";
import {Orders} from "./Orders.sol";
import {Accounts} from "./Accounts.sol";

/// @notice The one whole-stack fixture (as Uniswap v4's `Deployers`): `_deployStack` deploys the real protocol as
/// `deploy/modules/Core.ts` wires it — Chainlink `MockV3Aggregator` feeds → adapters → the ETH router (a
/// cross-checking secondary feed when asked, an implied-volatility feed), pause guard, series registry, risk
/// controller (consulted by the registry, the margin engine, the exchange and the liquidation engine), position book,
/// vault (USDC quote, WETH collateral), settlement, margin engine, exchange, insurance fund and liquidation engine,
/// every role granted — with the ETH underlying (id 1), its margin ratios, risk parameters and the fee schedule. A
/// test family picks its clock, its series and a few knobs (`StackConfig`); the helpers below are shared by all:
/// deposits, EIP-712 orders signed against the spec, fills, positions placed through the book, price and
/// volatility moves, proven expiry prices and margin-revert expectations.
// The fixture holds the whole stack, one state variable each.
// solhint-disable-next-line max-states-count
abstract contract BaseTest is Accounts {
    uint256 internal constant ETH_ID = 1;
    int256 internal constant ETH_USD_E8 = 3_000e8;
    /// @dev 80 % implied volatility.
    uint256 internal constant VOL_WAD = 0.8e18;
    uint256 internal constant HEARTBEAT = Feeds.HEARTBEAT;
    uint256 internal constant SLACK = Feeds.SLACK;

    /// @dev Risk parameters of every underlying: realised volatility above 100 % annualised (one-day half-life)
    /// raises margins, at most threefold, at most every ten minutes.
    uint32 internal constant HALF_LIFE = 1 days;
    uint64 internal constant TARGET_VOL = 1e18;
    uint64 internal constant CAP = 3e18;
    uint32 internal constant MIN_INTERVAL = 10 minutes;

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

    /// @notice What differs between test families; `_defaultStack()` is the deployment's shape.
    struct StackConfig {
        /// @dev The position book's limit of live series per account.
        uint256 maxLiveSeries;
        /// @dev A second ETH feed cross-checks the primary (2 % bound, one hour before the fallback).
        bool crossCheckedSpot;
        /// @dev Decimals of the volatility feed (8 or 18); it answers `VOL_WAD` either way.
        uint8 volDecimals;
        uint256 maxExpiryHorizon;
        uint128 openInterestCap;
        /// @dev False keeps the interim `OpenPositionsMarginHook` on the vault (settlement tested on its own).
        bool marginEngineIsHook;
    }

    MockERC20 public usdc;
    MockERC20 public weth;
    MockV3Aggregator public ethFeed;
    MockV3Aggregator public secondaryFeed;
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
    InsuranceFund public fund;
    LiquidationEngine public engine;

    /// @dev The last nonce `_trade` used (fresh orders start above the small nonces tests pick by hand).
    uint256 internal _tradeNonce = 1_000;

    function _defaultStack() internal pure returns (StackConfig memory) {
        return
            StackConfig({
                maxLiveSeries: 16,
                crossCheckedSpot: false,
                volDecimals: 18,
                maxExpiryHorizon: 90 days,
                openInterestCap: 1_000_000e18,
                marginEngineIsHook: true
            });
    }

    /// @dev Deploys and wires the whole stack at `t0`.
    function _deployStack(uint256 t0, StackConfig memory config) internal {
        vm.warp(t0);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        weth = new MockERC20("Wrapped Ether", "WETH", 18);
        ethFeed = new MockV3Aggregator(8, ETH_USD_E8);
        volFeed = new MockV3Aggregator(config.volDecimals, int256(VOL_WAD / 10 ** (18 - config.volDecimals)));
        if (config.crossCheckedSpot) {
            secondaryFeed = new MockV3Aggregator(8, ETH_USD_E8);
            ethRouter = Feeds.router(ethFeed, secondaryFeed, volFeed, 0.02e18, 1 hours);
        } else {
            ethRouter = Feeds.router(ethFeed, MockV3Aggregator(address(0)), volFeed, 0, 0);
        }
        guard = Deploy.pauseGuard(ADMIN, GUARDIAN);
        registry = Deploy.registry(ADMIN, guard);
        risk = Deploy.riskController(ADMIN, registry);
        book = Deploy.positionBook(ADMIN, registry, config.maxLiveSeries);
        vault = Deploy.vault(ADMIN, address(usdc), Deploy.marginHook(book));
        settlement = Deploy.settlement(ADMIN, vault, book, registry);
        margin = Deploy.marginEngine(ADMIN, vault, book, registry, settlement, risk);
        exchange = Deploy.exchange(ADMIN, vault, book, registry, margin, guard, risk, FEE_RECIPIENT, INSURANCE);
        fund = Deploy.insuranceFund(ADMIN, vault, address(0));
        engine = Deploy.liquidationEngine(ADMIN, vault, book, registry, margin, fund, risk);
        _wire(config);
    }

    /// @dev Roles, the margin hook, collateral, the ETH underlying, margin ratios, risk parameters and fees, as the
    /// deployment sets them.
    function _wire(StackConfig memory config) private {
        vm.startPrank(ADMIN);
        registry.grantRole(registry.LISTER_ROLE(), LISTER);
        registry.grantRole(registry.POSITION_MANAGER_ROLE(), address(book));
        book.grantRole(book.TRADER_ROLE(), address(exchange));
        book.grantRole(book.TRADER_ROLE(), address(engine));
        book.grantRole(book.SETTLER_ROLE(), address(settlement));
        vault.grantRole(vault.CLEARING_ROLE(), address(exchange));
        vault.grantRole(vault.CLEARING_ROLE(), address(settlement));
        vault.grantRole(vault.CLEARING_ROLE(), address(engine));
        vault.grantRole(vault.SOCIALISER_ROLE(), address(engine));
        settlement.grantRole(settlement.DEBT_RESOLVER_ROLE(), address(engine));
        exchange.grantRole(exchange.MATCHER_ROLE(), MATCHER);
        fund.setLiquidationEngine(address(engine));
        if (config.marginEngineIsHook) vault.setMarginHook(margin);
        registry.setRiskController(risk);
        vault.listCollateral(address(weth), 0.2e18, ethRouter);
        registry.addUnderlying("ETH", _underlying(ethRouter, config.maxExpiryHorizon, config.openInterestCap));
        margin.setMarginParams(ETH_ID, _marginParams(0.15e18, 0.1e18, 0.075e18));
        risk.setRiskParams(ETH_ID, _riskParams());
        exchange.setFeeConfig(IExchange.FeeConfig(NOTIONAL_FEE, PREMIUM_CAP, INSURANCE_SHARE));
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Building blocks
    // ------------------------------------------------------------------------------------------------------------

    function _underlying(
        OracleRouter router,
        uint256 maxExpiryHorizon,
        uint128 openInterestCap
    ) internal pure returns (ISeriesRegistry.UnderlyingConfig memory) {
        return
            ISeriesRegistry.UnderlyingConfig({
                router: router,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: uint32(maxExpiryHorizon),
                defaultOpenInterestCap: openInterestCap
            });
    }

    function _marginParams(uint256 a, uint256 b, uint256 c) internal pure returns (IMarginEngine.MarginParams memory) {
        return IMarginEngine.MarginParams(uint64(a), uint64(b), uint64(c));
    }

    function _riskParams() internal pure returns (IRiskController.RiskParams memory) {
        return
            IRiskController.RiskParams({
                halfLifeSeconds: HALF_LIFE,
                targetVolWad: TARGET_VOL,
                maxMultiplierWad: CAP,
                minUpdateInterval: MIN_INTERVAL
            });
    }

    /// @dev Lists an ETH series as the lister.
    function _list(uint256 strikeE18, uint256 expiry, bool isCall) internal returns (uint256 seriesId) {
        vm.prank(LISTER);
        seriesId = registry.listSeries(ETH_ID, strikeE18, expiry, isCall);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Accounts
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Mints `amountE6` USDC to `account`, which deposits it.
    function _deposit(address account, uint256 amountE6) internal {
        _depositToken(usdc, account, amountE6);
    }

    function _depositWeth(address account, uint256 amount) internal {
        _depositToken(weth, account, amount);
    }

    function _depositToken(MockERC20 token, address account, uint256 amount) internal {
        token.mint(account, amount);
        vm.startPrank(account);
        token.approve(address(vault), amount);
        vault.deposit(account, address(token), amount);
        vm.stopPrank();
    }

    /// @dev `account`'s quote balance in the vault.
    function _balance(address account) internal view returns (uint256) {
        return vault.balanceOf(account, address(usdc));
    }

    /// @dev `account` goes long (`size` > 0) or short `|size|` options of `seriesId` against the whale, placed
    /// directly through the book with the exchange's trader role (no margin check).
    function _position(address account, uint256 seriesId, int256 size) internal {
        vm.prank(address(exchange));
        if (size < 0) book.transferPosition(seriesId, WHALE, account, uint256(-size));
        else book.transferPosition(seriesId, account, WHALE, uint256(size));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Orders
    // ------------------------------------------------------------------------------------------------------------

    /// @dev A full-size order of `orderMaker`, valid for an hour, open to any taker.
    function _order(
        address orderMaker,
        uint256 seriesId,
        bool isBuy,
        uint256 amount,
        uint256 priceE18,
        uint256 nonce
    ) internal view returns (IExchange.Order memory) {
        return Orders.open(orderMaker, seriesId, isBuy, amount, 0, priceE18, nonce);
    }

    function _order(
        address orderMaker,
        uint256 seriesId,
        bool isBuy,
        uint256 amount,
        uint256 priceE18
    ) internal view returns (IExchange.Order memory) {
        return _order(orderMaker, seriesId, isBuy, amount, priceE18, 1);
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

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _sign(uint256 key, IExchange.Order memory order) internal view returns (bytes memory) {
        return _sign(key, _digest(order));
    }

    /// @dev `takerAccount` fills all of a fresh order signed by `makerKey` (a new nonce each time).
    function _trade(
        uint256 makerKey,
        address takerAccount,
        uint256 seriesId,
        bool makerBuys,
        uint256 amount,
        uint256 priceE18
    ) internal returns (uint256 premium) {
        IExchange.Order memory order = _order(vm.addr(makerKey), seriesId, makerBuys, amount, priceE18, ++_tradeNonce);
        bytes memory signature = _sign(makerKey, order);
        vm.prank(takerAccount);
        return exchange.fill(order, signature, amount, takerAccount);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Prices and time
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Sets ETH spot on every spot feed and the volatility feed (`volAnswer` in the feed's decimals), all fresh
    /// at the current time.
    function _setPrices(int256 spotE8, int256 volAnswer) internal {
        ethFeed.updateAnswer(spotE8);
        if (address(secondaryFeed) != address(0)) secondaryFeed.updateAnswer(spotE8);
        volFeed.updateAnswer(volAnswer);
    }

    /// @dev Moves ETH spot and refreshes the volatility feed at its last answer.
    function _setSpot(int256 spotE8) internal {
        _setPrices(spotE8, volFeed.latestAnswer());
    }

    /// @dev Warps `dt` seconds, publishes `spotE8` (fresh) and pokes the risk controller for ETH.
    function _pokeEthAfter(uint256 dt, int256 spotE8) internal returns (bool) {
        vm.warp(block.timestamp + dt);
        _setSpot(spotE8);
        return risk.poke(ETH_ID);
    }

    /// @dev Proves `expiry`'s ETH price on the primary feed: before expiry, a round just before it at the last
    /// answer, a move to just after it and the first round after it at `priceE8`; after expiry, a round now at
    /// `priceE8`. Refreshes the secondary and volatility feeds.
    function _proveExpiry(uint256 expiry, int256 priceE8) internal {
        uint80 round = uint80(ethFeed.latestRound()) + 1;
        uint256 observedAt = block.timestamp;
        if (block.timestamp < expiry) {
            ethFeed.updateRoundData(round++, ethFeed.latestAnswer(), expiry - 10, expiry - 10);
            vm.warp(expiry + 10);
            observedAt = expiry + 5;
        }
        ethFeed.updateRoundData(round, priceE8, observedAt, observedAt);
        ethRouter.setExpiryPrice(expiry, round);
        if (address(secondaryFeed) != address(0)) secondaryFeed.updateAnswer(priceE8);
        volFeed.updateAnswer(volFeed.latestAnswer());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Expectations
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Expects the next call to revert for `account`'s initial margin: `equityWad` against `initialWad`.
    function _expectInitialMarginRevert(address account, int256 equityWad, uint256 initialWad) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientInitialMargin.selector,
                account,
                equityWad,
                initialWad
            )
        );
    }

    /// @dev Expects the next call to revert for `account`'s maintenance margin.
    function _expectMaintenanceMarginRevert(address account, int256 equityWad, uint256 maintenanceWad) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientMaintenanceMargin.selector,
                account,
                equityWad,
                maintenanceWad
            )
        );
    }
}
