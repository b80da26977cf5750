// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IInsuranceFund} from "../../contracts/interfaces/IInsuranceFund.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {LiquidationFixture} from "./LiquidationFixture.sol";
import {Deploy} from "../utils/Deploy.sol";

contract InsuranceFundTest is LiquidationFixture {
    address internal constant TREASURY = address(0x7EA5);

    function test_constructor_andEngineSetOnce() public {
        assertEq(address(fund.vault()), address(vault), "vault");
        assertEq(fund.quoteAsset(), address(usdc), "quote");
        assertEq(fund.liquidationEngine(), address(engine), "engine");
        assertTrue(fund.hasRole(fund.DEFAULT_ADMIN_ROLE(), ADMIN), "admin");

        vm.expectRevert(IInsuranceFund.Insurance_InvalidInput.selector);
        Deploy.insuranceFund(address(0), vault, address(0));
        vm.expectRevert(IInsuranceFund.Insurance_InvalidInput.selector);
        Deploy.insuranceFund(ADMIN, IVault(address(0)), address(0));

        InsuranceFund direct = Deploy.insuranceFund(ADMIN, vault, address(engine));
        assertEq(direct.liquidationEngine(), address(engine), "set in the constructor");
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.Insurance_EngineAlreadySet.selector, address(engine)));
        vm.prank(ADMIN);
        fund.setLiquidationEngine(KEEPER);
        InsuranceFund later = Deploy.insuranceFund(ADMIN, vault, address(0));
        vm.expectRevert(IInsuranceFund.Insurance_InvalidInput.selector);
        vm.prank(ADMIN);
        later.setLiquidationEngine(address(0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                KEEPER,
                later.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(KEEPER);
        later.setLiquidationEngine(KEEPER);
        vm.expectEmit(true, true, true, true, address(later));
        emit IInsuranceFund.LiquidationEngineSet(address(engine));
        vm.prank(ADMIN);
        later.setLiquidationEngine(address(engine));
    }

    function test_pay_engineOnlyAsFarAsTheBalanceGoes() public {
        _fundInsurance(1_000e6);
        assertEq(fund.balance(), 1_000e6, "balance");
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.Insurance_Unauthorized.selector, KEEPER));
        vm.prank(KEEPER);
        fund.pay(KEEPER, 1);
        vm.expectRevert(IInsuranceFund.Insurance_InvalidInput.selector);
        vm.prank(address(engine));
        fund.pay(address(0), 1);

        vm.expectEmit(true, true, true, true, address(fund));
        emit IInsuranceFund.InsurancePaid(BIDDER, 400e6);
        vm.prank(address(engine));
        assertEq(fund.pay(BIDDER, 400e6), 400e6, "paid in full");
        vm.prank(address(engine));
        assertEq(fund.pay(BIDDER, 1_000e6), 600e6, "paid what is left");
        vm.prank(address(engine));
        assertEq(fund.pay(BIDDER, 1), 0, "empty: pays nothing, no revert");
        assertEq(fund.balance(), 0, "emptied");
    }

    function test_withdrawSurplus_aboveFloorThroughGovernance() public {
        _fundInsurance(1_000e6);
        vm.expectEmit(true, true, true, true, address(fund));
        emit IInsuranceFund.FloorSet(600e6);
        vm.prank(ADMIN);
        fund.setFloor(600e6);
        assertEq(fund.floor(), 600e6, "floor");

        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.Insurance_BelowFloor.selector, 1_000e6, 401e6, 600e6));
        vm.prank(ADMIN);
        fund.withdrawSurplus(TREASURY, 401e6);
        vm.expectRevert(abi.encodeWithSelector(IInsuranceFund.Insurance_BelowFloor.selector, 1_000e6, 2_000e6, 600e6));
        vm.prank(ADMIN);
        fund.withdrawSurplus(TREASURY, 2_000e6);
        vm.expectRevert(IInsuranceFund.Insurance_InvalidInput.selector);
        vm.prank(ADMIN);
        fund.withdrawSurplus(TREASURY, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                KEEPER,
                fund.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(KEEPER);
        fund.withdrawSurplus(KEEPER, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                KEEPER,
                fund.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(KEEPER);
        fund.setFloor(0);

        vm.expectEmit(true, true, true, true, address(fund));
        emit IInsuranceFund.SurplusWithdrawn(TREASURY, 400e6);
        vm.prank(ADMIN);
        fund.withdrawSurplus(TREASURY, 400e6);
        assertEq(fund.balance(), 600e6, "floor kept");
        assertEq(_balance(TREASURY), 400e6, "to the treasury's vault account");
    }

    function test_withdrawCollateral_nonQuoteThroughGovernanceOnly() public {
        _depositWeth(address(fund), 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                KEEPER,
                fund.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(KEEPER);
        fund.withdrawCollateral(address(weth), TREASURY, 1e18);
        _fundInsurance(1_000e6);
        vm.expectRevert(IInsuranceFund.Insurance_InvalidInput.selector);
        vm.prank(ADMIN);
        fund.withdrawCollateral(address(usdc), TREASURY, 1e6);

        vm.expectEmit(true, true, true, true, address(fund));
        emit IInsuranceFund.CollateralWithdrawn(address(weth), TREASURY, 0.4e18);
        vm.prank(ADMIN);
        fund.withdrawCollateral(address(weth), TREASURY, 0.4e18);
        assertEq(vault.balanceOf(TREASURY, address(weth)), 0.4e18, "moved");
        assertEq(vault.balanceOf(address(fund), address(weth)), 0.6e18, "rest stays");
    }

    function test_receivesExchangeFeesWhenWiredAsInsuranceAccount() public {
        vm.prank(ADMIN);
        exchange.setFeeRecipients(FEE_RECIPIENT, address(fund));
        assertEq(exchange.insuranceFund(), address(fund), "wired");
    }
}
