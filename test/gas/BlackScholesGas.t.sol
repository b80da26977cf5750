// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {BlackScholesGasHarness} from "../../contracts/mocks/BlackScholesGasHarness.sol";
import {BlackScholesHarness} from "../../contracts/mocks/BlackScholesHarness.sol";

/// @notice Gas snapshots of one Black-Scholes evaluation through an external harness (group "BlackScholes").
/// `BlackScholesGasHarness` holds nothing but the three wrappers. It is called once before each measurement, so
/// the snapshot holds a warm call, not the cold-account surcharge of the first call in the transaction. A snapshot
/// also counts the external call itself (ABI encoding and decoding on both sides, dispatch, CALL: about 900 gas);
/// `*_libraryOnly` record the library alone, measured with `gasleft()` inside `BlackScholesHarness`.
/// Inputs: a 30-day, 80%-vol option 5% out of the money.
contract BlackScholesGasTest is Test {
    BlackScholesGasHarness internal harness;
    BlackScholesHarness internal measuring;

    uint256 internal constant SPOT = 3_000e18;
    uint256 internal constant CALL_STRIKE = 3_150e18;
    uint256 internal constant PUT_STRIKE = 2_850e18;
    uint256 internal constant T = 30 days;
    uint256 internal constant VOL = 0.8e18;

    function _input(uint256 strike) internal pure returns (BlackScholesGasHarness.Input memory) {
        return BlackScholesGasHarness.Input({spot: SPOT, strike: strike, secondsToExpiry: T, vol: VOL});
    }

    function setUp() public {
        harness = new BlackScholesGasHarness();
        measuring = new BlackScholesHarness();
    }

    function test_gas_price_call() public {
        harness.price(SPOT, CALL_STRIKE, T, VOL, true);
        vm.startSnapshotGas("BlackScholes", "price_call");
        harness.price(SPOT, CALL_STRIKE, T, VOL, true);
        vm.stopSnapshotGas();
    }

    function test_gas_price_put() public {
        harness.price(SPOT, PUT_STRIKE, T, VOL, false);
        vm.startSnapshotGas("BlackScholes", "price_put");
        harness.price(SPOT, PUT_STRIKE, T, VOL, false);
        vm.stopSnapshotGas();
    }

    function test_gas_prices_callAndPut() public {
        harness.prices(SPOT, CALL_STRIKE, T, VOL);
        vm.startSnapshotGas("BlackScholes", "prices_callAndPut");
        harness.prices(SPOT, CALL_STRIKE, T, VOL);
        vm.stopSnapshotGas();
    }

    function test_gas_priceAndGreeks() public {
        harness.priceAndGreeks(_input(CALL_STRIKE), true);
        vm.startSnapshotGas("BlackScholes", "priceAndGreeks");
        harness.priceAndGreeks(_input(CALL_STRIKE), true);
        vm.stopSnapshotGas();
    }

    /// @dev The library alone, without the call: `gasleft()` around it inside the harness.
    function test_gas_price_libraryOnly() public {
        (, uint256 gasUsed) = measuring.measurePrice(_input(CALL_STRIKE), true);
        vm.snapshotValue("BlackScholes", "price_call_libraryOnly", gasUsed);
    }

    /// @dev `priceAndGreeks` alone, as `test_gas_price_libraryOnly`.
    function test_gas_priceAndGreeks_libraryOnly() public {
        uint256 gasUsed = measuring.measurePriceAndGreeks(_input(CALL_STRIKE), true);
        vm.snapshotValue("BlackScholes", "priceAndGreeks_libraryOnly", gasUsed);
    }

    /// @dev The cold first call of a transaction, for reference (includes the 2,600 cold-account surcharge).
    function test_gas_price_call_cold() public {
        vm.startSnapshotGas("BlackScholes", "price_call_cold");
        harness.price(SPOT, CALL_STRIKE, T, VOL, true);
        vm.stopSnapshotGas();
    }
}
