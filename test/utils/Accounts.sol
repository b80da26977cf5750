// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "./Test.sol";

/// @notice The named accounts every test family shares, one address each: the protocol's roles and plain users.
abstract contract Accounts is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant GUARDIAN = address(0x6A4D);
    address internal constant LISTER = address(0x1157);
    address internal constant MATCHER = address(0x3A7C);
    address internal constant FEE_RECIPIENT = address(0xFEE);
    /// @dev The exchange's insurance share goes here (an account, so fee tests read it directly).
    address internal constant INSURANCE = address(0x1F);
    /// @dev The counterparty of every position `BaseTest._position` places.
    address internal constant WHALE = address(0x3A1E);
    address internal constant KEEPER = address(0x4EE9);
    address internal constant ALICE = address(0xA1);
    address internal constant BOB = address(0xB0B);
    address internal constant OPERATOR = address(0x0B);
    /// @dev An account holding no role and no funds.
    address internal constant STRANGER = address(0xBAD);
}
