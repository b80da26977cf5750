// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {WAD} from "../libraries/Constants.sol";
import {SeriesTerms} from "../libraries/SeriesTerms.sol";

/// @title StandardMarginLib
/// @notice The pure formulas of standard margin, kept apart from the engine so the SDK can mirror them line by line
/// (see `contracts/margin/README.md` for worked examples). Everything is WAD in the quote asset; sizes are signed
/// WAD (long > 0, short < 0). Every rounding makes the account look poorer: requirements and losses round up.
///
/// Naked short, per option (S spot, K strike, a >= b >= c fractions of spot, `mark` the short's mark):
///   OTM  = max(K - S, 0) for a call, max(S - K, 0) for a put
///   IM   = max(ceil(a S) - OTM, ceil(b S)) + mark
///   MM   = ceil(c S) + mark
/// and for a group, Σ over its shorts of |size| × IM (resp. MM), summed exactly in E36 and rounded up once.
///
/// Maximum loss of one expiry's payoff f(P) = Σ size_i × payoff_i(P) over settlement prices P >= 0. f is piecewise
/// linear with kinks only at the strikes; its slope is -Σ_puts size on [0, K_min] and grows by size_i when P
/// passes K_i (a call starts to pay, a put stops paying), so the slope beyond the highest strike is Σ_calls size.
///   - Σ_calls size < 0: f falls without bound as P grows; the loss is unbounded (`bounded` = false).
///   - otherwise the minimum of f lies at P = 0 or at a strike, and loss = max(0, -min(f(0), f(K_1), ..., f(K_n))).
/// f(0) = Σ_puts size × K; f at successive strikes follows from the slope, all exact in E36 (size × price), and the
/// loss is rounded up to E18 once at the end.
library StandardMarginLib {
    /// @notice `maxLoss` needs its legs sorted by strike, ascending; the leg at `index` breaks the order.
    error StandardMargin_UnsortedLegs(uint256 index);
    /// @notice The leg at `index` (or, for 2^8 legs or more, their count) lies outside `maxLoss`'s domain.
    error StandardMargin_LegOutOfRange(uint256 index);

    /// @dev Equivalent to ceil(ratio × S): a fraction of spot (a·S, b·S or c·S), rounded up.
    function fractionOfSpotUp(uint256 ratioWad, uint256 spotE18) internal pure returns (uint256) {
        return Math.mulDiv(ratioWad, spotE18, WAD, Math.Rounding.Ceil);
    }

    /// @dev Equivalent to max(aS − OTM, bS) + `shortMarkE18` (exact): the naked short initial requirement of one
    /// option, from `aSpotE18` = ceil(a·S) and `bSpotE18` = ceil(b·S). OTM is max(K − S, 0) for a call,
    /// max(S − K, 0) for a put. The maintenance requirement is simply ceil(c·S) + `shortMarkE18`.
    function nakedInitialPerUnit(
        uint256 aSpotE18,
        uint256 bSpotE18,
        uint256 spotE18,
        uint256 strikeE18,
        bool isCall,
        uint256 shortMarkE18
    ) internal pure returns (uint256) {
        uint256 otmE18 = isCall ? _positivePart(strikeE18, spotE18) : _positivePart(spotE18, strikeE18);
        return Math.max(_positivePart(aSpotE18, otmE18), bSpotE18) + shortMarkE18;
    }

    /// @dev Equivalent to min(`nakedE18`, `maxLossE18`) when the loss is bounded, else `nakedE18`: the requirement
    /// of one expiry group.
    function groupRequirement(uint256 nakedE18, uint256 maxLossE18, bool bounded) internal pure returns (uint256) {
        return bounded && maxLossE18 < nakedE18 ? maxLossE18 : nakedE18;
    }

    /// @dev Equivalent to ceil(max(0, −min over P ∈ {0} ∪ strikes of f(P)) / 1e18), the exact maximum loss at expiry
    /// of the legs `legs[start:end]`, and whether it is bounded (Σ call sizes >= 0; when it is not, `lossE18` is the
    /// loss over P in [0, highest strike] and means nothing on its own). A leg is a series' terms (`SeriesTerms`:
    /// its strike and call flag are read) whose tag indexes its signed size in `sizes`, as the engine's sorted
    /// positions carry them. Legs must be sorted by strike, ascending (equal strikes in any order), else reverts with
    /// `StandardMargin_UnsortedLegs(k − start)`. Domain: fewer than 2^8 legs, strikes below 2^120, sizes within
    /// int128 (the position book's range); else reverts with `StandardMargin_LegOutOfRange` (the leg's place
    /// k − start, or the count). Inside it nothing overflows (see the comments), so the sums run unchecked.
    function maxLoss(
        SeriesTerms[] memory legs,
        int256[] memory sizes,
        uint256 start,
        uint256 end
    ) internal pure returns (uint256 lossE18, bool bounded) {
        uint256 n = end - start;
        if (n >> 8 != 0) revert StandardMargin_LegOutOfRange(n);
        // f(0) = Σ_puts size × K (E36) and the slope on [0, K_min] = −Σ_puts size (E18).
        int256 valueE36;
        int256 slopeE18;
        // unchecked: within the domain |size × K| < 2^247 and |size| < 2^127, summed over fewer than 2^8 legs; k
        // stays below `end`.
        unchecked {
            for (uint256 k = start; k < end; ++k) {
                SeriesTerms leg = legs[k];
                int256 sizeE18 = sizes[leg.tag()];
                uint256 strikeE18 = leg.strikeE18();
                if (strikeE18 >> 120 != 0 || sizeE18 != int128(sizeE18)) revert StandardMargin_LegOutOfRange(k - start);
                if (!leg.isCall()) {
                    valueE36 += sizeE18 * int256(strikeE18);
                    slopeE18 -= sizeE18;
                }
            }
        }
        int256 minE36 = valueE36;
        uint256 previousE18;
        // unchecked: the slope is a sum of fewer than 2^8 sizes (|slope| < 2^135) and each step is below 2^120, so
        // |slope × step| < 2^255; the value after each step is f at a strike, |f(K)| <= Σ |size| × K < 2^255.
        unchecked {
            for (uint256 k = start; k < end; ++k) {
                SeriesTerms leg = legs[k];
                uint256 strikeE18 = leg.strikeE18();
                if (strikeE18 < previousE18) revert StandardMargin_UnsortedLegs(k - start);
                // Walk to this strike along the current slope, then bend the slope by this leg's size.
                valueE36 += slopeE18 * int256(strikeE18 - previousE18);
                if (valueE36 < minE36) minE36 = valueE36;
                slopeE18 += sizes[leg.tag()];
                previousE18 = strikeE18;
            }
        }
        bounded = slopeE18 >= 0;
        // Rounded up (in the protocol's favour). |minE36| < 2^255, so the negation is exact.
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
