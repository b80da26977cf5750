// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BlackScholes} from "../libraries/BlackScholes.sol";

/// @notice The smallest external wrapper around `BlackScholes`, for gas snapshots: one library call per function
/// and nothing else in the contract, so the measurement holds the library plus a bare external call. Arguments as
/// the library's: `s` spot, `k` strike, `t` seconds to expiry, `v` vol (an `Input` for `priceAndGreeks`).
contract BlackScholesGasHarness {
    struct Input {
        uint256 spot;
        uint256 strike;
        uint256 secondsToExpiry;
        uint256 vol;
    }

    function price(uint256 s, uint256 k, uint256 t, uint256 v, bool isCall) external pure returns (uint256) {
        return BlackScholes.price(s, k, t, v, isCall);
    }

    function prices(uint256 s, uint256 k, uint256 t, uint256 v) external pure returns (uint256, uint256) {
        return BlackScholes.prices(s, k, t, v);
    }

    function priceAndGreeks(Input calldata x, bool isCall) external pure returns (uint256, int256, uint256, uint256) {
        return BlackScholes.priceAndGreeks(x.spot, x.strike, x.secondsToExpiry, x.vol, isCall);
    }
}
