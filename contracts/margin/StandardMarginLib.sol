// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {WAD} from "../libraries/Constants.sol";
import {SeriesTerms, SeriesTermsLib} from "../libraries/SeriesTerms.sol";

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

    /// @dev Equivalent to ceil(ratio × S): a fraction of spot (a·S, b·S or c·S), rounded up. The product is taken
    /// in 256 bits (it reverts only from 2^256, far beyond any ratio and price the oracles produce).
    function fractionOfSpotUp(uint256 ratioWad, uint256 spotE18) internal pure returns (uint256) {
        return Math.ceilDiv(ratioWad * spotE18, WAD);
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
        uint256 reducedE18;
        // unchecked: each difference is taken only when it is positive.
        unchecked {
            uint256 otmE18 = isCall
                ? (strikeE18 > spotE18 ? strikeE18 - spotE18 : 0)
                : (spotE18 > strikeE18 ? spotE18 - strikeE18 : 0);
            reducedE18 = aSpotE18 > otmE18 ? aSpotE18 - otmE18 : 0;
        }
        return (reducedE18 > bSpotE18 ? reducedE18 : bSpotE18) + shortMarkE18;
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
    /// k − start, or the count; a tag outside `sizes` is out of range too, and so is a slice beyond `legs`, reported
    /// as `end`). Inside the domain nothing overflows (see the comments), so the loops run in plain assembly.
    function maxLoss(
        SeriesTerms[] memory legs,
        int256[] memory sizes,
        uint256 start,
        uint256 end
    ) internal pure returns (uint256 lossE18, bool bounded) {
        if (end > legs.length || start > end) revert StandardMargin_LegOutOfRange(end);
        if ((end - start) >> 8 != 0) revert StandardMargin_LegOutOfRange(end - start);
        // Word pointers: legs[start] is at `first` + 32, legs[end − 1] at `last`.
        uint256 first;
        uint256 last;
        assembly ("memory-safe") {
            first := add(legs, shl(5, start))
            last := add(legs, shl(5, end))
        }
        (int256 valueE36, int256 slopeE18, uint256 outOfRange) = _putSums(first, last, sizes);
        if (outOfRange != 0) revert StandardMargin_LegOutOfRange(outOfRange - 1);
        int256 minE36;
        uint256 unsorted;
        (minE36, slopeE18, unsorted) = _walkStrikes(first, last, sizes, valueE36, slopeE18);
        if (unsorted != 0) revert StandardMargin_UnsortedLegs(unsorted - 1);
        bounded = slopeE18 >= 0;
        // Rounded up (in the protocol's favour). |minE36| < 2^255, so the negation is exact.
        if (minE36 < 0) lossE18 = Math.ceilDiv(uint256(-minE36), WAD);
    }

    /// @dev f(0) = Σ_puts size × K (E36) and the slope on [0, K_min], −Σ_puts size (E18), over the legs whose words
    /// lie in (`first`, `last`]; `outOfRange` is 1 + the place of the first leg outside the domain (a strike from
    /// 2^120, a size outside int128, a tag outside `sizes`), 0 when none is. Within the domain |size × K| < 2^247
    /// and |size| < 2^127, summed over fewer than 2^8 legs: nothing overflows, so the loop runs in plain assembly
    /// (each word read once, its fields taken as `SeriesTermsLib`'s getters take them).
    function _putSums(
        uint256 first,
        uint256 last,
        int256[] memory sizes
    ) private pure returns (int256 valueE36, int256 slopeE18, uint256 outOfRange) {
        uint256 strikeShift = SeriesTermsLib.STRIKE_SHIFT;
        uint256 tagMask = SeriesTermsLib.TAG_MASK;
        assembly ("memory-safe") {
            for {
                let word := first
            } lt(word, last) {} {
                word := add(word, 0x20)
                let terms := mload(word)
                if iszero(lt(and(terms, tagMask), mload(sizes))) {
                    outOfRange := shr(5, sub(word, first))
                    break
                }
                let sizeE18 := mload(add(add(sizes, 0x20), shl(5, and(terms, tagMask))))
                let strikeE18 := and(shr(strikeShift, terms), 0xffffffffffffffffffffffffffffffff)
                if or(shr(120, strikeE18), iszero(eq(sizeE18, signextend(15, sizeE18)))) {
                    outOfRange := shr(5, sub(word, first))
                    break
                }
                // A put (the call bit, just above the tag, is clear).
                if iszero(and(terms, add(tagMask, 1))) {
                    valueE36 := add(valueE36, mul(sizeE18, strikeE18))
                    slopeE18 := sub(slopeE18, sizeE18)
                }
            }
        }
    }

    /// @dev The minimum of f over 0 and the strikes of the legs whose words lie in (`first`, `last`], walking up from
    /// f(0) = `valueE36` with slope `slopeE18`, and the slope beyond the highest strike (Σ_calls size); `unsorted` is
    /// 1 + the place of the first leg whose strike is below its predecessor's, 0 when none is. The legs passed
    /// `_putSums`: the slope is a sum of fewer than 2^8 sizes (|slope| < 2^135) and each step is below 2^120, so
    /// |slope × step| < 2^255, and the value after each step is f at a strike, |f(K)| <= Σ |size| × K < 2^255: nothing
    /// overflows, so the loop runs in plain assembly.
    function _walkStrikes(
        uint256 first,
        uint256 last,
        int256[] memory sizes,
        int256 valueE36,
        int256 slopeE18
    ) private pure returns (int256 minE36, int256 endSlopeE18, uint256 unsorted) {
        uint256 strikeShift = SeriesTermsLib.STRIKE_SHIFT;
        uint256 tagMask = SeriesTermsLib.TAG_MASK;
        assembly ("memory-safe") {
            minE36 := valueE36
            let previousE18 := 0
            for {
                let word := first
            } lt(word, last) {} {
                word := add(word, 0x20)
                let terms := mload(word)
                let strikeE18 := and(shr(strikeShift, terms), 0xffffffffffffffffffffffffffffffff)
                if lt(strikeE18, previousE18) {
                    unsorted := shr(5, sub(word, first))
                    break
                }
                // Walk to this strike along the current slope, then bend the slope by this leg's size.
                valueE36 := add(valueE36, mul(slopeE18, sub(strikeE18, previousE18)))
                if slt(valueE36, minE36) {
                    minE36 := valueE36
                }
                slopeE18 := add(slopeE18, mload(add(add(sizes, 0x20), shl(5, and(terms, tagMask)))))
                previousE18 := strikeE18
            }
            endSlopeE18 := slopeE18
        }
    }
}
