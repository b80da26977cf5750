// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {ExchangeBase} from "./ExchangeBase.sol";

/// @notice Properties X6 and X7 on random inputs: the maker starts at a random position in the ATM call, signs an
/// order of random side, size and minimum fill, and a taker fills a random amount of it. The fill goes through
/// exactly when it takes the whole order or at least the minimum with at least the minimum left, and does not leave
/// the maker a nonzero position below the minimum; when it goes through, the maker's position is flat or at least
/// the minimum.
contract MinFillFuzzTest is ExchangeBase {
    uint256 internal constant FUNDS = 10_000_000e6;
    uint256 internal constant PRICE = 100e18;

    function setUp() public override {
        super.setUp();
        _deposit(maker, FUNDS);
        _deposit(taker, FUNDS);
        _deposit(other, FUNDS);
    }

    function testFuzz_minFill_refusesExactlyDustFillsAndDustPositions(
        uint256 startSize,
        bool startLong,
        bool makerBuys,
        uint256 amount,
        uint256 minFill,
        uint256 fillAmount
    ) public {
        // The maker's starting position, from a plain order filled by another account.
        startSize = bound(startSize, 0, 3e18);
        if (startSize != 0) _trade(MAKER_PK, other, callAtm, startLong, startSize, PRICE);
        int256 start = book.positionOf(maker, callAtm);

        amount = bound(amount, 1, 3e18);
        minFill = bound(minFill, 0, 3e18);
        fillAmount = bound(fillAmount, 1, amount);
        IExchange.Order memory order = _order(maker, callAtm, makerBuys, amount, PRICE);
        order.minFillAmount = minFill;
        order.nonce = 7;

        // What the maker's position would become, and the reason expected (none when empty).
        int256 after_ = makerBuys ? start + int256(fillAmount) : start - int256(fillAmount);
        uint256 sizeAfter = after_ < 0 ? uint256(-after_) : uint256(after_);
        bytes memory expected;
        if (fillAmount != amount && (fillAmount < minFill || amount - fillAmount < minFill)) {
            expected = abi.encodeWithSelector(
                IExchange.Exchange_FillBelowMinimum.selector,
                _digest(order),
                fillAmount,
                minFill,
                amount
            );
        } else if (sizeAfter != 0 && sizeAfter < minFill) {
            expected = abi.encodeWithSelector(
                IExchange.Exchange_DustPosition.selector,
                maker,
                callAtm,
                sizeAfter,
                minFill
            );
        }

        bytes memory signature = _sign(MAKER_PK, order);
        vm.prank(taker);
        try exchange.fill(order, signature, fillAmount, taker) {
            assertEq(expected.length, 0, "a fill the rules refuse went through");
            assertEq(book.positionOf(maker, callAtm), after_, "maker position");
            assertTrue(sizeAfter == 0 || sizeAfter >= minFill, "maker flat or at least the minimum");
        } catch (bytes memory reason) {
            assertEq(keccak256(reason), keccak256(expected), "refused for exactly the expected reason");
        }
    }
}
