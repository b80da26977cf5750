// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title LiquidationMath
/// @notice The pure arithmetic of Dutch-auction liquidations, WAD throughout. Every rounding favours the liquidated
/// account and the protocol over the bidder: discounts, fractions and fund payments round down, bidder payments up.
library LiquidationMath {
    uint256 internal constant WAD = 1e18;

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

    /// @dev What the insurance fund pays the bidder of an insolvent account (equity < 0):
    /// `(|equity| + maxDiscount × max(gross, 0)) × min(elapsed, ramp) / ramp`, each step rounded down. `ramp` > 0.
    function fundPaymentDown(
        int256 equityWad,
        uint256 grossWad,
        uint256 maxDiscountWad,
        uint256 elapsed,
        uint256 ramp
    ) internal pure returns (uint256) {
        // equity < 0 here, and it is the difference of two int256 values that fit, so its negation fits.
        uint256 full = uint256(-equityWad) + Math.mulDiv(grossWad, maxDiscountWad, WAD);
        if (elapsed >= ramp) return full;
        return Math.mulDiv(full, elapsed, ramp);
    }

    /// @dev The largest fraction of a solvent account (0 <= equity < maintenance) a bid may take. Taking f at
    /// discount d leaves equity E − f·G·d and maintenance (1 − f)·MM (requirements and marks are linear in the
    /// positions), so the fraction that brings the account exactly to its buffer margin BM = MM × (1 + buffer) is
    /// f = (BM − E) / (BM − G·d), rounded down, and it is at most 1 whenever E >= G·d.
    /// When E < G·d every partial sale would leave the account less healthy per unit of risk ((E − MM)/MM falls),
    /// so the bid must take everything (`allOrNothing`). Below `smallAccountWad` of gross value a bid may take up to
    /// everything.
    function solventMaxFractionDown(
        uint256 equityWad,
        uint256 maintenanceWad,
        uint256 grossWad,
        uint256 discountWad,
        uint256 bufferWad,
        uint256 smallAccountWad
    ) internal pure returns (uint256 maxFractionWad, bool allOrNothing) {
        if (equityWad * WAD < grossWad * discountWad) return (WAD, true);
        if (grossWad < smallAccountWad) return (WAD, false);
        uint256 bufferMarginWad = Math.mulDiv(maintenanceWad, WAD + bufferWad, WAD);
        uint256 lostWad = Math.mulDiv(grossWad, discountWad, WAD);
        // E < MM <= BM, and E >= G·d >= lostWad, so BM > lostWad and the quotient is at most 1.
        if (bufferMarginWad <= equityWad) return (0, false);
        maxFractionWad = Math.mulDiv(bufferMarginWad - equityWad, WAD, bufferMarginWad - lostWad);
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
