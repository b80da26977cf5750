// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {LiquidationMath} from "../liquidation/LiquidationMath.sol";

/// @notice Exposes `LiquidationMath` to the SDK's equality tests, one batch per function.
contract LiquidationMathHarness {
    struct Case {
        int256 equityWad;
        uint256 maintenanceWad;
        uint256 grossWad;
        int256 lostWad;
        uint256 startDiscountWad;
        uint256 maxDiscountWad;
        uint256 elapsed;
        uint256 ramp;
        uint256 bufferWad;
        uint256 smallAccountWad;
        uint256 fractionWad;
    }

    struct Result {
        uint256 discountWad;
        uint256 fundPaymentWad;
        uint256 maxFractionWad;
        bool allOrNothing;
        uint256 bidPaymentWad;
        uint256 takenWad;
    }

    /// @notice Every function of the library on each case, at the case's discount of the moment; the fund payment
    /// (deficit −equity, base gross) only for a negative equity, the fraction only for a non-negative one (the
    /// engine's branches).
    function batch(Case[] calldata cases) external pure returns (Result[] memory results) {
        results = new Result[](cases.length);
        for (uint256 i; i < cases.length; ++i) {
            Case calldata c = cases[i];
            Result memory r = results[i];
            r.discountWad = LiquidationMath.discountDown(c.startDiscountWad, c.maxDiscountWad, c.elapsed, c.ramp);
            if (c.equityWad < 0) {
                r.fundPaymentWad = LiquidationMath.fundPaymentDown(uint256(-c.equityWad), c.grossWad, r.discountWad);
            } else {
                (r.maxFractionWad, r.allOrNothing) = LiquidationMath.solventMaxFractionDown(
                    c.equityWad,
                    c.maintenanceWad,
                    c.grossWad,
                    c.lostWad,
                    c.bufferWad,
                    c.smallAccountWad
                );
            }
            r.bidPaymentWad = LiquidationMath.bidPaymentUp(c.grossWad, c.fractionWad, r.discountWad);
            r.takenWad = LiquidationMath.takenDown(c.maintenanceWad, c.fractionWad);
        }
    }
}
