// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title MemoryArrays
/// @notice Shortening memory arrays in place, for functions that allocate the worst-case length and fill a prefix.
library MemoryArrays {
    /// @notice Custom error: a trim may only shorten.
    error MemoryArrays_TrimTooLong(uint256 length, uint256 newLength);

    /// @notice Shortens `array` to its first `newLength` entries (the memory past them stays allocated, unused).
    function trim(uint256[] memory array, uint256 newLength) internal pure {
        if (newLength > array.length) revert MemoryArrays_TrimTooLong(array.length, newLength);
        assembly ("memory-safe") {
            mstore(array, newLength)
        }
    }

    /// @notice Shortens `array` to its first `newLength` entries.
    function trim(int256[] memory array, uint256 newLength) internal pure {
        if (newLength > array.length) revert MemoryArrays_TrimTooLong(array.length, newLength);
        assembly ("memory-safe") {
            mstore(array, newLength)
        }
    }

    /// @notice Shortens `array` to its first `newLength` entries.
    function trim(address[] memory array, uint256 newLength) internal pure {
        if (newLength > array.length) revert MemoryArrays_TrimTooLong(array.length, newLength);
        assembly ("memory-safe") {
            mstore(array, newLength)
        }
    }
}
