// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {StackHandler} from "../utils/BaseHandler.sol";
import {Orders} from "../utils/Orders.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {WAD} from "../../contracts/libraries/Constants.sol";

/// @notice Drives actors (signed-order fills through the exchange), price moves, auctions, bids, auction ends and
/// settlements, keeping ghosts for what state cannot show.
// solhint-disable-next-line max-states-count
contract LiquidationHandler is StackHandler {
    LiquidationInvariantTest internal immutable t;
    address[] public keepers;
    uint256 internal nonce;

    uint256 public fills;
    uint256 public starts;
    uint256 public bids;
    uint256 public ends;
    uint256 public settles;
    /// @notice Underwater accounts seen while prices were healthy (liquidation had something to do).
    uint256 public underwaterSeen;
    /// @notice Auction starts or bids that executed on an account at or above maintenance. Must stay 0.
    uint256 public healthyLiquidated;
    /// @notice Bids after which the account was less healthy per unit of remaining risk and neither ended nor
    /// emptied. Must stay 0.
    uint256 public ratioViolations;
    /// @notice Accounts other than the liquidated one, its bidder and the flagger that lost more than the socialised
    /// haircut during a liquidation call. Must stay 0.
    uint256 public bystanderLosses;
    /// @notice Quote units socialised so far.
    uint256 public ghostSocialised;
    /// @notice Quote operations (credits and debits) since the first socialisation: each may leave a unit of dust.
    uint256 public opsSinceSocialised;
    /// @notice Actions the protocol rejected (margin, health, fractions): expected, counted for the record.
    uint256 public rejected;
    /// @notice Auction starts, bids or ends that executed while the ETH price was not Ok. Must stay 0.
    uint256 public unhealthyDecisions;
    /// @notice Auctions ended by a partial bid or `endAuction` (not emptied) on an account below maintenance,
    /// measured. Must stay 0.
    uint256 public endedBelowMaintenance;
    /// @notice Outages, dust deposits and gaps driven (for the record).
    uint256 public outages;
    uint256 public gaps;
    /// @notice Dust BTC shorts opened (BTC's feed is never refreshed: it goes Down after its heartbeat), and engine
    /// actions that went through while the account held one on a Down BTC (for the record).
    uint256 public btcDustOpened;
    uint256 public actedWithFrozenDust;
    /// @notice Bids that took (part of) a position on an unhealthy underlying. Must stay 0.
    uint256 public frozenTaken;
    /// @dev The liquidated account's BTC position before the bid being checked.
    int256 internal _btcBefore;

    constructor(LiquidationInvariantTest t_) StackHandler(t_) {
        t = t_;
        _makeActors("optio liquidation actor", 4);
        keepers.push(address(0x4EE91));
        keepers.push(address(0x4EE92));
    }

    /// @notice Starting balances (called once from setUp).
    function fund(uint256 traderAmount, uint256 keeperAmount) external {
        _fundEach(vault, usdc, actors, traderAmount);
        _fundEach(vault, usdc, keepers, keeperAmount);
    }

    function keeperCount() external view returns (uint256) {
        return keepers.length;
    }

    // ---------------------------------------------------------------- actions

    function deposit(uint256 seed, uint256 amount) external {
        amount = bound(amount, 10e6, 3_000e6);
        _mintAndDeposit(vault, address(usdc), actor(seed), amount);
        _countOps(1);
    }

    function trade(uint256 makerSeed, uint256 takerSeed, uint256 seriesSeed, bool makerBuys, uint256 amount) external {
        if (block.timestamp >= t.EXPIRY()) return;
        uint256 m = makerSeed % actors.length;
        uint256 k = takerSeed % actors.length;
        if (m == k) k = (k + 1) % actors.length;
        uint256 seriesId = t.seriesAt(seriesSeed);
        amount = bound(amount, 0.1e18, 8e18);
        IExchange.Order memory order = Orders.open(
            actors[m],
            seriesId,
            makerBuys,
            amount,
            0,
            margin.markOf(seriesId) + 0.01e18,
            ++nonce
        );
        bytes memory signature = _signOrder(exchange, keys[m], order);
        vm.prank(actors[k]);
        try exchange.fill(order, signature, amount, actors[k]) {
            ++fills;
            _countOps(4);
        } catch {
            ++rejected;
        }
    }

    function movePrice(uint256 moveSeed, uint256 elapsed) external {
        if (block.timestamp >= t.EXPIRY()) return;
        vm.warp(block.timestamp + bound(elapsed, 1, 10 minutes));
        int256 current = t.ethFeed().latestAnswer();
        int256 bps = int256(bound(moveSeed, 0, 3_000)) - 1_200;
        int256 next = (current * (10_000 + bps)) / 10_000;
        if (next < 1_500e8) next = 1_500e8;
        if (next > 6_000e8) next = 6_000e8;
        t.setSpot(next);
    }

    function wait(uint256 elapsed) external {
        if (block.timestamp >= t.EXPIRY()) return;
        vm.warp(block.timestamp + bound(elapsed, 1, 20 minutes));
        t.setSpot(t.ethFeed().latestAnswer());
    }

    /// @notice The ETH feed stops: past its heartbeat the router is Down until the next price.
    function outage(uint256 elapsed) external {
        if (block.timestamp >= t.EXPIRY()) return;
        vm.warp(block.timestamp + bound(elapsed, 1 hours + 10 minutes + 1, 3 hours));
        ++outages;
    }

    /// @notice A trader deposits a dust amount of WETH (whose price follows ETH's health).
    function depositDust(uint256 seed, uint256 amount) external {
        amount = bound(amount, 1, 1e12);
        _mintAndDeposit(vault, address(weth), actor(seed), amount);
    }

    /// @notice Finding 4's attacker: a trader opens a dust BTC short (1 wei to 1e12) while BTC is healthy; BTC's
    /// feed is never refreshed, so it goes Down and the position must not freeze the account's liquidation.
    function openBtcDust(uint256 seed, uint256 size) external {
        if (block.timestamp >= t.EXPIRY() || !t.risk().allowsLiquidation(t.BTC_ID())) return;
        address a = actor(seed);
        vm.prank(address(exchange));
        try book.transferPosition(t.btcCall(), t.WHALE_ACCOUNT(), a, bound(size, 1, 1e12)) {
            ++btcDustOpened;
        } catch {
            ++rejected;
        }
    }

    /// @notice A gap: ETH moves 40–60% in one update.
    function gap(uint256 moveSeed) external {
        if (block.timestamp >= t.EXPIRY()) return;
        vm.warp(block.timestamp + 1 minutes);
        int256 current = t.ethFeed().latestAnswer();
        int256 bps = int256(4_000 + (moveSeed % 2_001));
        int256 next = moveSeed % 2 == 0 ? (current * (10_000 + bps)) / 10_000 : (current * (10_000 - bps)) / 10_000;
        if (next < 1_500e8) next = 1_500e8;
        if (next > 6_000e8) next = 6_000e8;
        t.setSpot(next);
        ++gaps;
    }

    function resolveLossClaim(uint256 keeperSeed) external {
        address creditor = keepers[keeperSeed % keepers.length];
        if (engine.lossClaimOf(creditor) == 0) return;
        uint256 indexBefore = vault.quoteLossIndex();
        uint256 totalBefore = vault.totalBalance(address(usdc));
        engine.resolveLossClaim(creditor);
        _recordSocialised(indexBefore, totalBefore);
    }

    function startAuction(uint256 accountSeed, uint256 keeperSeed) external {
        // Prefer an underwater account half of the time, starting the search at the seed.
        address account = actor(accountSeed);
        for (uint256 i; i < actors.length && accountSeed % 2 == 0; ++i) {
            address candidate = actors[(accountSeed + i) % actors.length];
            (bool ok, int256 candidateEquity, uint256 candidateMm) = _margin(candidate);
            if (ok && candidateEquity < int256(candidateMm) && engine.auctionStart(candidate) == 0) {
                account = candidate;
                break;
            }
        }
        address keeper = keepers[keeperSeed % keepers.length];
        (bool known, int256 e, uint256 mm) = _margin(account);
        bool pricesOk = _pricesAllow(account, false);
        // Liveness counts only what the engine may act on (prices within the rule).
        if (known && e < int256(mm) && pricesOk) ++underwaterSeen;
        uint256[] memory before = _snapshot();
        uint256 indexBefore = vault.quoteLossIndex();
        vm.prank(keeper);
        try engine.startAuction(account) {
            ++starts;
            _countOps(2);
            if (!pricesOk) ++unhealthyDecisions;
            if (!known || e >= int256(mm)) ++healthyLiquidated;
            _checkBystanders(before, indexBefore, account, keeper, keeper);
        } catch {
            ++rejected;
        }
    }

    function bid(uint256 accountSeed, uint256 keeperSeed, uint256 fractionSeed) external {
        // Prefer an account in auction, starting the search at the seed.
        address account = actor(accountSeed);
        for (uint256 i; i < actors.length; ++i) {
            address candidate = actors[(accountSeed + i) % actors.length];
            if (engine.auctionStart(candidate) != 0) {
                account = candidate;
                break;
            }
        }
        address keeper = keepers[keeperSeed % keepers.length];
        ILiquidationEngine.LiquidationStatus memory s;
        try engine.liquidationStatus(account) returns (ILiquidationEngine.LiquidationStatus memory read) {
            s = read;
        } catch {
            return;
        }
        if (!s.inAuction || s.maxFractionWad == 0) return;
        uint256 f = s.insolvent ? WAD : bound(fractionSeed, 1, s.maxFractionWad);
        if (fractionSeed % 4 == 0) f = s.maxFractionWad;
        uint256[] memory before = _snapshot();
        uint256 indexBefore = vault.quoteLossIndex();
        uint256 totalBefore = vault.totalBalance(address(usdc));
        if (!_pricesAllow(account, s.insolvent)) {
            vm.prank(keeper);
            try engine.bid(account, keeper, f, type(int256).max) {
                ++unhealthyDecisions;
            } catch {
                ++rejected;
            }
            return;
        }
        _btcBefore = book.positionOf(account, t.btcCall());
        vm.prank(keeper);
        try engine.bid(account, keeper, f, type(int256).max) {
            _afterBid(account, keeper, s, f, before, indexBefore, totalBefore);
        } catch {
            // A partial bid on an account whose discount exceeds its equity must take everything: retry whole.
            if (f == WAD) return;
            vm.prank(keeper);
            try engine.bid(account, keeper, WAD, type(int256).max) {
                _afterBid(account, keeper, s, WAD, before, indexBefore, totalBefore);
            } catch {
                ++rejected;
            }
        }
    }

    function endAuction(uint256 accountSeed) external {
        address account = actor(accountSeed);
        bool empty = book.openPositionCount(account) == 0;
        // The fund pays an emptied account's debt (no positions, nothing of value a bidder could take).
        bool fundPays = empty && settlement.debtOf(account) != 0 && vault.collateralMarketValue(account).okWad == 0;
        bool pricesOk = _pricesAllow(account, fundPays);
        uint256 indexBefore = vault.quoteLossIndex();
        uint256 totalBefore = vault.totalBalance(address(usdc));
        try engine.endAuction(account) {
            ++ends;
            if (!pricesOk) ++unhealthyDecisions;
            _recordSocialised(indexBefore, totalBefore);
            (bool known, int256 e, uint256 mm) = _margin(account);
            if (!empty && (!known || e < int256(mm))) ++endedBelowMaintenance;
        } catch {
            ++rejected;
        }
    }

    function expireAndSettle(uint256 priceSeed, uint256 accountSeed) external {
        (, bool isSet) = t.ethRouter().expiryPrice(t.EXPIRY());
        if (!isSet) t.expireAt(int256(bound(priceSeed, 2_000e8, 4_000e8)));
        address a = _anyAccount(accountSeed);
        for (uint256 i; i < t.seriesCount(); ++i) {
            if (book.positionOf(a, t.seriesAt(i)) == 0) continue;
            settlement.settle(a, t.seriesAt(i));
            ++settles;
            _countOps(1);
        }
    }

    // ---------------------------------------------------------------- ghosts

    function _afterBid(
        address account,
        address keeper,
        ILiquidationEngine.LiquidationStatus memory s,
        uint256 f,
        uint256[] memory before,
        uint256 indexBefore,
        uint256 totalBefore
    ) internal {
        ++bids;
        _countOps(8);
        if (_btcBefore != 0 && !t.risk().allowsLiquidation(t.BTC_ID())) {
            ++actedWithFrozenDust;
            if (book.positionOf(account, t.btcCall()) != _btcBefore) ++frozenTaken;
        }
        if (s.equityWad >= int256(s.maintenanceWad)) ++healthyLiquidated;
        _recordSocialised(indexBefore, totalBefore);
        _checkBystanders(before, indexBefore, account, keeper, keeper);
        bool ended = !engine.liquidationStatus(account).inAuction;
        (bool known, int256 e, uint256 mm) = _margin(account);
        if (ended && f != WAD && known && e < int256(mm)) ++endedBelowMaintenance;
        if (f == WAD || ended || s.equityWad < 0) return;
        if (!known || mm == 0) return;
        // (E' − MM') / MM' >= (E − MM) / MM, i.e. E'·MM >= E·MM', with a relative tolerance for rounding dust.
        int256 lhs = e * int256(s.maintenanceWad);
        int256 rhs = s.equityWad * int256(mm);
        int256 tolerance = int256(s.maintenanceWad * mm) / 1e9;
        if (lhs + tolerance < rhs) ++ratioViolations;
    }

    function _recordSocialised(uint256 indexBefore, uint256 totalBefore) internal {
        uint256 index = vault.quoteLossIndex();
        if (index == indexBefore) return;
        // Recover the socialised amount from the index step: index' = index × (T − L) / T.
        ghostSocialised += totalBefore - Math.mulDiv(index, totalBefore, indexBefore);
        _countOps(1);
    }

    /// @dev The rule of LQ2 / LQ3 / LQ10, recomputed from the margin engine's and the vault's parts: the engine may
    /// act on `account` only when what it may not price (positions on underlyings whose liquidation the risk
    /// controller forbids, at their conservative value, and Degraded collateral) is within 1% of the account's size,
    /// and a fund decision only when nothing the account holds depends on a price that is not Ok.
    function _pricesAllow(address account, bool fundDecision) internal view returns (bool) {
        (
            bool known,
            IMarginEngine.AccountMargin memory frozen,
            IMarginEngine.AccountMargin memory total,
            bool anyFrozen
        ) = _parts(account);
        IVault.MarketValue memory v = vault.collateralMarketValue(account);
        if (fundDecision && (anyFrozen || v.downHeld)) return false;
        if (!known) return false;
        uint256 marks = uint256(frozen.equityWad < 0 ? -frozen.equityWad : frozen.equityWad);
        return
            (v.unhealthyWad + marks + frozen.maintenanceWad) * WAD <=
            0.01e18 * (v.okWad + v.unhealthyWad + marks + total.maintenanceWad + settlement.debtOf(account) * 1e12);
    }

    /// @dev The account's margin valued as the engine values it (`marginOf`, or collateral − debt + its positions on
    /// healthy underlyings strictly + those on unhealthy ones on the exit valuation), and the frozen part.
    function _parts(
        address account
    )
        internal
        view
        returns (
            bool known,
            IMarginEngine.AccountMargin memory frozen,
            IMarginEngine.AccountMargin memory total,
            bool anyFrozen
        )
    {
        (uint256[] memory ids, int256[] memory sizes) = book.positionsOf(account);
        bool[] memory isFrozen = new bool[](ids.length);
        for (uint256 i; i < ids.length; ++i) {
            isFrozen[i] = !t.risk().allowsLiquidation(t.registry().getSeries(ids[i]).underlyingId);
            anyFrozen = anyFrozen || isFrozen[i];
        }
        if (!anyFrozen) {
            try margin.marginOf(account) returns (IMarginEngine.AccountMargin memory m) {
                return (true, frozen, m, false);
            } catch {
                return (false, frozen, total, false);
            }
        }
        IMarginEngine.AccountMargin memory live;
        (known, frozen, live) = _frozenAndLive(ids, sizes, isFrozen);
        if (!known) return (false, frozen, total, true);
        total.equityWad =
            int256(vault.collateralValue(account)) -
            int256(settlement.debtOf(account) * 1e12) +
            live.equityWad +
            frozen.equityWad;
        total.maintenanceWad = live.maintenanceWad + frozen.maintenanceWad;
        return (true, frozen, total, true);
    }

    function _checkBystanders(
        uint256[] memory before,
        uint256 indexBefore,
        address account,
        address bidder,
        address flagger
    ) internal {
        address[] memory all = t.accounts();
        uint256 index = vault.quoteLossIndex();
        for (uint256 i; i < all.length; ++i) {
            address a = all[i];
            // The fund pays insolvent auctions: it is involved, not a bystander.
            if (a == account || a == bidder || a == flagger || a == t.insuranceFund()) continue;
            uint256 floor = Math.mulDiv(before[i], index, indexBefore);
            if (vault.balanceOf(a, address(usdc)) + 2 < floor) ++bystanderLosses;
        }
    }

    function _snapshot() internal view returns (uint256[] memory balances) {
        address[] memory all = t.accounts();
        balances = new uint256[](all.length);
        for (uint256 i; i < all.length; ++i) balances[i] = vault.balanceOf(all[i], address(usdc));
    }

    /// @dev The margin engine's valuation of the frozen positions (exit) and of the others (strict), positions only.
    function _frozenAndLive(
        uint256[] memory ids,
        int256[] memory sizes,
        bool[] memory isFrozen
    )
        internal
        view
        returns (bool known, IMarginEngine.AccountMargin memory frozen, IMarginEngine.AccountMargin memory live)
    {
        uint256 n = ids.length;
        uint256 frozenCount;
        for (uint256 i; i < n; ++i) if (isFrozen[i]) ++frozenCount;
        uint256[] memory fIds = new uint256[](frozenCount);
        int256[] memory fSizes = new int256[](frozenCount);
        uint256[] memory lIds = new uint256[](n - frozenCount);
        int256[] memory lSizes = new int256[](n - frozenCount);
        (uint256 f, uint256 k) = (0, 0);
        for (uint256 i; i < n; ++i) {
            if (isFrozen[i]) (fIds[f], fSizes[f++]) = (ids[i], sizes[i]);
            else (lIds[k], lSizes[k++]) = (ids[i], sizes[i]);
        }
        try margin.positionsMarginOf(fIds, fSizes, true) returns (IMarginEngine.AccountMargin memory read) {
            frozen = read;
        } catch {
            return (false, frozen, live);
        }
        try margin.positionsMarginOf(lIds, lSizes, false) returns (IMarginEngine.AccountMargin memory read) {
            live = read;
        } catch {
            return (false, frozen, live);
        }
        known = true;
    }

    function _margin(address account) internal view returns (bool known, int256 equity, uint256 maintenance) {
        IMarginEngine.AccountMargin memory m;
        (known, , m, ) = _parts(account);
        return (known, m.equityWad, m.maintenanceWad);
    }

    function _anyAccount(uint256 seed) internal view returns (address) {
        uint256 n = actors.length + keepers.length;
        uint256 i = seed % n;
        return i < actors.length ? actors[i] : keepers[i - actors.length];
    }

    function _countOps(uint256 n) internal {
        if (vault.quoteLossIndex() != WAD) opsSinceSocialised += n;
    }
}

