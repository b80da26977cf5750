// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IPauseGuard
/// @notice The protocol's emergency brake on new risk. A guardian pauses at once (globally or per underlying);
/// only governance (the timelock) unpauses. Pausing stops new risk only: listing series and opening positions.
/// Withdrawals of free collateral, closing and settlement never consult it.
interface IPauseGuard {
    /// @notice The requested pause state is already in force.
    error Pause_AlreadyInState(uint256 underlyingId, bool paused);
    /// @notice Underlying id 0 does not exist (ids start at 1; the global pause has its own functions).
    error Pause_InvalidUnderlying(uint256 underlyingId);
    /// @notice A zero address where the admin or the guardian is required.
    error Pause_ZeroAddress();

    /// @notice Everything was paused by `guardian`.
    event GlobalPaused(address indexed guardian);
    /// @notice The global pause was lifted by governance.
    event GlobalUnpaused(address indexed governor);
    /// @notice `underlyingId` was paused by `guardian`.
    event UnderlyingPaused(uint256 indexed underlyingId, address indexed guardian);
    /// @notice The pause of `underlyingId` was lifted by governance.
    event UnderlyingUnpaused(uint256 indexed underlyingId, address indexed governor);

    /// @notice The role allowed to pause.
    function GUARDIAN_ROLE() external view returns (bytes32);

    /// @notice Pauses new risk everywhere. Guardian only.
    function pauseAll() external;

    /// @notice Lifts the global pause. Governance (timelock) only.
    function unpauseAll() external;

    /// @notice Pauses new risk on one underlying. Guardian only.
    function pauseUnderlying(uint256 underlyingId) external;

    /// @notice Lifts the pause of one underlying. Governance (timelock) only.
    function unpauseUnderlying(uint256 underlyingId) external;

    /// @notice Whether new risk on `underlyingId` is paused (globally or for that underlying).
    function isPaused(uint256 underlyingId) external view returns (bool);

    /// @notice Whether the global pause is on.
    function globallyPaused() external view returns (bool);
}
