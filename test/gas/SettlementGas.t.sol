// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {SettlementFixture} from "../settlement/SettlementFixture.sol";

/// @notice Gas of settling one position once the series' outcome is cached by an earlier settlement in it. Every
/// account already holds a quote balance, as traders who paid or received premium do. Measured with
/// `snapshotGasLastCall`: the settle call's own execution, as in a transaction whose target is warm.
contract SettlementGasTest is SettlementFixture {
    function setUp() public override {
        super.setUp();
        // Alice is long 3; Bob short 2 and Carol short 1.
        book.transferPosition(callId, ALICE, BOB, 2e18);
        book.transferPosition(callId, ALICE, CAROL, 1e18);
        _deposit(ALICE, 1_000e6);
        _deposit(BOB, 10_000e6);
        _deposit(CAROL, 1_000e6);
        _expire(3_100e8);
    }

    function test_gas_settleLong() public {
        settlement.settle(BOB, callId);
        settlement.settle(CAROL, callId);
        (uint256 paid, ) = settlement.settle(ALICE, callId);
        vm.snapshotGasLastCall("Settlement", "settle_position_long");
        assertEq(paid, 300e6, "long paid in full");
    }

    function test_gas_settleShort() public {
        settlement.settle(CAROL, callId);
        (uint256 paid, ) = settlement.settle(BOB, callId);
        vm.snapshotGasLastCall("Settlement", "settle_position_short");
        assertEq(paid, 200e6, "short paid in full");
    }
}
