// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BaseTest} from "./BaseTest.sol";

/// @notice The default scenario on the whole stack (`BaseTest`, the deployment's shape): ETH at 3,000, an option
/// chain three days out. The risk controller starts unobserved (multiplier 1) until a test pokes it. Used by
/// integration, invariant and gas tests; the accessors below serve invariant handlers, which drive it from their own
/// contract.
abstract contract ProtocolFixture is BaseTest {
    uint256 internal constant T0 = 1_700_000_000;
    /// @dev 08:00 UTC, three days after T0.
    uint256 public constant EXPIRY = ((T0 / 1 days) + 3) * 1 days + 8 hours;

    /// @dev Listed series: strikes 2,700 / 3,000 / 3,300, each as a call then a put (ids 1..6).
    uint256[] internal seriesIds;

    function setUp() public virtual {
        _deployStack(T0, _defaultStack());
        for (uint256 k = 2_700e18; k <= 3_300e18; k += 300e18) {
            seriesIds.push(_list(k, EXPIRY, true));
            seriesIds.push(_list(k, EXPIRY, false));
        }
    }

    function seriesAt(uint256 seed) external view returns (uint256) {
        return seriesIds[seed % seriesIds.length];
    }

    function seriesCount() external view returns (uint256) {
        return seriesIds.length;
    }

    function setSpot(int256 priceE8) external {
        _setSpot(priceE8);
    }

    function expireAt(int256 priceE8) external {
        _expireAt(priceE8);
    }

    /// @dev Proves the chain's expiry price (moving past expiry first when needed).
    function _expireAt(int256 priceE8) internal {
        _proveExpiry(EXPIRY, priceE8);
    }
}
