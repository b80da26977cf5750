// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IVault} from "../../contracts/interfaces/IVault.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice `Vault.collateralMarketValue`: the market read beside the haircut one (issue 8, finding 6).
contract VaultMarketValueTest is ProtocolFixture {
    function setUp() public override {
        super.setUp();
        _deposit(ALICE, 1_000e6);
        _depositWeth(ALICE, 2e18);
    }

    function test_collateralMarketValue_marketBesideHaircutOnOkPrices() public view {
        IVault.MarketValue memory v = vault.collateralMarketValue(ALICE);
        assertEq(v.okWad, 1_000e18 + 2 * 3_000e18, "quote + WETH at market");
        assertEq(v.okHaircutWad, 1_000e18 + (2 * 3_000e18 * 8) / 10, "quote + WETH at haircut");
        assertEq(v.okHaircutWad + v.unhealthyHaircutWad, vault.collateralValue(ALICE), "splits collateralValue");
        assertEq(v.unhealthyWad, 0, "nothing unhealthy");
        assertFalse(v.downHeld, "nothing Down");
    }

    function test_collateralMarketValue_downCollateralIsUnknownNotValued() public {
        vm.warp(block.timestamp + 1 hours + 10 minutes + 1);
        IVault.MarketValue memory v = vault.collateralMarketValue(ALICE);
        assertEq(v.okWad, 1_000e18, "quote only");
        assertEq(v.okHaircutWad, 1_000e18, "quote only at haircut");
        assertEq(v.unhealthyWad, 0, "Down is worth 0");
        assertTrue(v.downHeld, "Down collateral held");
        assertEq(v.okHaircutWad + v.unhealthyHaircutWad, vault.collateralValue(ALICE), "splits collateralValue");
    }
}
