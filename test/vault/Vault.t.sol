// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IMarginHook} from "../../contracts/interfaces/IMarginHook.sol";
import {Health, IOracleRouter} from "../../contracts/interfaces/IOracleRouter.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {FeeOnTransferERC20} from "../../contracts/mocks/FeeOnTransferERC20.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {MockPositionCounter} from "../../contracts/mocks/MockPositionCounter.sol";
import {ReentrantERC20} from "../../contracts/mocks/ReentrantERC20.sol";
import {RevertingDecimalsERC20} from "../../contracts/mocks/RevertingDecimalsERC20.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {Accounts} from "../utils/Accounts.sol";
import {Deploy} from "../utils/Deploy.sol";
import {Feeds} from "../utils/Feeds.sol";

contract VaultTest is Accounts {
    address internal constant RECIPIENT = address(0xCAFE);

    uint256 internal constant T0 = 1_700_000_000;
    int256 internal constant ETH_USD_E8 = 3000e8;
    uint256 internal constant WETH_HAIRCUT = 0.2e18;
    uint256 internal constant FOT_HAIRCUT = 0.5e18;
    uint256 internal constant FEE_BPS = 100;

    MockERC20 internal usdc;
    MockERC20 internal weth;
    FeeOnTransferERC20 internal fot;
    MockV3Aggregator internal primaryFeed;
    MockV3Aggregator internal secondaryFeed;
    OracleRouter internal ethRouter;
    MockPositionCounter internal counter;
    OpenPositionsMarginHook internal hook;
    Vault internal vault;

    function setUp() public {
        vm.warp(T0);
        usdc = new MockERC20("USD Coin", "USDC", 6);
        weth = new MockERC20("Wrapped Ether", "WETH", 18);
        fot = new FeeOnTransferERC20(FEE_BPS);
        primaryFeed = new MockV3Aggregator(8, ETH_USD_E8);
        secondaryFeed = new MockV3Aggregator(8, ETH_USD_E8);
        ethRouter = Deploy.oracleRouter(
            Feeds.adapter(primaryFeed),
            Feeds.adapter(secondaryFeed),
            IPriceSource(address(0)),
            0.02e18,
            1 hours
        );
        counter = new MockPositionCounter();
        hook = Deploy.marginHook(counter);
        vault = Deploy.vault(ADMIN, address(usdc), hook);

        vm.startPrank(ADMIN);
        vault.listCollateral(address(weth), WETH_HAIRCUT, ethRouter);
        vault.listCollateral(address(fot), FOT_HAIRCUT, ethRouter);
        vm.stopPrank();

        _fund(ALICE, usdc, 1_000_000e6);
        _fund(ALICE, weth, 100e18);
        _fund(BOB, usdc, 1_000_000e6);
        fot.mint(ALICE, 100e18);
        vm.prank(ALICE);
        fot.approve(address(vault), type(uint256).max);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Constructor
    // ------------------------------------------------------------------------------------------------------------

    function test_constructor_listsQuoteAssetAtParWithoutRouter() public view {
        assertEq(vault.quoteAsset(), address(usdc), "quote asset");
        assertEq(address(vault.marginHook()), address(hook), "hook");
        assertTrue(vault.hasRole(vault.DEFAULT_ADMIN_ROLE(), ADMIN), "admin role");
        assertEq(vault.MAX_HAIRCUT_WAD(), 0.9e18, "max haircut");
        assertEq(vault.MAX_COLLATERALS(), 8, "max collaterals");
        IVault.CollateralConfig memory config = vault.collateralConfig(address(usdc));
        assertTrue(config.listed, "listed");
        assertTrue(config.depositsEnabled, "deposits enabled");
        assertEq(config.decimals, 6, "decimals");
        assertEq(config.haircutWad, 0, "haircut");
        assertEq(address(config.router), address(0), "router");
        address[] memory listed = vault.collaterals();
        assertEq(listed.length, 3, "collateral count");
        assertEq(listed[0], address(usdc), "quote first");
        assertEq(listed[1], address(weth), "weth second");
        assertEq(listed[2], address(fot), "fot third");
    }

    function test_constructor_emitsListingAndHook() public {
        MockERC20 quote = new MockERC20("Quote", "Q", 6);
        vm.expectEmit(true, true, true, true);
        emit IVault.CollateralListed(address(quote), 6, 0, address(0));
        vm.expectEmit(true, true, true, true);
        emit IVault.MarginHookSet(address(hook));
        Deploy.vault(ADMIN, address(quote), hook);
    }

    function test_constructor_revertsOnZeroAddresses() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        Deploy.vault(address(0), address(usdc), hook);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        Deploy.vault(ADMIN, address(0), hook);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        Deploy.vault(ADMIN, address(usdc), IMarginHook(address(0)));
    }

    function test_constructor_revertsOnQuoteWithTooManyDecimals() public {
        MockERC20 quote = new MockERC20("Quote", "Q", 19);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_UnsupportedDecimals.selector, address(quote), 19));
        Deploy.vault(ADMIN, address(quote), hook);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Deposit
    // ------------------------------------------------------------------------------------------------------------

    function test_deposit_creditsAccountAndEmits() public {
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.Deposited(ALICE, address(usdc), ALICE, 1_000e6);
        vm.prank(ALICE);
        uint256 credited = vault.deposit(ALICE, address(usdc), 1_000e6);
        assertEq(credited, 1_000e6, "credited");
        assertEq(vault.balanceOf(ALICE, address(usdc)), 1_000e6, "account balance");
        assertEq(vault.totalBalance(address(usdc)), 1_000e6, "total balance");
        assertEq(usdc.balanceOf(address(vault)), 1_000e6, "vault holdings");
        assertEq(usdc.balanceOf(ALICE), 999_000e6, "payer debited");
    }

    function test_deposit_anyoneMayFundAnyAccount() public {
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.Deposited(ALICE, address(usdc), BOB, 5e6);
        vm.prank(BOB);
        vault.deposit(ALICE, address(usdc), 5e6);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 5e6, "alice credited");
        assertEq(vault.balanceOf(BOB, address(usdc)), 0, "bob not credited");
        assertEq(usdc.balanceOf(BOB), 1_000_000e6 - 5e6, "bob paid");
    }

    function test_deposit_feeOnTransferCreditsWhatArrived() public {
        uint256 amount = 10e18;
        uint256 arrived = amount - (amount * FEE_BPS) / 10_000;
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.Deposited(ALICE, address(fot), ALICE, arrived);
        vm.prank(ALICE);
        uint256 credited = vault.deposit(ALICE, address(fot), amount);
        assertEq(credited, arrived, "credited net of fee");
        assertEq(credited, 9.9e18, "one percent fee");
        assertEq(vault.balanceOf(ALICE, address(fot)), arrived, "account balance");
        assertEq(vault.totalBalance(address(fot)), arrived, "total balance");
        assertEq(fot.balanceOf(address(vault)), arrived, "vault holdings");
    }

    function test_deposit_revertsWhenNothingArrives() public {
        FeeOnTransferERC20 burner = new FeeOnTransferERC20(10_000);
        vm.prank(ADMIN);
        vault.listCollateral(address(burner), 0, ethRouter);
        burner.mint(ALICE, 1e18);
        vm.startPrank(ALICE);
        burner.approve(address(vault), 1e18);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAmount.selector));
        vault.deposit(ALICE, address(burner), 1e18);
        vm.stopPrank();
    }

    function test_deposit_revertsOnZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAmount.selector));
        vm.prank(ALICE);
        vault.deposit(ALICE, address(usdc), 0);
    }

    function test_deposit_revertsOnZeroAccount() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        vm.prank(ALICE);
        vault.deposit(address(0), address(usdc), 1e6);
    }

    function test_deposit_revertsOnUnlistedToken() public {
        MockERC20 other = new MockERC20("Other", "OTH", 18);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_CollateralNotAccepted.selector, address(other)));
        vm.prank(ALICE);
        vault.deposit(ALICE, address(other), 1e18);
    }

    function test_deposit_revertsWhenDepositsDisabled() public {
        vm.prank(ADMIN);
        vault.updateCollateral(address(weth), false, WETH_HAIRCUT, ethRouter);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_CollateralNotAccepted.selector, address(weth)));
        vm.prank(ALICE);
        vault.deposit(ALICE, address(weth), 1e18);
    }

    function test_deposit_rejectsReentrancy() public {
        ReentrantERC20 evil = new ReentrantERC20();
        vm.prank(ADMIN);
        vault.listCollateral(address(evil), 0, ethRouter);
        evil.mint(ALICE, 2e18);
        vm.prank(ALICE);
        evil.approve(address(vault), type(uint256).max);
        evil.arm(address(vault), abi.encodeCall(IVault.deposit, (ALICE, address(evil), 1e18)));
        vm.expectRevert(abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector));
        vm.prank(ALICE);
        vault.deposit(ALICE, address(evil), 1e18);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Withdraw
    // ------------------------------------------------------------------------------------------------------------

    function test_withdraw_debitsAndPaysRecipient() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.Withdrawn(ALICE, address(usdc), RECIPIENT, 400e6, ALICE);
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(usdc), 400e6, RECIPIENT);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 600e6, "account balance");
        assertEq(vault.totalBalance(address(usdc)), 600e6, "total balance");
        assertEq(usdc.balanceOf(RECIPIENT), 400e6, "recipient paid");
        assertEq(usdc.balanceOf(address(vault)), 600e6, "vault holdings");
    }

    function test_withdraw_wholeBalance() public {
        _deposit(ALICE, weth, 3e18);
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(weth), 3e18, ALICE);
        assertEq(vault.balanceOf(ALICE, address(weth)), 0, "emptied");
        assertEq(weth.balanceOf(ALICE), 100e18, "all back");
    }

    function test_withdraw_byOperator() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.prank(ALICE);
        vault.setOperator(OPERATOR, true);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.Withdrawn(ALICE, address(usdc), RECIPIENT, 100e6, OPERATOR);
        vm.prank(OPERATOR);
        vault.withdraw(ALICE, address(usdc), 100e6, RECIPIENT);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 900e6, "account balance");
        assertEq(usdc.balanceOf(RECIPIENT), 100e6, "recipient paid");
    }

    function test_withdraw_revertsForRevokedOperator() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.startPrank(ALICE);
        vault.setOperator(OPERATOR, true);
        vault.setOperator(OPERATOR, false);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_Unauthorized.selector, ALICE, OPERATOR));
        vm.prank(OPERATOR);
        vault.withdraw(ALICE, address(usdc), 1e6, OPERATOR);
    }

    function test_withdraw_revertsForStranger() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_Unauthorized.selector, ALICE, STRANGER));
        vm.prank(STRANGER);
        vault.withdraw(ALICE, address(usdc), 1e6, STRANGER);
    }

    function test_withdraw_operatorOfAnotherAccountIsNotAuthorized() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.prank(BOB);
        vault.setOperator(OPERATOR, true);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_Unauthorized.selector, ALICE, OPERATOR));
        vm.prank(OPERATOR);
        vault.withdraw(ALICE, address(usdc), 1e6, OPERATOR);
    }

    function test_withdraw_revertsOnZeroRecipient() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(usdc), 1e6, address(0));
    }

    function test_withdraw_revertsOnZeroAmount() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAmount.selector));
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(usdc), 0, ALICE);
    }

    function test_withdraw_revertsOnInsufficientBalance() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectRevert(
            abi.encodeWithSelector(
                IVault.Vault_InsufficientBalance.selector,
                ALICE,
                address(usdc),
                1_000e6,
                1_000e6 + 1
            )
        );
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(usdc), 1_000e6 + 1, ALICE);
    }

    function test_withdraw_revertsWhenHookRejects() public {
        _deposit(ALICE, usdc, 1_000e6);
        counter.setOpenPositionCount(ALICE, 2);
        vm.expectRevert(abi.encodeWithSelector(OpenPositionsMarginHook.MarginHook_OpenPositions.selector, ALICE, 2));
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(usdc), 1e6, ALICE);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 1_000e6, "balance restored by the revert");
    }

    function test_withdraw_worksWhilePauseGuardIsPaused() public {
        PauseGuard guard = Deploy.pauseGuard(ADMIN, ADMIN);
        vm.startPrank(ADMIN);
        guard.pauseAll();
        guard.pauseUnderlying(1);
        vm.stopPrank();
        assertTrue(guard.isPaused(1), "paused");

        _deposit(ALICE, weth, 2e18);
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(weth), 2e18, ALICE);
        assertEq(vault.balanceOf(ALICE, address(weth)), 0, "withdrawn while paused");
        assertEq(weth.balanceOf(ALICE), 100e18, "tokens back while paused");
    }

    function test_withdraw_worksWhenDepositsDisabled() public {
        _deposit(ALICE, weth, 2e18);
        vm.prank(ADMIN);
        vault.updateCollateral(address(weth), false, WETH_HAIRCUT, ethRouter);
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(weth), 2e18, ALICE);
        assertEq(weth.balanceOf(ALICE), 100e18, "listed token always withdrawable");
    }

    function test_withdraw_worksWhenOracleIsDown() public {
        _deposit(ALICE, weth, 2e18);
        vm.warp(T0 + Feeds.HEARTBEAT + Feeds.SLACK + 1);
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(weth), 2e18, ALICE);
        assertEq(weth.balanceOf(ALICE), 100e18, "oracle not consulted");
    }

    function test_withdraw_feeOnTransferDebitsTheFullAmount() public {
        vm.prank(ALICE);
        uint256 credited = vault.deposit(ALICE, address(fot), 10e18);
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(fot), credited, RECIPIENT);
        assertEq(vault.balanceOf(ALICE, address(fot)), 0, "account emptied");
        assertEq(vault.totalBalance(address(fot)), 0, "total emptied");
        assertEq(fot.balanceOf(address(vault)), 0, "vault holds none");
        assertEq(fot.balanceOf(RECIPIENT), credited - (credited * FEE_BPS) / 10_000, "recipient bears the fee");
    }

    function test_withdraw_rejectsReentrancy() public {
        ReentrantERC20 evil = new ReentrantERC20();
        vm.prank(ADMIN);
        vault.listCollateral(address(evil), 0, ethRouter);
        evil.mint(ALICE, 2e18);
        vm.startPrank(ALICE);
        evil.approve(address(vault), type(uint256).max);
        vault.deposit(ALICE, address(evil), 2e18);
        vm.stopPrank();
        // The re-entered call comes from the token: it would be unauthorised anyway, but the guard fires first.
        evil.arm(address(vault), abi.encodeCall(IVault.withdraw, (ALICE, address(evil), 1e18, ALICE)));
        vm.expectRevert(abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector));
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(evil), 1e18, ALICE);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Transfer
    // ------------------------------------------------------------------------------------------------------------

    // ---------------------------------------------------------------- clearingTransfer

    function test_clearingTransfer_movesBalanceWithoutOwnerOrMarginCheck() public {
        address clearer = address(0xC1EA);
        bytes32 role = vault.CLEARING_ROLE();
        vm.prank(ADMIN);
        vault.grantRole(role, clearer);
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.ClearingTransferred(ALICE, BOB, address(usdc), 400e6, clearer);
        vm.prank(clearer);
        vault.clearingTransfer(ALICE, BOB, address(usdc), 400e6);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 600e6, "from debited");
        assertEq(vault.balanceOf(BOB, address(usdc)), 400e6, "to credited");
        assertEq(vault.totalBalance(address(usdc)), 1_000e6, "total unchanged");
    }

    function test_clearingTransfer_revertsWithoutRole() public {
        _deposit(ALICE, usdc, 1_000e6);
        bytes32 role = vault.CLEARING_ROLE();
        // Not even the account owner may use the clearing path.
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ALICE, role));
        vm.prank(ALICE);
        vault.clearingTransfer(ALICE, BOB, address(usdc), 1);
    }

    function test_clearingTransfer_revertsOnBadInput() public {
        address clearer = address(0xC1EA);
        bytes32 role = vault.CLEARING_ROLE();
        vm.prank(ADMIN);
        vault.grantRole(role, clearer);
        _deposit(ALICE, usdc, 100e6);
        vm.startPrank(clearer);
        vm.expectRevert(IVault.Vault_ZeroAmount.selector);
        vault.clearingTransfer(ALICE, BOB, address(usdc), 0);
        vm.expectRevert(IVault.Vault_ZeroAddress.selector);
        vault.clearingTransfer(ALICE, address(0), address(usdc), 1);
        vm.expectRevert(
            abi.encodeWithSelector(IVault.Vault_InsufficientBalance.selector, ALICE, address(usdc), 100e6, 100e6 + 1)
        );
        vault.clearingTransfer(ALICE, BOB, address(usdc), 100e6 + 1);
        vm.stopPrank();
    }

    function test_transfer_movesBalanceInsideTheVault() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.Transferred(ALICE, BOB, address(usdc), 250e6);
        vm.prank(ALICE);
        vault.transfer(ALICE, BOB, address(usdc), 250e6);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 750e6, "from debited");
        assertEq(vault.balanceOf(BOB, address(usdc)), 250e6, "to credited");
        assertEq(vault.totalBalance(address(usdc)), 1_000e6, "total unchanged");
        assertEq(usdc.balanceOf(address(vault)), 1_000e6, "holdings unchanged");
    }

    function test_transfer_toSelfKeepsBalance() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.prank(ALICE);
        vault.transfer(ALICE, ALICE, address(usdc), 1_000e6);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 1_000e6, "unchanged");
    }

    function test_transfer_byOperator() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.prank(ALICE);
        vault.setOperator(OPERATOR, true);
        vm.prank(OPERATOR);
        vault.transfer(ALICE, BOB, address(usdc), 1e6);
        assertEq(vault.balanceOf(BOB, address(usdc)), 1e6, "to credited");
    }

    function test_transfer_revertsForRevokedOperator() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.startPrank(ALICE);
        vault.setOperator(OPERATOR, true);
        vault.setOperator(OPERATOR, false);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_Unauthorized.selector, ALICE, OPERATOR));
        vm.prank(OPERATOR);
        vault.transfer(ALICE, OPERATOR, address(usdc), 1e6);
    }

    function test_transfer_revertsForStranger() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_Unauthorized.selector, ALICE, STRANGER));
        vm.prank(STRANGER);
        vault.transfer(ALICE, STRANGER, address(usdc), 1e6);
    }

    function test_transfer_revertsOnZeroRecipient() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        vm.prank(ALICE);
        vault.transfer(ALICE, address(0), address(usdc), 1e6);
    }

    function test_transfer_revertsOnZeroAmount() public {
        _deposit(ALICE, usdc, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAmount.selector));
        vm.prank(ALICE);
        vault.transfer(ALICE, BOB, address(usdc), 0);
    }

    function test_transfer_revertsOnInsufficientBalance() public {
        _deposit(ALICE, usdc, 10e6);
        vm.expectRevert(
            abi.encodeWithSelector(IVault.Vault_InsufficientBalance.selector, ALICE, address(usdc), 10e6, 11e6)
        );
        vm.prank(ALICE);
        vault.transfer(ALICE, BOB, address(usdc), 11e6);
    }

    function test_transfer_revertsWhenHookRejectsSender() public {
        _deposit(ALICE, usdc, 10e6);
        counter.setOpenPositionCount(ALICE, 1);
        vm.expectRevert(abi.encodeWithSelector(OpenPositionsMarginHook.MarginHook_OpenPositions.selector, ALICE, 1));
        vm.prank(ALICE);
        vault.transfer(ALICE, BOB, address(usdc), 1e6);
    }

    function test_transfer_hookIgnoresRecipientPositions() public {
        _deposit(ALICE, usdc, 10e6);
        counter.setOpenPositionCount(BOB, 3);
        vm.prank(ALICE);
        vault.transfer(ALICE, BOB, address(usdc), 1e6);
        assertEq(vault.balanceOf(BOB, address(usdc)), 1e6, "recipient with positions may receive");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Operators
    // ------------------------------------------------------------------------------------------------------------

    function test_setOperator_approvesAndRevokes() public {
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.OperatorSet(ALICE, OPERATOR, true);
        vm.prank(ALICE);
        vault.setOperator(OPERATOR, true);
        assertTrue(vault.isOperator(ALICE, OPERATOR), "approved");
        assertTrue(vault.isAuthorized(ALICE, OPERATOR), "authorised");
        assertFalse(vault.isAuthorized(BOB, OPERATOR), "only for alice");

        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.OperatorSet(ALICE, OPERATOR, false);
        vm.prank(ALICE);
        vault.setOperator(OPERATOR, false);
        assertFalse(vault.isOperator(ALICE, OPERATOR), "revoked");
        assertFalse(vault.isAuthorized(ALICE, OPERATOR), "no longer authorised");
    }

    function test_isAuthorized_ownerAlways() public view {
        assertTrue(vault.isAuthorized(ALICE, ALICE), "owner");
        assertFalse(vault.isAuthorized(ALICE, BOB), "other");
    }

    function test_setOperator_revertsOnZeroOperator() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        vm.prank(ALICE);
        vault.setOperator(address(0), true);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Listing and updating collateral
    // ------------------------------------------------------------------------------------------------------------

    function test_listCollateral_storesConfigAndEmits() public {
        MockERC20 wbtc = new MockERC20("Wrapped Bitcoin", "WBTC", 8);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.CollateralListed(address(wbtc), 8, 0.9e18, address(ethRouter));
        vm.prank(ADMIN);
        vault.listCollateral(address(wbtc), 0.9e18, ethRouter);
        IVault.CollateralConfig memory config = vault.collateralConfig(address(wbtc));
        assertTrue(config.listed, "listed");
        assertTrue(config.depositsEnabled, "deposits enabled");
        assertEq(config.decimals, 8, "decimals");
        assertEq(config.haircutWad, 0.9e18, "haircut at the maximum");
        assertEq(address(config.router), address(ethRouter), "router");
        address[] memory listed = vault.collaterals();
        assertEq(listed[listed.length - 1], address(wbtc), "appended");
    }

    function test_listCollateral_revertsForNonAdmin() public {
        MockERC20 token = new MockERC20("T", "T", 18);
        bytes32 role = vault.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, role)
        );
        vm.prank(STRANGER);
        vault.listCollateral(address(token), 0, ethRouter);
    }

    function test_listCollateral_revertsOnZeroToken() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        vm.prank(ADMIN);
        vault.listCollateral(address(0), 0, ethRouter);
    }

    function test_listCollateral_revertsWhenAlreadyListed() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_CollateralAlreadyListed.selector, address(weth)));
        vm.prank(ADMIN);
        vault.listCollateral(address(weth), WETH_HAIRCUT, ethRouter);
    }

    function test_listCollateral_revertsForQuoteAsset() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_CollateralAlreadyListed.selector, address(usdc)));
        vm.prank(ADMIN);
        vault.listCollateral(address(usdc), 0, IOracleRouter(address(0)));
    }

    function test_listCollateral_revertsOnHaircutAboveMax() public {
        MockERC20 token = new MockERC20("T", "T", 18);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_InvalidHaircut.selector, address(token), 0.9e18 + 1));
        vm.prank(ADMIN);
        vault.listCollateral(address(token), 0.9e18 + 1, ethRouter);
    }

    function test_listCollateral_revertsWithoutRouter() public {
        MockERC20 token = new MockERC20("T", "T", 18);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_MissingRouter.selector, address(token)));
        vm.prank(ADMIN);
        vault.listCollateral(address(token), 0, IOracleRouter(address(0)));
    }

    function test_listCollateral_revertsWithRouterWithoutCode() public {
        MockERC20 token = new MockERC20("T", "T", 18);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_MissingRouter.selector, address(token)));
        vm.prank(ADMIN);
        vault.listCollateral(address(token), 0, IOracleRouter(STRANGER));
    }

    function test_updateCollateral_revertsWithRouterWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_MissingRouter.selector, address(weth)));
        vm.prank(ADMIN);
        vault.updateCollateral(address(weth), true, WETH_HAIRCUT, IOracleRouter(STRANGER));
    }

    function test_listCollateral_revertsOnTooManyDecimals() public {
        MockERC20 token = new MockERC20("T", "T", 19);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_UnsupportedDecimals.selector, address(token), 19));
        vm.prank(ADMIN);
        vault.listCollateral(address(token), 0, ethRouter);
    }

    function test_listCollateral_revertsOnUnreadableDecimals() public {
        RevertingDecimalsERC20 token = new RevertingDecimalsERC20();
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_UnsupportedDecimals.selector, address(token), 255));
        vm.prank(ADMIN);
        vault.listCollateral(address(token), 0, ethRouter);
    }

    function test_listCollateral_revertsForAddressWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_UnsupportedDecimals.selector, STRANGER, 255));
        vm.prank(ADMIN);
        vault.listCollateral(STRANGER, 0, ethRouter);
    }

    function test_listCollateral_revertsBeyondMaxCollaterals() public {
        vm.startPrank(ADMIN);
        // Three are listed in setUp; five more reach the maximum of eight.
        for (uint256 i; i < 5; ++i) {
            vault.listCollateral(address(new MockERC20("T", "T", 18)), 0, ethRouter);
        }
        assertEq(vault.collaterals().length, 8, "at the maximum");
        MockERC20 ninth = new MockERC20("T", "T", 18);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_TooManyCollaterals.selector, 8));
        vault.listCollateral(address(ninth), 0, ethRouter);
        vm.stopPrank();
    }

    function test_updateCollateral_changesConfigAndEmits() public {
        OracleRouter other = Deploy.oracleRouter(
            Feeds.adapter(primaryFeed),
            IPriceSource(address(0)),
            IPriceSource(address(0)),
            0,
            0
        );
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.CollateralUpdated(address(weth), false, 0.5e18, address(other));
        vm.prank(ADMIN);
        vault.updateCollateral(address(weth), false, 0.5e18, other);
        IVault.CollateralConfig memory config = vault.collateralConfig(address(weth));
        assertTrue(config.listed, "still listed");
        assertFalse(config.depositsEnabled, "deposits disabled");
        assertEq(config.decimals, 18, "decimals kept");
        assertEq(config.haircutWad, 0.5e18, "haircut");
        assertEq(address(config.router), address(other), "router");

        vm.prank(ADMIN);
        vault.updateCollateral(address(weth), true, 0.5e18, other);
        _deposit(ALICE, weth, 1e18);
        assertEq(vault.balanceOf(ALICE, address(weth)), 1e18, "deposits re-enabled");
    }

    function test_updateCollateral_quoteAssetMayOnlyToggleDeposits() public {
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.CollateralUpdated(address(usdc), false, 0, address(0));
        vm.prank(ADMIN);
        vault.updateCollateral(address(usdc), false, 0, IOracleRouter(address(0)));
        assertFalse(vault.collateralConfig(address(usdc)).depositsEnabled, "quote deposits disabled");
    }

    function test_updateCollateral_revertsForNonAdmin() public {
        bytes32 role = vault.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ALICE, role));
        vm.prank(ALICE);
        vault.updateCollateral(address(weth), false, WETH_HAIRCUT, ethRouter);
    }

    function test_updateCollateral_revertsForUnlistedToken() public {
        MockERC20 token = new MockERC20("T", "T", 18);
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_CollateralNotAccepted.selector, address(token)));
        vm.prank(ADMIN);
        vault.updateCollateral(address(token), true, 0, ethRouter);
    }

    function test_updateCollateral_revertsOnQuoteHaircut() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_InvalidHaircut.selector, address(usdc), 1));
        vm.prank(ADMIN);
        vault.updateCollateral(address(usdc), true, 1, IOracleRouter(address(0)));
    }

    function test_updateCollateral_revertsOnQuoteRouter() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_QuoteAssetRouter.selector, address(ethRouter)));
        vm.prank(ADMIN);
        vault.updateCollateral(address(usdc), true, 0, ethRouter);
    }

    function test_updateCollateral_revertsOnHaircutAboveMax() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_InvalidHaircut.selector, address(weth), 1e18));
        vm.prank(ADMIN);
        vault.updateCollateral(address(weth), true, 1e18, ethRouter);
    }

    function test_updateCollateral_revertsWithoutRouter() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_MissingRouter.selector, address(weth)));
        vm.prank(ADMIN);
        vault.updateCollateral(address(weth), true, WETH_HAIRCUT, IOracleRouter(address(0)));
    }

    function test_setMarginHook_replacesHookAndEmits() public {
        OpenPositionsMarginHook next = Deploy.marginHook(MockPositionCounter(address(0)));
        vm.expectEmit(true, true, true, true, address(vault));
        emit IVault.MarginHookSet(address(next));
        vm.prank(ADMIN);
        vault.setMarginHook(next);
        assertEq(address(vault.marginHook()), address(next), "hook replaced");

        // The old hook would have blocked this withdrawal; the new one (no position book) lets it through.
        _deposit(ALICE, usdc, 1e6);
        counter.setOpenPositionCount(ALICE, 1);
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(usdc), 1e6, ALICE);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 0, "withdrawn through the new hook");
    }

    function test_setMarginHook_revertsForNonAdmin() public {
        bytes32 role = vault.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, role)
        );
        vm.prank(STRANGER);
        vault.setMarginHook(hook);
    }

    function test_setMarginHook_revertsOnZeroHook() public {
        vm.expectRevert(abi.encodeWithSelector(IVault.Vault_ZeroAddress.selector));
        vm.prank(ADMIN);
        vault.setMarginHook(IMarginHook(address(0)));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Valuation
    // ------------------------------------------------------------------------------------------------------------

    function test_valueOf_quoteAssetAtPar() public view {
        assertEq(vault.valueOf(address(usdc), 1_234.5e6), 1_234.5e18, "6 decimals scaled to WAD at price 1");
        assertEq(vault.valueOf(address(usdc), 1), 1e12, "one unit");
    }

    function test_valueOf_appliesPriceAndHaircut() public view {
        // 2 WETH at 3000 with a 20% haircut.
        assertEq(vault.valueOf(address(weth), 2e18), 4_800e18, "weth");
        // 1 FOT at 3000 with a 50% haircut.
        assertEq(vault.valueOf(address(fot), 1e18), 1_500e18, "fot");
    }

    function test_valueOf_roundsDown() public {
        // 3000.00000001 per WETH: one wei is worth 3000.00000001e-18 WAD, i.e. 3000 after rounding down.
        primaryFeed.updateAnswer(3000_00000001);
        secondaryFeed.updateAnswer(3000_00000001);
        assertEq(vault.valueOf(address(weth), 1), 2_400, "1 wei: floor(3000.00000001) * 0.8");
        // 3 wei at 0.5 haircut on FOT: floor(floor(9000.00000003) * 0.5) = 4500.
        assertEq(vault.valueOf(address(fot), 3), 4_500, "haircut rounded down");
        // A tiny price, 0.00000001 (1e10 WAD): amounts worth less than one WAD unit round to zero.
        primaryFeed.updateAnswer(1);
        secondaryFeed.updateAnswer(1);
        assertEq(vault.valueOf(address(weth), 1e8 - 1), 0, "below one WAD unit rounds to zero");
        assertEq(vault.valueOf(address(weth), 1e8), 0, "1 WAD unit times 0.8 rounds to zero");
        assertEq(vault.valueOf(address(weth), 5e8 - 1), 3, "floor(floor(4.99..) * 0.8) = 3");
    }

    function test_valueOf_unlistedTokenIsWorthNothing() public {
        MockERC20 other = new MockERC20("Other", "OTH", 18);
        assertEq(vault.valueOf(address(other), 1e18), 0, "unlisted");
    }

    function test_collateralValue_sumsEveryToken() public {
        _deposit(ALICE, usdc, 1_000e6);
        _deposit(ALICE, weth, 2e18);
        vm.prank(ALICE);
        uint256 credited = vault.deposit(ALICE, address(fot), 1e18);
        assertEq(credited, 0.99e18, "fot credited");
        // 1000 + 2 * 3000 * 0.8 + 0.99 * 3000 * 0.5
        assertEq(vault.collateralValue(ALICE), 1_000e18 + 4_800e18 + 1_485e18, "sum");
        assertEq(vault.collateralValue(BOB), 0, "empty account");
    }

    function test_collateralValue_degradedOracleUsesPrimaryPrice() public {
        _deposit(ALICE, usdc, 1_000e6);
        _deposit(ALICE, weth, 2e18);
        // Sources 10% apart with a 2% tolerance: the router reports Degraded with the primary's price.
        primaryFeed.updateAnswer(2_500e8);
        secondaryFeed.updateAnswer(2_750e8);
        (uint256 price, Health health) = ethRouter.spot();
        assertTrue(health == Health.Degraded, "degraded");
        assertEq(price, 2_500e18, "primary price");
        assertEq(vault.valueOf(address(weth), 1e18), 2_000e18, "2500 * 0.8");
        assertEq(vault.collateralValue(ALICE), 1_000e18 + 4_000e18, "degraded price used as is");
    }

    function test_collateralValue_degradedWhenOneSourceIsStale() public {
        _deposit(ALICE, weth, 1e18);
        vm.warp(T0 + Feeds.HEARTBEAT + Feeds.SLACK + 1);
        secondaryFeed.updateAnswer(3_100e8);
        (, Health health) = ethRouter.spot();
        assertTrue(health == Health.Degraded, "degraded");
        assertEq(vault.collateralValue(ALICE), 2_480e18, "secondary price 3100 * 0.8");
    }

    function test_collateralValue_downOracleCountsAsZero() public {
        _deposit(ALICE, usdc, 1_000e6);
        _deposit(ALICE, weth, 2e18);
        vm.warp(T0 + Feeds.HEARTBEAT + Feeds.SLACK + 1);
        (uint256 price, Health health) = ethRouter.spot();
        assertTrue(health == Health.Down, "down");
        assertEq(price, 0, "no price");
        assertEq(vault.valueOf(address(weth), 2e18), 0, "weth worth nothing while down");
        assertEq(vault.collateralValue(ALICE), 1_000e18, "only the quote asset counts");

        primaryFeed.updateAnswer(ETH_USD_E8);
        secondaryFeed.updateAnswer(ETH_USD_E8);
        assertEq(vault.collateralValue(ALICE), 1_000e18 + 4_800e18, "counted again once fresh");
    }

    function test_collateralValue_nonPositiveAnswerCountsAsZero() public {
        _deposit(ALICE, weth, 2e18);
        primaryFeed.updateAnswer(0);
        secondaryFeed.updateAnswer(-1);
        assertEq(vault.collateralValue(ALICE), 0, "invalid answers: down");
    }

    function test_collateralValue_revertingRouterCountsAsZero() public {
        _deposit(ALICE, usdc, 1e6);
        _deposit(ALICE, weth, 1e18);
        // A router address that is no router at all (a token contract): spot() reverts, the view does not.
        vm.prank(ADMIN);
        vault.updateCollateral(address(weth), true, WETH_HAIRCUT, IOracleRouter(address(usdc)));
        assertEq(vault.valueOf(address(weth), 1e18), 0, "worthless");
        assertEq(vault.collateralValue(ALICE), 1e18, "quote still counted");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    function _fund(address account, MockERC20 token, uint256 amount) internal {
        token.mint(account, amount);
        vm.prank(account);
        token.approve(address(vault), type(uint256).max);
    }

    function _deposit(address account, MockERC20 token, uint256 amount) internal {
        vm.prank(account);
        vault.deposit(account, address(token), amount);
    }
}
