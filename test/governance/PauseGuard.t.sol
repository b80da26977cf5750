// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IPauseGuard} from "../../contracts/interfaces/IPauseGuard.sol";
import {Accounts} from "../utils/Accounts.sol";
import {Deploy} from "../utils/Deploy.sol";

contract PauseGuardTest is Accounts {
    PauseGuard internal guard;

    function setUp() public {
        guard = Deploy.pauseGuard(ADMIN, GUARDIAN);
    }

    function test_constructor_grantsRoles() public view {
        assertEq(guard.GUARDIAN_ROLE(), keccak256("GUARDIAN_ROLE"), "guardian role id");
        assertTrue(guard.hasRole(guard.DEFAULT_ADMIN_ROLE(), ADMIN), "admin role");
        assertTrue(guard.hasRole(guard.GUARDIAN_ROLE(), GUARDIAN), "guardian role");
        assertFalse(guard.hasRole(guard.GUARDIAN_ROLE(), ADMIN), "admin is not guardian");
        assertFalse(guard.hasRole(guard.DEFAULT_ADMIN_ROLE(), GUARDIAN), "guardian is not admin");
        assertFalse(guard.globallyPaused(), "starts unpaused");
        assertFalse(guard.isPaused(1), "underlying starts unpaused");
    }

    function test_pauseAll_pausesEveryUnderlying() public {
        vm.expectEmit(true, true, true, true, address(guard));
        emit IPauseGuard.GlobalPaused(GUARDIAN);
        vm.prank(GUARDIAN);
        guard.pauseAll();
        assertTrue(guard.globallyPaused(), "global flag");
        assertTrue(guard.isPaused(1), "underlying 1");
        assertTrue(guard.isPaused(42), "underlying 42");
    }

    function test_pauseAll_revertsWhenAlreadyPaused() public {
        vm.startPrank(GUARDIAN);
        guard.pauseAll();
        vm.expectRevert(abi.encodeWithSelector(IPauseGuard.Pause_AlreadyInState.selector, 0, true));
        guard.pauseAll();
        vm.stopPrank();
    }

    function test_pauseAll_revertsForNonGuardian() public {
        bytes32 role = guard.GUARDIAN_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, role));
        vm.prank(ADMIN);
        guard.pauseAll();
    }

    function test_unpauseAll_liftsGlobalPause() public {
        vm.prank(GUARDIAN);
        guard.pauseAll();
        vm.expectEmit(true, true, true, true, address(guard));
        emit IPauseGuard.GlobalUnpaused(ADMIN);
        vm.prank(ADMIN);
        guard.unpauseAll();
        assertFalse(guard.globallyPaused(), "global flag");
        assertFalse(guard.isPaused(1), "underlying 1");
    }

    function test_unpauseAll_revertsWhenNotPaused() public {
        vm.expectRevert(abi.encodeWithSelector(IPauseGuard.Pause_AlreadyInState.selector, 0, false));
        vm.prank(ADMIN);
        guard.unpauseAll();
    }

    function test_unpauseAll_revertsForGuardian() public {
        vm.prank(GUARDIAN);
        guard.pauseAll();
        bytes32 role = guard.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, GUARDIAN, role)
        );
        vm.prank(GUARDIAN);
        guard.unpauseAll();
    }

    function test_pauseUnderlying_pausesOnlyThatUnderlying() public {
        vm.expectEmit(true, true, true, true, address(guard));
        emit IPauseGuard.UnderlyingPaused(7, GUARDIAN);
        vm.prank(GUARDIAN);
        guard.pauseUnderlying(7);
        assertTrue(guard.isPaused(7), "underlying 7");
        assertFalse(guard.isPaused(8), "underlying 8");
        assertFalse(guard.globallyPaused(), "global flag");
    }

    function test_pauseUnderlying_revertsWhenAlreadyPaused() public {
        vm.startPrank(GUARDIAN);
        guard.pauseUnderlying(7);
        vm.expectRevert(abi.encodeWithSelector(IPauseGuard.Pause_AlreadyInState.selector, 7, true));
        guard.pauseUnderlying(7);
        vm.stopPrank();
    }

    function test_pauseUnderlying_revertsForNonGuardian() public {
        bytes32 role = guard.GUARDIAN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, role)
        );
        vm.prank(STRANGER);
        guard.pauseUnderlying(7);
    }

    function test_unpauseUnderlying_liftsThatPause() public {
        vm.prank(GUARDIAN);
        guard.pauseUnderlying(7);
        vm.expectEmit(true, true, true, true, address(guard));
        emit IPauseGuard.UnderlyingUnpaused(7, ADMIN);
        vm.prank(ADMIN);
        guard.unpauseUnderlying(7);
        assertFalse(guard.isPaused(7), "underlying 7");
    }

    function test_unpauseUnderlying_revertsWhenNotPaused() public {
        vm.expectRevert(abi.encodeWithSelector(IPauseGuard.Pause_AlreadyInState.selector, 7, false));
        vm.prank(ADMIN);
        guard.unpauseUnderlying(7);
    }

    function test_unpauseUnderlying_revertsForGuardian() public {
        vm.prank(GUARDIAN);
        guard.pauseUnderlying(7);
        bytes32 role = guard.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, GUARDIAN, role)
        );
        vm.prank(GUARDIAN);
        guard.unpauseUnderlying(7);
    }

    function test_globalAndUnderlyingPausesAreIndependent() public {
        vm.startPrank(GUARDIAN);
        guard.pauseUnderlying(7);
        guard.pauseAll();
        vm.stopPrank();
        vm.prank(ADMIN);
        guard.unpauseAll();
        assertTrue(guard.isPaused(7), "underlying pause survives the global unpause");
        assertFalse(guard.isPaused(8), "other underlying free again");
    }

    function test_guardianRoleCanBeGrantedByAdmin() public {
        bytes32 role = guard.GUARDIAN_ROLE();
        vm.prank(ADMIN);
        guard.grantRole(role, STRANGER);
        vm.prank(STRANGER);
        guard.pauseAll();
        assertTrue(guard.globallyPaused(), "new guardian paused");
    }

    function test_constructor_revertsOnZeroAddress() public {
        vm.expectRevert(IPauseGuard.Pause_ZeroAddress.selector);
        Deploy.pauseGuard(address(0), GUARDIAN);
        vm.expectRevert(IPauseGuard.Pause_ZeroAddress.selector);
        Deploy.pauseGuard(ADMIN, address(0));
    }

    /// @dev Id 0 is not an underlying; the global pause has its own functions.
    function test_pauseAndUnpauseUnderlying_rejectIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(IPauseGuard.Pause_InvalidUnderlying.selector, 0));
        vm.prank(GUARDIAN);
        guard.pauseUnderlying(0);
        vm.expectRevert(abi.encodeWithSelector(IPauseGuard.Pause_InvalidUnderlying.selector, 0));
        vm.prank(ADMIN);
        guard.unpauseUnderlying(0);
        assertFalse(guard.isPaused(0), "nothing paused");
    }
}
