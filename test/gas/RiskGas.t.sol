// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Gas of the risk controller (group "RiskController") on the protocol fixture, where the registry, the
/// margin engine and the exchange consult it: an observation, the two views the hot paths call, and an opening
/// fill with the controller wired (compare `Exchange.fill_open`, measured on a stack without it).
contract RiskGasTest is ProtocolFixture {
    uint256 internal constant MAKER_KEY = 0xA11;
    address internal taker = address(0x7A4E);

    function setUp() public override {
        super.setUp();
        risk.poke(ETH_ID);
        vm.warp(block.timestamp + 1 hours);
        _setSpot(3_030e8);
    }

    function test_gas_poke() public {
        risk.poke(ETH_ID);
        vm.snapshotGasLastCall("RiskController", "poke");
    }

    function test_gas_shockMultiplier() public {
        risk.shockMultiplier(ETH_ID);
        vm.snapshotGasLastCall("RiskController", "shockMultiplier");
    }

    function test_gas_allowsNewRisk() public {
        risk.allowsNewRisk(ETH_ID);
        vm.snapshotGasLastCall("RiskController", "allowsNewRisk");
    }

    /// @dev Both accounts open their first position: the exchange asks the controller, the engine scales ratios.
    function test_gas_fillOpen_withRiskController() public {
        address maker = vm.addr(MAKER_KEY);
        _deposit(maker, 100_000e6);
        _deposit(taker, 100_000e6);
        IExchange.Order memory order = _order(maker, seriesIds[2], false, 1e18, 150e18, 1);
        bytes memory signature = _sign(MAKER_KEY, order);
        vm.prank(taker);
        exchange.fill(order, signature, 1e18, taker);
        vm.snapshotGasLastCall("RiskController", "fill_open_withRiskController");
    }
}
