// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {StackHandler} from "../utils/BaseHandler.sol";
import {Orders} from "../utils/Orders.sol";
import {ExchangeBase} from "./ExchangeBase.sol";

/// @notice Drives the exchange with random deposits, signed orders filled (partially, repeatedly) by random takers,
/// cancels and nonce-floor raises, by three actors. Fills the margin engine refuses simply revert.
contract ExchangeHandler is StackHandler {
    uint256[] internal _series;
    IExchange.Order[] internal _orders;
    uint256 internal _nonce;

    /// @notice Every entry into the handler.
    uint256 public calls;
    /// @notice Calls that changed state, per kind.
    uint256 public deposits;
    uint256 public fills;
    uint256 public cancels;
    uint256 public floors;
    /// @notice Fills the exchange (or the margin engine, the vault or the book) refused, and the last reason.
    uint256 public rejectedFills;
    bytes public lastRevert;

    constructor(BaseTest fixture, uint256[] memory series_) StackHandler(fixture) {
        _addActor(0xA1A1);
        _addActor(0xB2B2);
        _addActor(0xC3C3);
        _series = series_;
    }

    function deposit(uint256 actorSeed, uint256 amount) external {
        ++calls;
        amount = bound(amount, 1, 1_000_000e6);
        _mintAndDeposit(vault, address(usdc), actor(actorSeed), amount);
        ++deposits;
    }

    /// @notice A fresh order by one actor, filled (in part) by another. Every other order (odd `minFillSeed`) signs
    /// a minimum fill in [1, amount].
    function placeAndFill(
        uint256 makerSeed,
        uint256 takerOffset,
        uint256 seriesSeed,
        bool isBuy,
        uint256 amount,
        uint256 priceE18,
        uint256 fillSeed,
        uint256 minFillSeed
    ) external {
        ++calls;
        uint256 makerIndex = makerSeed % 3;
        amount = bound(amount, 1e12, 5e18);
        address maker = actors[makerIndex];
        IExchange.Order memory order = Orders.open(
            maker,
            _series[seriesSeed % _series.length],
            isBuy,
            amount,
            minFillSeed % 2 == 0 ? 0 : bound(minFillSeed, 1, amount),
            bound(priceE18, 1e15, 600e18),
            // At or just above the maker's floor when placed (the floor may later pass it); distinct per order.
            exchange.nonceFloor(maker) + (++_nonce % 4)
        );
        _orders.push(order);
        _fill(_orders.length - 1, actor(makerIndex + 1 + (takerOffset % 2)), fillSeed);
    }

    /// @notice Another fill of an earlier order (it may be filled, cancelled or below the floor: then it reverts).
    function refill(uint256 orderSeed, uint256 takerSeed, uint256 fillSeed) external {
        ++calls;
        if (_orders.length == 0) return;
        _fill(orderSeed % _orders.length, actor(takerSeed), fillSeed);
    }

    function cancel(uint256 orderSeed) external {
        ++calls;
        if (_orders.length == 0) return;
        IExchange.Order memory order = _orders[orderSeed % _orders.length];
        vm.prank(order.maker);
        exchange.cancel(order);
        ++cancels;
    }

    function raiseNonceFloor(uint256 actorSeed, uint256 step) external {
        ++calls;
        address maker = actor(actorSeed);
        uint256 floor = exchange.nonceFloor(maker) + bound(step, 1, 3);
        vm.prank(maker);
        exchange.raiseNonceFloor(maker, floor);
        ++floors;
    }

    function orderCount() external view returns (uint256) {
        return _orders.length;
    }

    function orderAt(uint256 i) external view returns (IExchange.Order memory) {
        return _orders[i];
    }

    function series() external view returns (uint256[] memory) {
        return _series;
    }

    function _fill(uint256 index, address taker, uint256 fillSeed) internal {
        IExchange.Order memory o = _orders[index];
        uint256 makerKey = keys[0];
        for (uint256 k; k < 3; ++k) if (actors[k] == o.maker) makerKey = keys[k];
        bytes memory signature = _signOrder(exchange, makerKey, o);
        uint256 amount = bound(fillSeed, 1, o.amount);
        vm.prank(taker);
        try exchange.fill(o, signature, amount, taker) {
            ++fills;
        } catch (bytes memory reason) {
            lastRevert = reason;
            ++rejectedFills;
        }
    }
}

