// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {WAD} from "../libraries/Constants.sol";

/// @title LiquidationMath
/// @notice The pure arithmetic of Dutch-auction liquidations, WAD throughout. Every rounding favours the liquidated
/// account and the protocol over the bidder: discounts, fractions and fund payments round down, bidder payments up.
library LiquidationMath {
    /// @dev Equivalent to `start + (max − start) × min(elapsed, ramp) / ramp`, rounded down. `ramp` > 0.
    function discountDown(
        uint256 startWad,
        uint256 maxWad,
        uint256 elapsed,
        uint256 ramp
    ) internal pure returns (uint256) {
        if (elapsed >= ramp) return maxWad;
        return startWad + Math.mulDiv(maxWad - startWad, elapsed, ramp);
    }

    /// @dev What the insurance fund pays the bidder who takes over an insolvent account: its deficit at market
    /// plus `discount × base`, the discount rounded down by `discountDown` and the product rounded down.
    function fundPaymentDown(uint256 deficitWad, uint256 baseWad, uint256 discountWad) internal pure returns (uint256) {
        return deficitWad + Math.mulDiv(baseWad, discountWad, WAD);
    }

    /// @dev The largest fraction of a solvent account (market equity >= 0, margin equity E < maintenance MM) a bid
    /// may take. Taking f leaves margin equity E − f·L, where L = (haircut value of what is taken) − (what the
    /// bidder pays for it, market value × (1 − discount)) may be negative (a haircut above the discount), and
    /// maintenance (1 − f)·MM (requirements and marks are linear in the positions). The fraction that brings the
    /// account exactly to its buffer margin BM = MM × (1 + buffer) is f = (BM − E) / (BM − L), rounded down; it is
    /// at most 1 whenever E >= L. When E < L every partial sale would leave the account less healthy per unit of
    /// risk ((E − MM)/MM falls), so the bid must take everything (`allOrNothing`). Below `smallAccountWad` of gross
    /// market value a bid may take up to everything.
    function solventMaxFractionDown(
        int256 equityWad,
        uint256 maintenanceWad,
        uint256 grossWad,
        int256 lostWad,
        uint256 bufferWad,
        uint256 smallAccountWad
    ) internal pure returns (uint256 maxFractionWad, bool allOrNothing) {
        if (equityWad < lostWad) return (WAD, true);
        if (grossWad < smallAccountWad) return (WAD, false);
        int256 bufferMarginWad = SafeCast.toInt256(Math.mulDiv(maintenanceWad, WAD + bufferWad, WAD));
        if (bufferMarginWad <= equityWad) return (0, false);
        // BM > E >= L, so both differences are positive and the quotient is at most 1.
        maxFractionWad = Math.mulDiv(uint256(bufferMarginWad - equityWad), WAD, uint256(bufferMarginWad - lostWad));
        if (maxFractionWad > WAD) maxFractionWad = WAD;
    }

    /// @dev What a bidder pays for `fractionWad` of a solvent account: gross × f × (1 − discount), each step rounded
    /// up (the bidder pays the rounding).
    function bidPaymentUp(uint256 grossWad, uint256 fractionWad, uint256 discountWad) internal pure returns (uint256) {
        uint256 takenWad = Math.mulDiv(grossWad, fractionWad, WAD, Math.Rounding.Ceil);
        return Math.mulDiv(takenWad, WAD - discountWad, WAD, Math.Rounding.Ceil);
    }

    /// @dev `amount × fractionWad / 1e18` rounded down: what a bid takes of a position or a balance, the rounding
    /// staying with the liquidated account. Exactly `amount` for a full take.
    function takenDown(uint256 amount, uint256 fractionWad) internal pure returns (uint256) {
        return fractionWad == WAD ? amount : Math.mulDiv(amount, fractionWad, WAD);
    }
}
