// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {StackHandler} from "../utils/BaseHandler.sol";
import {Orders} from "../utils/Orders.sol";

/// @notice Drives the trading core with random deposits (quote and WETH), withdrawals, signed-order fills, cancels,
/// price moves, expiry, settlements (into debt when a short is backed by WETH only), claims and debt collection,
/// keeping ghost counters for the invariants that cannot be read from state.
contract ProtocolHandler is StackHandler {
    ProtocolInvariantTest internal immutable t;
    uint256 internal nonce;

    /// @notice How often each action ran (for reading a campaign's coverage; no invariant depends on them).
    struct Tally {
        uint256 calls;
        uint256 deposits;
        uint256 cancels;
        uint256 priceMoves;
        uint256 settles;
    }
    Tally public tally;
    uint256 public withdrawals;
    uint256 public withdrawalsRefused;
    uint256 public fills;
    /// @notice Trades attempted before expiry (fills plus fills the exchange rejected).
    uint256 public tradeAttempts;
    /// @notice Fills that failed with a panic (overflow, division by zero, ...) instead of a custom error. Must
    /// stay 0: every rejection names its reason.
    uint256 public fillPanics;
    /// @notice Fills that only reduced an account's risk and left an account that met initial margin before below
    /// maintenance margin after. Must stay 0.
    uint256 public reducingFillViolations;
    /// @notice Withdrawals that succeeded while the account owed settlement debt, and debt collections after which
    /// the debtor's margin equity was lower than before (the 2% collection discount is below WETH's 20% haircut).
    /// Must stay 0.
    uint256 public settlementDebtViolations;
    /// @notice Collections whose execution differed from their preview, or that bought collateral while one of the
    /// debtor's own claims was left due (SD6: claims first). Must stay 0.
    uint256 public claimsFirstViolations;
    /// @notice Withdrawals during an outage that left the account below initial margin under the outage valuation,
    /// or accounts with positions that the strict valuation (liquidation's) valued on a Down price. Must stay 0.
    uint256 public outageViolations;

    constructor(ProtocolInvariantTest t_) StackHandler(t_) {
        t = t_;
        _makeActors("optio actor", 4);
    }

    /// @notice Gives every actor a starting quote balance (called once from setUp; not a fuzzed action).
    function fundActors(uint256 amount) external {
        _fundEach(vault, usdc, actors, amount);
    }

    function deposit(uint256 actorSeed, uint256 amount) external {
        ++tally.calls;
        amount = bound(amount, 100e6, 5_000e6);
        _mintAndDeposit(vault, address(usdc), actor(actorSeed), amount);
        ++tally.deposits;
    }

    /// @notice WETH collateral replacing quote: the actor deposits WETH and withdraws as much of its quote as the
    /// margin hook allows (all, half or a quarter), so its shorts are backed by WETH and settle into debt.
    function depositWeth(uint256 actorSeed, uint256 amount) external {
        ++tally.calls;
        address account = actor(actorSeed);
        amount = bound(amount, 0.01e18, 10e18);
        _mintAndDeposit(vault, address(weth), account, amount);
        uint256 quote = vault.balanceOf(account, address(usdc));
        vm.startPrank(account);
        for (uint256 k; k < 3 && quote != 0; ++k) {
            try vault.withdraw(account, address(usdc), quote, account) {
                ++withdrawals;
                break;
            } catch {
                quote /= 2;
            }
        }
        vm.stopPrank();
        ++tally.deposits;
    }

    function withdraw(uint256 actorSeed, uint256 amount) external {
        ++tally.calls;
        address account = actor(actorSeed);
        // Odd amounts withdraw WETH, even ones quote.
        address token = amount % 2 == 1 ? address(t.weth()) : address(usdc);
        uint256 balance = vault.balanceOf(account, token);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        bool owes = settlement.debtOf(account) != 0;
        vm.prank(account);
        try vault.withdraw(account, token, amount, account) {
            ++withdrawals;
            if (owes) ++settlementDebtViolations;
        } catch {
            // Refused by the margin hook: the account needs that collateral.
            ++withdrawalsRefused;
        }
    }

    function trade(
        uint256 makerSeed,
        uint256 takerSeed,
        uint256 seriesSeed,
        bool makerBuys,
        uint256 amount,
        uint256 priceSeed
    ) external {
        ++tally.calls;
        if (block.timestamp >= t.EXPIRY()) return;
        ++tradeAttempts;
        uint256 m = makerSeed % actors.length;
        uint256 k = takerSeed % actors.length;
        if (m == k) k = (k + 1) % actors.length;
        amount = bound(amount, 0.01e18, 3e18);
        // When the taker's side reduces its position, keep the fill within it half of the time, so that purely
        // risk-reducing fills (the ones with the maintenance rule) really happen.
        uint256 seriesId = t.seriesAt(seriesSeed);
        int256 takerPosition = book.positionOf(actors[k], seriesId);
        bool takerReduces = makerBuys ? takerPosition > 0 : takerPosition < 0;
        if (takerReduces && priceSeed % 2 == 0) {
            uint256 size = uint256(takerPosition > 0 ? takerPosition : -takerPosition);
            if (amount > size) amount = size;
        }
        (IExchange.Order memory order, bytes memory signature) = _signedOrder(
            m,
            t.seriesAt(seriesSeed),
            makerBuys,
            amount,
            priceSeed
        );
        _fillAndCheck(order, signature, actors[k], amount);
    }

    function _signedOrder(
        uint256 m,
        uint256 seriesId,
        bool makerBuys,
        uint256 amount,
        uint256 priceSeed
    ) internal returns (IExchange.Order memory order, bytes memory signature) {
        // A premium between 20% and 3,000% of the model mark (and at least one cent): far-off prices are what can
        // push a reducing fill below maintenance.
        uint256 price = (margin.markOf(seriesId) * bound(priceSeed, 20, 3_000)) / 100 + 0.01e18;
        order = Orders.open(actors[m], seriesId, makerBuys, amount, 0, price, ++nonce);
        signature = _signOrder(exchange, keys[m], order);
    }

    function _fillAndCheck(
        IExchange.Order memory order,
        bytes memory signature,
        address taker,
        uint256 amount
    ) internal {
        address buyer = order.isBuy ? order.maker : taker;
        address seller = order.isBuy ? taker : order.maker;
        (bool buyerReduces, bool buyerMetInitial) = _before(buyer, order.seriesId, true);
        (bool sellerReduces, bool sellerMetInitial) = _before(seller, order.seriesId, false);
        vm.prank(taker);
        try exchange.fill(order, signature, amount, taker) {
            ++fills;
            if (buyerReduces && buyerMetInitial && !_meetsMaintenance(buyer)) ++reducingFillViolations;
            if (sellerReduces && sellerMetInitial && !_meetsMaintenance(seller)) ++reducingFillViolations;
        } catch (bytes memory reason) {
            // 0x4e487b71 = bytes4(keccak256("Panic(uint256)")).
            if (reason.length >= 4 && bytes4(reason) == bytes4(0x4e487b71)) ++fillPanics;
        }
    }

    function cancel(uint256 makerSeed, uint256 seriesSeed) external {
        ++tally.calls;
        uint256 m = makerSeed % actors.length;
        IExchange.Order memory order = Orders.open(actors[m], t.seriesAt(seriesSeed), true, 1e18, 0, 1e18, ++nonce);
        vm.prank(actors[m]);
        exchange.cancel(order);
        ++tally.cancels;
    }

    function movePrice(uint256 moveSeed, uint256 elapsed) external {
        ++tally.calls;
        if (block.timestamp >= t.EXPIRY()) return;
        vm.warp(block.timestamp + bound(elapsed, 1, 10 minutes));
        int256 current = t.ethFeed().latestAnswer();
        // A move of -15% .. +15%, kept within 1,500 .. 6,000.
        int256 bps = int256(bound(moveSeed, 0, 3_000)) - 1_500;
        int256 next = (current * (10_000 + bps)) / 10_000;
        if (next < 1_500e8) next = 1_500e8;
        if (next > 6_000e8) next = 6_000e8;
        t.setSpot(next);
        ++tally.priceMoves;
    }

    /// @notice ETH's feeds stop for a while (the router goes Down); an actor tries to withdraw; the feeds come back
    /// at the last price. A withdrawal that passes must leave the account at initial margin under the outage
    /// valuation, and the strict valuation must refuse every account holding positions.
    function outage(uint256 elapsed, uint256 actorSeed, uint256 amount) external {
        ++tally.calls;
        if (block.timestamp >= t.EXPIRY()) return;
        int256 last = t.ethFeed().latestAnswer();
        vm.warp(block.timestamp + 1 hours + 10 minutes + bound(elapsed, 1, 6 hours));
        if (block.timestamp >= t.EXPIRY()) return;
        address account = actor(actorSeed);
        uint256 balance = vault.balanceOf(account, address(usdc));
        bool holds = book.openPositionCount(account) != 0;
        if (holds) {
            bool valued;
            try margin.marginOf(account) {
                valued = true;
            } catch {
                valued = false;
            }
            if (valued) ++outageViolations;
        }
        if (balance != 0) {
            amount = bound(amount, 1, balance);
            vm.prank(account);
            try vault.withdraw(account, address(usdc), amount, account) {
                ++withdrawals;
                if (holds) {
                    IMarginEngine.AccountMargin memory am = margin.exitMarginOf(account);
                    if (am.equityWad < int256(am.initialWad)) ++outageViolations;
                }
            } catch {
                ++withdrawalsRefused;
            }
        }
        t.setSpot(last);
    }

    function expireAndSettle(uint256 priceSeed, uint256 actorSeed) external {
        ++tally.calls;
        (, bool isSet) = t.ethRouter().expiryPrice(t.EXPIRY());
        if (!isSet) t.expireAt(int256(bound(priceSeed, 2_000e8, 4_000e8)));
        address account = actor(actorSeed);
        for (uint256 i; i < t.seriesCount(); ++i) {
            if (book.positionOf(account, t.seriesAt(i)) == 0) continue;
            settlement.settle(account, t.seriesAt(i));
            ++tally.settles;
        }
    }

    /// @notice Pays what each of an actor's claims allows now.
    function claim(uint256 actorSeed) external {
        ++tally.calls;
        address account = actor(actorSeed);
        for (uint256 i; i < t.seriesCount(); ++i) {
            if (settlement.claimOf(account, t.seriesAt(i)) != 0) settlement.claim(account, t.seriesAt(i));
        }
    }

    /// @notice A keeper (another actor) collects a debtor's debt, from its quote and by buying its WETH.
    function collectDebt(uint256 debtorSeed, uint256 keeperSeed, uint256 amount) external {
        ++tally.calls;
        address debtor = actors[debtorSeed % actors.length];
        address keeper = actors[keeperSeed % actors.length];
        uint256[] memory ids = settlement.debtSeriesOf(debtor);
        if (ids.length == 0 || keeper == debtor) return;
        uint256 seriesId = ids[amount % ids.length];
        amount = bound(amount, 1, settlement.debtOn(debtor, seriesId));
        (bool known, int256 equityBefore) = _equity(debtor);
        address weth = address(t.weth());
        bytes32 preview;
        try settlement.previewCollection(debtor, seriesId, weth, amount) returns (ISettlement.Collection memory p) {
            preview = keccak256(abi.encode(p));
        } catch {
            preview = bytes32(0);
        }
        vm.prank(keeper);
        try settlement.collectDebt(debtor, seriesId, weth, amount, 0) returns (ISettlement.Collection memory c) {
            (bool knownAfter, int256 equityAfter) = _equity(debtor);
            if (known && knownAfter && equityAfter < equityBefore) ++settlementDebtViolations;
            if (keccak256(abi.encode(c)) != preview) ++claimsFirstViolations;
            if (c.bought != 0) {
                uint256[] memory claims = settlement.claimSeriesOf(debtor);
                for (uint256 i; i < claims.length; ++i) {
                    if (settlement.claimable(debtor, claims[i]) != 0) ++claimsFirstViolations;
                }
            }
        } catch {
            // The keeper lacks quote or margin, the price is not Ok, or the debtor has nothing to sell.
            return;
        }
    }

    function _equity(address account) internal view returns (bool known, int256 equityWad) {
        try margin.marginOf(account) returns (IMarginEngine.AccountMargin memory am) {
            return (true, am.equityWad);
        } catch {
            return (false, 0);
        }
    }

    function _before(address account, uint256 seriesId, bool buys) internal view returns (bool reduces, bool met) {
        int256 position = book.positionOf(account, seriesId);
        // Buying reduces a short; selling reduces a long (a fill never larger than the position is checked after).
        reduces = buys ? position < 0 : position > 0;
        if (!reduces) return (false, false);
        try margin.marginOf(account) returns (IMarginEngine.AccountMargin memory am) {
            met = am.equityWad >= int256(am.initialWad);
        } catch {
            // No price to value the account: it is not known to have met initial margin.
            met = false;
        }
    }

    function _meetsMaintenance(address account) internal view returns (bool) {
        IMarginEngine.AccountMargin memory am = margin.marginOf(account);
        return am.equityWad >= int256(am.maintenanceWad);
    }
}

