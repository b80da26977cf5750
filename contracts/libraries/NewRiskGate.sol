// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPauseGuard} from "../interfaces/IPauseGuard.sol";
import {IRiskController} from "../interfaces/IRiskController.sol";

/// @title NewRiskGate
/// @notice The one rule that decides whether new risk may be taken on an underlying, or whether it is reduce-only:
/// new risk is allowed unless the guardian paused the underlying (or everything) or the risk controller disallows
/// it (stale, disagreeing or sequencer-gated prices). The exchange (fills that add risk) and the series registry
/// (listing) both ask it, and each reverts with its own error naming its site.
library NewRiskGate {
    /// @notice Whether new risk on `underlyingId` is allowed now.
    /// @dev Equivalent to `!pauseGuard.isPaused(underlyingId) && riskController.allowsNewRisk(underlyingId)`; the
    /// pause is read first, and the risk controller (which reads the oracle) only when not paused. A zero risk
    /// controller (the registry's, until governance sets it once) leaves the pause guard alone to decide.
    function allowsNewRisk(
        IPauseGuard pauseGuard,
        IRiskController riskController,
        uint256 underlyingId
    ) internal view returns (bool) {
        if (pauseGuard.isPaused(underlyingId)) return false;
        return address(riskController) == address(0) || riskController.allowsNewRisk(underlyingId);
    }
}
