// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {StandardMarginLib} from "../margin/StandardMarginLib.sol";
import {SeriesTerms, SeriesTermsLib} from "../libraries/SeriesTerms.sol";

/// @notice Exposes `StandardMarginLib` to the SDK's equality tests and the Solidity unit tests; `maxLossBatch`
/// evaluates many leg sets in one call and reports each one's revert data instead of reverting the batch.
contract StandardMarginHarness {
    /// @notice One position of an expiry group, as the tests write it.
    /// @param strikeE18 The strike.
    /// @param sizeE18 The signed size: long > 0, short < 0.
    /// @param isCall Call (true) or put.
    struct Leg {
        uint256 strikeE18;
        int256 sizeE18;
        bool isCall;
    }

    /// @notice `maxLoss` of each leg set, or the revert data it produced (empty when it returned).
    function maxLossBatch(
        Leg[][] calldata legSets
    ) external view returns (uint256[] memory losses, bool[] memory bounded, bytes[] memory reverts) {
        uint256 n = legSets.length;
        losses = new uint256[](n);
        bounded = new bool[](n);
        reverts = new bytes[](n);
        for (uint256 i; i < n; ++i) {
            try this.maxLoss(legSets[i]) returns (uint256 loss, bool isBounded) {
                (losses[i], bounded[i]) = (loss, isBounded);
            } catch (bytes memory data) {
                reverts[i] = data;
            }
        }
    }

    /// @notice `maxLoss` of `legs`, passed as the engine passes them: each leg's terms tagged with the index of its
    /// size. A strike too wide for the terms word (2^128 or more) is outside `maxLoss`'s domain (below 2^120)
    /// anyway and reverts as the library would.
    function maxLoss(Leg[] memory legs) external pure returns (uint256 lossE18, bool bounded) {
        uint256 n = legs.length;
        SeriesTerms[] memory terms = new SeriesTerms[](n);
        int256[] memory sizes = new int256[](n);
        for (uint256 i; i < n; ++i) {
            Leg memory leg = legs[i];
            if (leg.strikeE18 >> 128 != 0) revert StandardMarginLib.StandardMargin_LegOutOfRange(i);
            terms[i] = SeriesTermsLib.pack(0, 0, leg.strikeE18, leg.isCall).withTag(i);
            sizes[i] = leg.sizeE18;
        }
        return StandardMarginLib.maxLoss(terms, sizes, 0, n);
    }

    function fractionOfSpotUp(uint256 ratioWad, uint256 spotE18) external pure returns (uint256) {
        return StandardMarginLib.fractionOfSpotUp(ratioWad, spotE18);
    }

    function nakedInitialPerUnit(
        uint256 aSpotE18,
        uint256 bSpotE18,
        uint256 spotE18,
        uint256 strikeE18,
        bool isCall,
        uint256 shortMarkE18
    ) external pure returns (uint256) {
        return StandardMarginLib.nakedInitialPerUnit(aSpotE18, bSpotE18, spotE18, strikeE18, isCall, shortMarkE18);
    }
}
