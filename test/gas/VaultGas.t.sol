// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPositionCounter} from "../../contracts/interfaces/IMarginHook.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockPositionCounter} from "../../contracts/mocks/MockPositionCounter.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {Accounts} from "../utils/Accounts.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice Gas of the vault's hot paths, recorded as snapshots (group "Vault").
contract VaultGasTest is Accounts {
    MockERC20 internal usdc;
    Vault internal vault;

    function setUp() public {
        usdc = new MockERC20("USD Coin", "USDC", 6);
        // The interim hook with a position book that reports no positions: the withdrawal pays for the real query.
        OpenPositionsMarginHook hook = Deploy.marginHook(IPositionCounter(address(new MockPositionCounter())));
        vault = Deploy.vault(address(this), address(usdc), hook);
        usdc.mint(ALICE, 1_000_000e6);
        vm.startPrank(ALICE);
        usdc.approve(address(vault), type(uint256).max);
        // Warm: the account already holds the token and the vault's total is non-zero.
        vault.deposit(ALICE, address(usdc), 1_000e6);
        vm.stopPrank();
    }

    function test_gas_deposit() public {
        vm.prank(ALICE);
        vm.startSnapshotGas("Vault", "deposit");
        vault.deposit(ALICE, address(usdc), 500e6);
        uint256 gasUsed = vm.stopSnapshotGas();
        assertEq(vault.balanceOf(ALICE, address(usdc)), 1_500e6, "deposited");
        assertGe(gasUsed, 1, "measured");
    }

    function test_gas_withdraw() public {
        vm.prank(ALICE);
        vm.startSnapshotGas("Vault", "withdraw");
        vault.withdraw(ALICE, address(usdc), 400e6, ALICE);
        uint256 gasUsed = vm.stopSnapshotGas();
        assertEq(vault.balanceOf(ALICE, address(usdc)), 600e6, "withdrawn");
        assertGe(gasUsed, 1, "measured");
    }
}
