// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPositionCounter} from "../../contracts/interfaces/IMarginHook.sol";
import {MockPositionCounter} from "../../contracts/mocks/MockPositionCounter.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Accounts} from "../utils/Accounts.sol";
import {Deploy} from "../utils/Deploy.sol";

contract OpenPositionsMarginHookTest is Accounts {
    MockPositionCounter internal counter;
    OpenPositionsMarginHook internal hook;

    function setUp() public {
        counter = new MockPositionCounter();
        hook = Deploy.marginHook(counter);
    }

    function test_constructor_storesCounter() public view {
        assertEq(address(hook.positionCounter()), address(counter), "counter");
    }

    function test_checkWithdrawal_passesWithoutOpenPositions() public view {
        hook.checkWithdrawal(ALICE);
    }

    function test_checkWithdrawal_revertsWithOpenPositions() public {
        counter.setOpenPositionCount(ALICE, 3);
        vm.expectRevert(abi.encodeWithSelector(OpenPositionsMarginHook.MarginHook_OpenPositions.selector, ALICE, 3));
        hook.checkWithdrawal(ALICE);
        // Only the account holding positions is blocked.
        hook.checkWithdrawal(BOB);
    }

    function test_checkWithdrawal_passesAgainOnceClosed() public {
        counter.setOpenPositionCount(ALICE, 1);
        vm.expectRevert(abi.encodeWithSelector(OpenPositionsMarginHook.MarginHook_OpenPositions.selector, ALICE, 1));
        hook.checkWithdrawal(ALICE);
        counter.setOpenPositionCount(ALICE, 0);
        hook.checkWithdrawal(ALICE);
    }

    function test_checkWithdrawal_withoutPositionBookAlwaysPasses() public {
        OpenPositionsMarginHook bookless = Deploy.marginHook(IPositionCounter(address(0)));
        assertEq(address(bookless.positionCounter()), address(0), "no book");
        // No position book means no position can exist: nothing is asked, nothing reverts.
        bookless.checkWithdrawal(ALICE);
        bookless.checkWithdrawal(address(0));
    }

    function testFuzz_checkWithdrawal_revertsForAnyPositiveCount(address account, uint256 count) public {
        count = bound(count, 1, type(uint256).max);
        counter.setOpenPositionCount(account, count);
        vm.expectRevert(
            abi.encodeWithSelector(OpenPositionsMarginHook.MarginHook_OpenPositions.selector, account, count)
        );
        hook.checkWithdrawal(account);
    }
}