/// @notice System invariants of the trading core (see test/PROPERTIES.md).
contract ProtocolInvariantTest is ProtocolFixture {
    ProtocolHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new ProtocolHandler(this);
        handler.fundActors(20_000e6);
        targetContract(address(handler));
        bytes4[] memory actions = new bytes4[](10);
        actions[0] = ProtocolHandler.deposit.selector;
        actions[1] = ProtocolHandler.withdraw.selector;
        actions[2] = ProtocolHandler.trade.selector;
        actions[3] = ProtocolHandler.cancel.selector;
        actions[4] = ProtocolHandler.movePrice.selector;
        actions[5] = ProtocolHandler.expireAndSettle.selector;
        actions[6] = ProtocolHandler.depositWeth.selector;
        actions[7] = ProtocolHandler.claim.selector;
        actions[8] = ProtocolHandler.collectDebt.selector;
        actions[9] = ProtocolHandler.outage.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: actions}));
    }

    function _accounts() internal view returns (address[] memory all) {
        uint256 n = handler.actorCount();
        all = new address[](n + 3);
        for (uint256 i; i < n; ++i) all[i] = handler.actor(i);
        all[n] = FEE_RECIPIENT;
        all[n + 1] = INSURANCE;
        all[n + 2] = address(settlement);
    }

    /// @dev The vault holds at least what it owes in every token, and its running total is exactly the sum.
    function invariant_vaultSolvent() public view {
        address[] memory all = _accounts();
        address[2] memory tokens = [address(usdc), address(weth)];
        for (uint256 j; j < tokens.length; ++j) {
            uint256 sum;
            for (uint256 i; i < all.length; ++i) sum += vault.balanceOf(all[i], tokens[j]);
            assertEq(vault.totalBalance(tokens[j]), sum, "totalBalance is the sum of balances");
            assertGe(IERC20(tokens[j]).balanceOf(address(vault)), sum, "holdings cover balances");
        }
    }

    /// @dev Outages never let a withdrawal leave an account below initial margin under the outage valuation, and
    /// never let the strict valuation (liquidation's) value an account on a Down price (issue 8, finding 13).
    function invariant_outageExitsKeepInitialMargin() public view {
        assertEq(handler.outageViolations(), 0, "outage violations");
    }

    /// @dev For every series, live positions plus positions closed at settlement sum to zero, and open interest is
    /// the sum of live longs.
    function invariant_positionsZeroSum() public view {
        uint256 n = handler.actorCount();
        for (uint256 s; s < seriesIds.length; ++s) {
            int256 sum = book.closedPositionSum(seriesIds[s]);
            uint256 longs;
            for (uint256 i; i < n; ++i) {
                int256 p = book.positionOf(handler.actor(i), seriesIds[s]);
                sum += p;
                if (p > 0) longs += uint256(p);
            }
            assertEq(sum, int256(0), "zero-sum");
            assertEq(registry.getSeries(seriesIds[s]).openInterest, longs, "open interest = live longs");
        }
    }

    /// @dev No account that met initial margin before a fill that only reduced its risk ends below maintenance.
    function invariant_reducingFillsKeepMaintenance() public view {
        assertEq(handler.reducingFillViolations(), 0, "risk-reducing fill broke maintenance");
    }

    /// @dev A rejected fill always names its reason with a custom error, never a panic.
    function invariant_fillsNeverPanic() public view {
        assertEq(handler.fillPanics(), 0, "a fill panicked");
    }

    /// @dev Settlement never owes longs more than it holds plus what shorts still owe (debts and unsettled shorts).
    function invariant_settlementCovered() public view {
        (, bool isSet) = ethRouter.expiryPrice(EXPIRY);
        if (!isSet) return;
        uint256 n = handler.actorCount();
        for (uint256 s; s < seriesIds.length; ++s) {
            uint256 id = seriesIds[s];
            uint256 claims;
            uint256 owedByLiveShorts;
            for (uint256 i; i < n; ++i) {
                address a = handler.actor(i);
                claims += settlement.claimOf(a, id);
                int256 p = book.positionOf(a, id);
                if (p < 0) owedByLiveShorts += uint256(-settlement.settlementAmount(id, p));
            }
            assertGe(settlement.poolOf(id) + settlement.shortfallOf(id) + owedByLiveShorts, claims, "claims covered");
        }
    }

    /// @dev Per series, the pool plus what longs were paid from it is exactly what was paid into it.
    function invariant_settlementPoolConserved() public view {
        uint256 n = handler.actorCount();
        for (uint256 s; s < seriesIds.length; ++s) {
            uint256 id = seriesIds[s];
            uint256 paidToLongs;
            for (uint256 i; i < n; ++i) {
                address a = handler.actor(i);
                paidToLongs += settlement.entitlementOf(a, id) - settlement.claimOf(a, id);
            }
            assertEq(settlement.poolOf(id) + paidToLongs, settlement.collectedOf(id), "pool conserved");
        }
    }

    /// @dev No long is paid more than its pro rata share of what its series collected: paid_i / e_i <= collected /
    /// the settled longs' entitlements.
    function invariant_longsPaidProRata() public view {
        uint256 n = handler.actorCount();
        for (uint256 s; s < seriesIds.length; ++s) {
            uint256 id = seriesIds[s];
            uint256 settled;
            for (uint256 i; i < n; ++i) settled += settlement.entitlementOf(handler.actor(i), id);
            for (uint256 i; i < n; ++i) {
                address a = handler.actor(i);
                uint256 entitled = settlement.entitlementOf(a, id);
                uint256 paid = entitled - settlement.claimOf(a, id);
                assertLe(paid * settled, entitled * settlement.collectedOf(id), "paid beyond the pro rata share");
            }
        }
    }

    /// @dev Collateral never leaves an account that owes settlement debt, and collecting the debt never lowers the
    /// debtor's margin equity; a collection does what its preview said and never buys collateral while one of the
    /// debtor's own claims is left due (SD6).
    function invariant_settlementDebtStaysBackedAndCollectionIsFair() public view {
        assertEq(handler.settlementDebtViolations(), 0, "a debtor withdrew, or a collection lowered its equity");
        assertEq(handler.claimsFirstViolations(), 0, "a collection left a claim due or missed its preview");
    }

    /// @dev Every run with a few trade attempts really trades (a failing run is shrunk to its shortest sequence, so
    /// a failure here reports that sequence's counts, not the run's).
    function afterInvariant() public view virtual {
        if (handler.tradeAttempts() >= 8) assertGe(handler.fills(), 1, "some attempted trade filled");
    }
}
