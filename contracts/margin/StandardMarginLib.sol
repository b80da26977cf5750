// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title StandardMarginLib
/// @notice The pure formulas of standard margin, kept apart from the engine so the SDK can mirror them line by line
/// (see `contracts/margin/README.md` for worked examples). Everything is WAD in the quote asset; sizes are signed
/// WAD (long > 0, short < 0). Every rounding makes the account look poorer: requirements and losses round up.
///
/// Naked short, per option (S spot, K strike, a >= b >= c fractions of spot, `mark` the short's mark):
///   OTM  = max(K - S, 0) for a call, max(S - K, 0) for a put
///   IM   = max(ceil(a S) - OTM, ceil(b S)) + mark
///   MM   = ceil(c S) + mark
///
/// Maximum loss of one expiry's payoff f(P) = Σ size_i × payoff_i(P) over settlement prices P >= 0. f is piecewise
/// linear with kinks only at the strikes; its slope is -Σ_puts size on [0, K_min] and grows by size_i when P
/// passes K_i (a call starts to pay, a put stops paying), so the slope beyond the highest strike is Σ_calls size.
///   - Σ_calls size < 0: f falls without bound as P grows; the loss is unbounded (`bounded` = false).
///   - otherwise the minimum of f lies at P = 0 or at a strike, and loss = max(0, -min(f(0), f(K_1), ..., f(K_n))).
/// f(0) = Σ_puts size × K; f at successive strikes follows from the slope, all exact in E36 (size × price), and the
/// loss is rounded up to E18 once at the end.
library StandardMarginLib {
    /// @notice One position of an expiry group.
    /// @param strikeE18 The strike.
    /// @param sizeE18 The signed size: long > 0, short < 0.
    /// @param isCall Call (true) or put.
    struct Leg {
        uint256 strikeE18;
        int256 sizeE18;
        bool isCall;
    }

    /// @notice `maxLoss` needs its legs sorted by strike, ascending; the leg at `index` breaks the order.
    error StandardMargin_UnsortedLegs(uint256 index);

    uint256 internal constant WAD = 1e18;

    /// @dev Equivalent to max(ceil(a·S) − OTM, ceil(b·S)) + `shortMarkE18`: the naked short initial requirement of
    /// one option, rounded up. OTM is max(K − S, 0) for a call, max(S − K, 0) for a put.
    function nakedInitialPerUnitUp(
        uint256 spotE18,
        uint256 strikeE18,
        bool isCall,
        uint256 shortMarkE18,
        uint256 initialRatioWad,
        uint256 minInitialRatioWad
    ) internal pure returns (uint256) {
        uint256 otmE18 = isCall ? _positivePart(strikeE18, spotE18) : _positivePart(spotE18, strikeE18);
        // Rounded up (in the protocol's favour); OTM is exact.
        uint256 baseE18 = _positivePart(Math.mulDiv(initialRatioWad, spotE18, WAD, Math.Rounding.Ceil), otmE18);
        uint256 floorE18 = Math.mulDiv(minInitialRatioWad, spotE18, WAD, Math.Rounding.Ceil);
        return Math.max(baseE18, floorE18) + shortMarkE18;
    }

    /// @dev Equivalent to ceil(c·S) + `shortMarkE18`: the naked short maintenance requirement of one option.
    function nakedMaintenancePerUnitUp(
        uint256 spotE18,
        uint256 shortMarkE18,
        uint256 maintenanceRatioWad
    ) internal pure returns (uint256) {
        // Rounded up (in the protocol's favour).
        return Math.mulDiv(maintenanceRatioWad, spotE18, WAD, Math.Rounding.Ceil) + shortMarkE18;
    }

    /// @dev Equivalent to min(`nakedE18`, `maxLossE18`) when the loss is bounded, else `nakedE18`: the requirement
    /// of one expiry group.
    function groupRequirement(uint256 nakedE18, uint256 maxLossE18, bool bounded) internal pure returns (uint256) {
        return bounded && maxLossE18 < nakedE18 ? maxLossE18 : nakedE18;
    }

    /// @dev Equivalent to ceil(max(0, −min over P ∈ {0} ∪ strikes of f(P)) / 1e18), the exact maximum loss of the
    /// legs' payoff at expiry, and whether it is bounded (Σ call sizes >= 0; when it is not, `lossE18` is the loss
    /// over P in [0, highest strike] and means nothing on its own). Legs must be sorted by strike, ascending
    /// (equal strikes in any order), else reverts with `StandardMargin_UnsortedLegs`. Reverts on int256 overflow,
    /// which needs Σ |size| × strike above 5.7e76 (far beyond `MAX_AMOUNT` positions at any listed strike).
    function maxLoss(Leg[] memory legs) internal pure returns (uint256 lossE18, bool bounded) {
        uint256 n = legs.length;
        // f(0) = Σ_puts size × K (E36) and the slope on [0, K_min] = −Σ_puts size (E18).
        int256 valueE36;
        int256 slopeE18;
        for (uint256 i; i < n; ++i) {
            Leg memory leg = legs[i];
            if (!leg.isCall) {
                valueE36 += leg.sizeE18 * SafeCast.toInt256(leg.strikeE18);
                slopeE18 -= leg.sizeE18;
            }
        }
        int256 minE36 = valueE36;
        uint256 previousE18;
        for (uint256 i; i < n; ++i) {
            Leg memory leg = legs[i];
            uint256 strikeE18 = leg.strikeE18;
            if (strikeE18 < previousE18) revert StandardMargin_UnsortedLegs(i);
            uint256 stepE18;
            // unchecked: strikeE18 >= previousE18 was just checked.
            unchecked {
                stepE18 = strikeE18 - previousE18;
            }
            // Walk to this strike along the current slope, then bend the slope by this leg's size.
            valueE36 += slopeE18 * SafeCast.toInt256(stepE18);
            if (valueE36 < minE36) minE36 = valueE36;
            slopeE18 += leg.sizeE18;
            previousE18 = strikeE18;
        }
        bounded = slopeE18 >= 0;
        // Rounded up (in the protocol's favour).
        if (minE36 < 0) lossE18 = Math.ceilDiv(uint256(-minE36), WAD);
    }

    /// @dev Equivalent to max(x − y, 0).
    function _positivePart(uint256 x, uint256 y) private pure returns (uint256) {
        // unchecked: runs only when x > y.
        unchecked {
            return x > y ? x - y : 0;
        }
    }
}