/// @notice Liquidation invariants on the full stack (see test/PROPERTIES.md).
contract LiquidationInvariantTest is LiquidationFixture {
    /// @notice The whale, counterparty of the dust BTC shorts.
    address public constant WHALE_ACCOUNT = WHALE;
    /// @notice A BTC call, the series of the dust shorts.
    uint256 public btcCall;

    LiquidationHandler internal handler;

    function setUp() public override {
        super.setUp();
        // BTC's feeds are never refreshed after setUp: it goes Down past its heartbeat.
        btcCall = _listBtc(new MockV3Aggregator(8, 60_000e8), new MockV3Aggregator(18, 0.7e18));
        vm.prank(ADMIN);
        exchange.setFeeRecipients(FEE_RECIPIENT, address(fund));
        handler = new LiquidationHandler(this);
        handler.fund(8_000e6, 2_000_000e6);
        // Two of the four actors start with a dust BTC short (finding 4's attacker), frozen once BTC goes Down.
        for (uint256 i; i < 2; ++i) {
            address trader = handler.actor(i);
            vm.prank(address(exchange));
            book.transferPosition(btcCall, WHALE, trader, 1 + i * 1e9);
        }
        // The fund starts empty (it earns its share of fees), so insolvent auctions reach the socialised path.
        targetContract(address(handler));
        bytes4[] memory actions = new bytes4[](14);
        actions[0] = LiquidationHandler.deposit.selector;
        actions[1] = LiquidationHandler.trade.selector;
        actions[2] = LiquidationHandler.movePrice.selector;
        actions[3] = LiquidationHandler.wait.selector;
        actions[4] = LiquidationHandler.startAuction.selector;
        actions[5] = LiquidationHandler.bid.selector;
        actions[6] = LiquidationHandler.endAuction.selector;
        actions[7] = LiquidationHandler.expireAndSettle.selector;
        actions[8] = LiquidationHandler.trade.selector;
        actions[9] = LiquidationHandler.outage.selector;
        actions[10] = LiquidationHandler.depositDust.selector;
        actions[11] = LiquidationHandler.gap.selector;
        actions[12] = LiquidationHandler.resolveLossClaim.selector;
        actions[13] = LiquidationHandler.openBtcDust.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    function insuranceFund() external view returns (address) {
        return address(fund);
    }

    /// @notice Every vault account that can hold a balance in this run.
    function accounts() public view returns (address[] memory all) {
        uint256 n = handler.actorCount();
        uint256 k = handler.keeperCount();
        all = new address[](n + k + 6);
        for (uint256 i; i < n; ++i) all[i] = handler.actor(i);
        for (uint256 i; i < k; ++i) all[n + i] = handler.keepers(i);
        all[n + k] = FEE_RECIPIENT;
        all[n + k + 1] = address(fund);
        all[n + k + 2] = address(settlement);
        all[n + k + 3] = WHALE;
        all[n + k + 4] = BIDDER;
        all[n + k + 5] = BIDDER2;
    }

    /// @dev Vault holdings equal `totalBalance` to the wei; the readable quote balances of every account sum to it
    /// exactly while nothing was socialised, and after a socialisation fall short of it only by rounding dust (at
    /// most a unit per account per socialisation plus a unit per quote operation since), never exceed it.
    function invariant_vaultBalancesEveryAccount() public view {
        address[] memory all = accounts();
        uint256 sum;
        for (uint256 i; i < all.length; ++i) sum += vault.balanceOf(all[i], address(usdc));
        uint256 total = vault.totalBalance(address(usdc));
        assertEq(IERC20(address(usdc)).balanceOf(address(vault)), total, "holdings = total");
        assertLe(sum, total, "balances never exceed holdings");
        if (handler.ghostSocialised() == 0) {
            assertEq(sum, total, "without socialisation, balances sum to holdings exactly");
        } else {
            assertLe(total - sum, all.length * 4 + handler.opsSinceSocialised(), "dust bounded");
        }
    }

    function invariant_positionsZeroSum() public view {
        address[] memory all = accounts();
        for (uint256 s; s < seriesIds.length; ++s) {
            int256 sum = book.closedPositionSum(seriesIds[s]);
            for (uint256 i; i < all.length; ++i) sum += book.positionOf(all[i], seriesIds[s]);
            assertEq(sum, int256(0), "zero-sum");
        }
    }

    function invariant_healthyAccountsNeverLiquidated() public view {
        assertEq(handler.healthyLiquidated(), 0, "a healthy account was auctioned or bid on");
        assertEq(handler.bystanderLosses(), 0, "an uninvolved account lost more than the socialised haircut");
    }

    /// @dev Issue 8: no auction state change and no payment on a price that is not Ok; auctions end only at or
    /// above maintenance, measured; loss claims add up.
    function invariant_noLiquidationDecisionOnUnhealthyPrices() public view {
        assertEq(handler.unhealthyDecisions(), 0, "an auction changed on a price that is not Ok");
        assertEq(handler.endedBelowMaintenance(), 0, "an auction ended below maintenance");
        uint256 claims;
        for (uint256 i; i < handler.keeperCount(); ++i) claims += engine.lossClaimOf(handler.keepers(i));
        assertEq(claims, engine.totalLossClaims(), "loss claims add up");
    }

    function invariant_bidsNeverLeaveAccountsLessHealthy() public view {
        assertEq(handler.ratioViolations(), 0, "(E - MM) / MM fell after a partial bid");
    }

    /// @dev Issue 8, finding 4 (LQ10): a bid never takes a position on an unhealthy underlying.
    function invariant_frozenPositionsAreNeverTaken() public view {
        assertEq(handler.frozenTaken(), 0, "a bid took a position on an unhealthy underlying");
    }

    /// @dev Liveness: a run that saw underwater accounts on healthy prices and tried to liquidate them did start
    /// auctions (a failure reports the shrunk sequence's counts).
    function afterInvariant() public view {
        if (handler.underwaterSeen() >= 3) assertGe(handler.starts(), 1, "some auction started");
    }
}