contract ExchangeInvariantTest is ExchangeBase {
    ExchangeHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new ExchangeHandler(this, seriesIds);
        for (uint256 i; i < 3; ++i) _deposit(handler.actor(i), 50_000e6);
        targetContract(address(handler));
    }

    /// @notice The vault holds at least what it owes in the quote asset, and `totalBalance` is exactly the sum of
    /// every account's balance (actors, fee recipient, insurance fund): premiums and fees only move between accounts.
    function invariant_holdingsCoverBalances() public view {
        uint256 owed = _balance(FEE_RECIPIENT) + _balance(INSURANCE);
        for (uint256 i; i < 3; ++i) owed += _balance(handler.actor(i));
        assertEq(vault.totalBalance(address(usdc)), owed, "totalBalance is the sum of balances");
        assertGe(usdc.balanceOf(address(vault)), owed, "holdings cover balances");
    }

    /// @notice Positions are zero-sum in every series, and open interest is the sum of the longs.
    function invariant_positionsZeroSum() public view {
        uint256[] memory ids = handler.series();
        for (uint256 j; j < ids.length; ++j) {
            int256 sum;
            uint256 longs;
            for (uint256 i; i < 3; ++i) {
                int256 p = book.positionOf(handler.actor(i), ids[j]);
                sum += p;
                if (p > 0) longs += uint256(p);
            }
            assertEq(sum, 0, "zero-sum series");
            assertEq(registry.getSeries(ids[j]).openInterest, longs, "open interest");
        }
    }

    /// @notice No order is ever filled beyond its amount.
    function invariant_noOverfill() public view {
        uint256 n = handler.orderCount();
        for (uint256 i; i < n; ++i) {
            IExchange.Order memory o = handler.orderAt(i);
            assertLe(exchange.filled(exchange.hashOrder(o)), o.amount, "filled within the order");
        }
    }

    /// @notice No order's remainder is ever dust: each is untouched, filled in full, or filled by at least its
    /// minimum with at least its minimum left.
    function invariant_remaindersAreNeverDust() public view {
        uint256 n = handler.orderCount();
        for (uint256 i; i < n; ++i) {
            IExchange.Order memory o = handler.orderAt(i);
            uint256 done = exchange.filled(exchange.hashOrder(o));
            if (done == 0 || done == o.amount) continue;
            assertGe(done, o.minFillAmount, "filled at least the minimum");
            assertGe(o.amount - done, o.minFillAmount, "at least the minimum left");
        }
    }

    /// @notice The runner really drove the handler. (That the handler's fills go through is checked by
    /// `ExchangeHandlerTest`, since a short random run may place no order at all.)
    function afterInvariant() public view {
        assertGe(handler.calls(), 1, "handler was called");
    }
}

/// @notice The handler's own paths work, so the invariant runs exercise real fills.
contract ExchangeHandlerTest is ExchangeBase {
    function test_handler_fillsRefillsAndCancels() public {
        ExchangeHandler handler = new ExchangeHandler(this, seriesIds);
        for (uint256 i; i < 3; ++i) _deposit(handler.actor(i), 50_000e6);
        handler.placeAndFill(0, 0, 0, false, 2e18, 100e18, 1e18, 0);
        handler.placeAndFill(1, 1, 5, true, 1e18, 50e18, 1e18, 0);
        assertEq(handler.fills(), 2, "both fills went through");
        assertEq(book.positionOf(handler.actor(0), seriesIds[0]), -1e18, "actor 0 short half its order");
        assertEq(book.positionOf(handler.actor(1), seriesIds[0]), 1e18, "actor 1 long");
        assertEq(book.positionOf(handler.actor(1), seriesIds[5]), 1e18, "actor 1 bought the put");
        handler.refill(0, 2, 1e18);
        assertEq(handler.fills(), 3, "refill of the rest");
        handler.refill(0, 2, 1e18);
        assertEq(handler.rejectedFills(), 1, "a filled order is refused");
        handler.cancel(1);
        handler.raiseNonceFloor(0, 1);
        assertEq(exchange.nonceFloor(handler.actor(0)), 1, "floor raised by the step");
        assertEq(handler.cancels(), 1, "cancel counted");
        // An odd seed signs a minimum fill (here 1.5 of 3): a one-wei fill is refused, the minimum goes through.
        handler.placeAndFill(1, 0, 1, false, 3e18, 100e18, 1, 1.5e18 + 1);
        assertEq(handler.orderAt(2).minFillAmount, 1.5e18 + 1, "minimum signed");
        assertEq(handler.rejectedFills(), 2, "dust refused");
        handler.refill(2, 2, 1.5e18 - 1);
        assertEq(handler.rejectedFills(), 3, "would leave dust: refused");
        handler.refill(2, 2, 3e18);
        assertEq(handler.fills(), 4, "the whole order fills");
    }
}
