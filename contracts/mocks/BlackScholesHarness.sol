// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BlackScholes} from "../libraries/BlackScholes.sol";
import {BlackScholesGasHarness} from "./BlackScholesGasHarness.sol";

/// @notice Exposes `BlackScholes` and its kernels to tests and benchmarks; the batch functions price many inputs in
/// one call so a reference comparison over thousands of cases costs one `eth_call`. The single-price wrappers
/// (`price`, `prices`, `priceAndGreeks`) are the gas harness's.
contract BlackScholesHarness is BlackScholesGasHarness {
    function priceErrorBound(uint256 spot, uint256 strike) external pure returns (uint256) {
        return BlackScholes.priceErrorBound(spot, strike);
    }

    /// @notice Call and put prices of every input.
    function pricesBatch(
        Input[] calldata inputs
    ) external pure returns (uint256[] memory calls, uint256[] memory puts) {
        calls = new uint256[](inputs.length);
        puts = new uint256[](inputs.length);
        for (uint256 i; i < inputs.length; ++i) {
            Input calldata x = inputs[i];
            (calls[i], puts[i]) = BlackScholes.prices(x.spot, x.strike, x.secondsToExpiry, x.vol);
        }
    }

    /// @notice Call price, call delta, vega and gamma of every input.
    function greeksBatch(
        Input[] calldata inputs
    )
        external
        pure
        returns (uint256[] memory callPrices, int256[] memory deltas, uint256[] memory vegas, uint256[] memory gammas)
    {
        uint256 n = inputs.length;
        callPrices = new uint256[](n);
        deltas = new int256[](n);
        vegas = new uint256[](n);
        gammas = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            Input calldata x = inputs[i];
            (callPrices[i], deltas[i], vegas[i], gammas[i]) = BlackScholes.priceAndGreeks(
                x.spot,
                x.strike,
                x.secondsToExpiry,
                x.vol,
                true
            );
        }
    }

    /// @notice Gas of one library price call, measured with `gasleft()` around it (no call or ABI overhead; the
    /// arguments are on the stack before the first reading).
    function measurePrice(Input calldata x, bool isCall) external view returns (uint256 result, uint256 gasUsed) {
        (uint256 s, uint256 k, uint256 t, uint256 v) = (x.spot, x.strike, x.secondsToExpiry, x.vol);
        uint256 before = gasleft();
        result = BlackScholes.price(s, k, t, v, isCall);
        gasUsed = before - gasleft();
    }

    /// @notice Gas of one `priceAndGreeks`, measured as `measurePrice`.
    function measurePriceAndGreeks(Input calldata x, bool isCall) external view returns (uint256 gasUsed) {
        (uint256 s, uint256 k, uint256 t, uint256 v) = (x.spot, x.strike, x.secondsToExpiry, x.vol);
        uint256 before = gasleft();
        BlackScholes.priceAndGreeks(s, k, t, v, isCall);
        gasUsed = before - gasleft();
    }
}
