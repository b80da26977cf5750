// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @dev One, in the protocol's 18-decimal fixed point: every `…Wad` and `…E18` value is scaled by it. The one
/// definition every contract imports.
uint256 constant WAD = 1e18;
