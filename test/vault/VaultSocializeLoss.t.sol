// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockPositionCounter} from "../../contracts/mocks/MockPositionCounter.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {Accounts} from "../utils/Accounts.sol";
import {Deploy} from "../utils/Deploy.sol";
import {WAD} from "../../contracts/libraries/Constants.sol";

/// @notice The socialised-loss rule: a quote-asset loss index, pro-rata haircuts, sums unchanged, rounding in the
/// vault's favour.
contract VaultSocializeLossTest is Accounts {
    address internal constant ENGINE = address(0xE9);
    address internal constant CAROL = address(0xCA201);

    MockERC20 internal usdc;
    Vault internal vault;

    function setUp() public {
        usdc = new MockERC20("USD Coin", "USDC", 6);
        vault = Deploy.vault(ADMIN, address(usdc), Deploy.marginHook(new MockPositionCounter()));
        bytes32 role = vault.SOCIALISER_ROLE();
        vm.prank(ADMIN);
        vault.grantRole(role, ENGINE);
        _deposit(ALICE, 600e6);
        _deposit(BOB, 300e6);
        _deposit(CAROL, 100e6);
    }

    function test_constants() public view {
        assertEq(vault.SOCIALISER_ROLE(), keccak256("SOCIALISER_ROLE"), "role");
        assertEq(vault.MAX_SOCIALISED_LOSS_WAD(), 0.1e18, "bound");
        assertEq(vault.quoteLossIndex(), WAD, "index starts at one");
    }

    function test_socializeLoss_haircutsProRataAndKeepsTheSum() public {
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.LossSocialized(CAROL, 50e6, 0.95e18);
        vm.prank(ENGINE);
        vault.socializeLoss(CAROL, 50e6);
        assertEq(vault.quoteLossIndex(), 0.95e18, "index = (1000 - 50) / 1000");
        assertEq(vault.balanceOf(ALICE, address(usdc)), 570e6, "alice -5%");
        assertEq(vault.balanceOf(BOB, address(usdc)), 285e6, "bob -5%");
        // The credit in shares rounds down, and so does the read: one unit stays with the vault.
        assertEq(vault.balanceOf(CAROL, address(usdc)), 95e6 + 50e6 - 1, "carol -5% + 50");
        assertEq(vault.totalBalance(address(usdc)), 1_000e6, "total unchanged");
        assertEq(usdc.balanceOf(address(vault)), 1_000e6, "nothing moved");
    }

    function test_socializeLoss_roundsInTheVaultsFavourAfterwards() public {
        vm.prank(ENGINE);
        vault.socializeLoss(CAROL, 33_333_333);
        uint256 index = vault.quoteLossIndex();
        assertEq(index, Math.mulDiv(WAD, 1_000e6 - 33_333_333, 1_000e6), "index rounded down");
        // A deposit after the loss reads at most what arrived, at most one unit less.
        _deposit(BOB, 7e6 + 3);
        uint256 bob = vault.balanceOf(BOB, address(usdc));
        uint256 expected = Math.mulDiv(300e6, index, WAD) + 7e6 + 3;
        assertLe(bob, expected, "credit rounded down");
        assertGe(bob + 2, expected, "by at most a unit or two");
        // Withdrawing the whole readable balance works and leaves no readable dust.
        vm.prank(BOB);
        vault.withdraw(BOB, address(usdc), bob, BOB);
        assertEq(vault.balanceOf(BOB, address(usdc)), 0, "emptied");
        // A debit beyond the readable balance reverts with the readable balance.
        uint256 alice = vault.balanceOf(ALICE, address(usdc));
        vm.expectRevert(
            abi.encodeWithSelector(IVault.Vault_InsufficientBalance.selector, ALICE, address(usdc), alice, alice + 1)
        );
        vm.prank(ALICE);
        vault.transfer(ALICE, BOB, address(usdc), alice + 1);
        // Readable balances never exceed the total.
        uint256 sum = vault.balanceOf(ALICE, address(usdc)) + vault.balanceOf(CAROL, address(usdc));
        assertLe(sum, vault.totalBalance(address(usdc)), "sum <= total");
        assertEq(vault.totalBalance(address(usdc)), usdc.balanceOf(address(vault)), "total = holdings");
    }

    function test_socializeLoss_revertsOnRoleZeroAndBound() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                ALICE,
                vault.SOCIALISER_ROLE()
            )
        );
        vm.prank(ALICE);
        vault.socializeLoss(ALICE, 1);
        vm.expectRevert(IVault.Vault_ZeroAddress.selector);
        vm.prank(ENGINE);
        vault.socializeLoss(address(0), 1);
        vm.expectRevert(IVault.Vault_ZeroAmount.selector);
        vm.prank(ENGINE);
        vault.socializeLoss(ALICE, 0);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_LossTooLarge.selector, 100e6 + 1, 100e6));
        vm.prank(ENGINE);
        vault.socializeLoss(ALICE, 100e6 + 1);
        vm.prank(ENGINE);
        vault.socializeLoss(ALICE, 100e6);
        assertEq(vault.quoteLossIndex(), 0.9e18, "the largest step");
    }

    function test_socializeLoss_collateralValueUsesTheIndex() public {
        vm.prank(ENGINE);
        vault.socializeLoss(ALICE, 10e6);
        assertEq(vault.collateralValue(BOB), Math.mulDiv(300e6, 0.99e18, WAD) * 1e12, "value uses the haircut");
    }

    function testFuzz_socializeLoss_sumNeverExceedsTotal(uint256 a, uint256 b, uint256 loss, uint256 moved) public {
        _deposit(ALICE, bound(a, 1, 1e15));
        _deposit(BOB, bound(b, 1, 1e15));
        uint256 total = vault.totalBalance(address(usdc));
        loss = bound(loss, 1, total / 10);
        vm.prank(ENGINE);
        vault.socializeLoss(CAROL, loss);
        uint256 alice = vault.balanceOf(ALICE, address(usdc));
        moved = bound(moved, 0, alice);
        if (moved != 0) {
            vm.prank(ALICE);
            vault.transfer(ALICE, BOB, address(usdc), moved);
        }
        uint256 sum = vault.balanceOf(ALICE, address(usdc)) +
            vault.balanceOf(BOB, address(usdc)) +
            vault.balanceOf(CAROL, address(usdc));
        assertLe(sum, total, "never more than the vault holds");
        assertGe(sum + 6, total, "dust: a unit or two per account and operation");
    }

    function _deposit(address account, uint256 amount) internal {
        usdc.mint(account, amount);
        vm.startPrank(account);
        usdc.approve(address(vault), amount);
        vault.deposit(account, address(usdc), amount);
        vm.stopPrank();
    }
}
