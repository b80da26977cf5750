// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IPauseGuard} from "../interfaces/IPauseGuard.sol";

/// @title PauseGuard
/// @notice The emergency brake on new risk: the guardian pauses at once, governance (the timelock, holding
/// `DEFAULT_ADMIN_ROLE`) unpauses.
contract PauseGuard is IPauseGuard, AccessControl {
    /// @inheritdoc IPauseGuard
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @inheritdoc IPauseGuard
    bool public globallyPaused;

    mapping(uint256 underlyingId => bool) internal _underlyingPaused;

    /// @param admin Governance (the timelock): unpauses and manages roles.
    /// @param guardian The first holder of `GUARDIAN_ROLE`.
    constructor(address admin, address guardian) {
        if (admin == address(0) || guardian == address(0)) revert Pause_ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GUARDIAN_ROLE, guardian);
    }

    /// @inheritdoc IPauseGuard
    function pauseAll() external onlyRole(GUARDIAN_ROLE) {
        if (globallyPaused) revert Pause_AlreadyInState(0, true);
        globallyPaused = true;
        emit GlobalPaused(msg.sender);
    }

    /// @inheritdoc IPauseGuard
    function unpauseAll() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!globallyPaused) revert Pause_AlreadyInState(0, false);
        globallyPaused = false;
        emit GlobalUnpaused(msg.sender);
    }

    /// @inheritdoc IPauseGuard
    function pauseUnderlying(uint256 underlyingId) external onlyRole(GUARDIAN_ROLE) {
        if (underlyingId == 0) revert Pause_InvalidUnderlying(0);
        if (_underlyingPaused[underlyingId]) revert Pause_AlreadyInState(underlyingId, true);
        _underlyingPaused[underlyingId] = true;
        emit UnderlyingPaused(underlyingId, msg.sender);
    }

    /// @inheritdoc IPauseGuard
    function unpauseUnderlying(uint256 underlyingId) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (underlyingId == 0) revert Pause_InvalidUnderlying(0);
        if (!_underlyingPaused[underlyingId]) revert Pause_AlreadyInState(underlyingId, false);
        _underlyingPaused[underlyingId] = false;
        emit UnderlyingUnpaused(underlyingId, msg.sender);
    }

    /// @inheritdoc IPauseGuard
    function isPaused(uint256 underlyingId) external view returns (bool) {
        return globallyPaused || _underlyingPaused[underlyingId];
    }
}
