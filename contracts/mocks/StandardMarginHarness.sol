// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {StandardMarginLib} from "../margin/StandardMarginLib.sol";

/// @notice Exposes `StandardMarginLib` to the SDK's equality tests; `maxLossBatch` evaluates many leg sets in one
/// call and reports each one's revert data instead of reverting the batch.
contract StandardMarginHarness {
    /// @notice `maxLoss` of each leg set, or the revert data it produced (empty when it returned).
    function maxLossBatch(
        StandardMarginLib.Leg[][] calldata legSets
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

    function maxLoss(StandardMarginLib.Leg[] memory legs) external pure returns (uint256 lossE18, bool bounded) {
        return StandardMarginLib.maxLoss(legs);
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
