// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BlackScholes} from "../libraries/BlackScholes.sol";

/// @notice The smallest external wrapper around `BlackScholes`, for gas snapshots: one library call per function
/// and nothing else in the contract, so the measurement holds the library plus a bare external call.
contract BlackScholesGasHarness {
    function price(
        uint256 spot,
        uint256 strike,
        uint256 secondsToExpiry,
        uint256 vol,
        bool isCall
    ) external pure returns (uint256) {
        return BlackScholes.price(spot, strike, secondsToExpiry, vol, isCall);
    }

    function prices(
        uint256 spot,
        uint256 strike,
        uint256 secondsToExpiry,
        uint256 vol
    ) external pure returns (uint256 callPrice, uint256 putPrice) {
        return BlackScholes.prices(spot, strike, secondsToExpiry, vol);
    }

    function priceAndGreeks(
        uint256 spot,
        uint256 strike,
        uint256 secondsToExpiry,
        uint256 vol,
        bool isCall
    ) external pure returns (uint256 result, int256 delta, uint256 vega, uint256 gamma) {
        return BlackScholes.priceAndGreeks(spot, strike, secondsToExpiry, vol, isCall);
    }
}
