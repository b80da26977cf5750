// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @notice Benchmark tool: the execution gas of one call, read through `eth_call` so that nothing is kept. The
/// figure includes the cold access to `target` (as a transaction's inner work does) but not the transaction's
/// intrinsic 21,000 gas or calldata cost, so it compares with the gas snapshots.
contract GasProbe {
    /// @notice The measured call reverted with `reason`.
    error GasProbe_CallFailed(bytes reason);

    /// @notice Calls `target` with `data` and returns the gas it used; reverts if the call reverts.
    function measure(address target, bytes calldata data) external returns (uint256 gasUsed) {
        uint256 before = gasleft();
        (bool ok, bytes memory result) = target.call(data);
        gasUsed = before - gasleft();
        if (!ok) revert GasProbe_CallFailed(result);
    }
}
