// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {LiquidationAutomation} from "../../contracts/automation/LiquidationAutomation.sol";
import {QuorumFeed} from "../../contracts/oracles/QuorumFeed.sol";
import {QuorumFeedAdapter} from "../../contracts/oracles/QuorumFeedAdapter.sol";
import {BaseTest} from "../utils/BaseTest.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice The deployed bytecode size of every contract the core deployment (`deploy/modules/Core.ts`) creates,
/// recorded in `snapshots/BytecodeSize.json` (so `make test`'s snapshot check fails when one changes) and each
/// checked under the EIP-170 limit.
contract BytecodeSizeTest is BaseTest {
    /// @dev EIP-170: the largest runtime code a contract may have.
    uint256 internal constant EIP170_LIMIT = 24_576;

    function setUp() public {
        _deployStack(1_700_000_000, _defaultStack());
    }

    function test_bytecodeSize_everyDeployedContract() public {
        address[] memory signers = new address[](1);
        signers[0] = address(0x5161);
        QuorumFeed quorum = Deploy.quorumFeed(ADMIN, signers, 1);
        QuorumFeedAdapter quorumAdapter = Deploy.quorumFeedAdapter(quorum, keccak256("ETH/USD"), 1 hours, 1 hours);
        LiquidationAutomation automation = Deploy.automation(engine, settlement, book, registry, risk, 16);

        _record("PauseGuard", address(guard));
        _record("SeriesRegistry", address(registry));
        _record("RiskController", address(risk));
        _record("PositionBook", address(book));
        // The vault's interim hook, replaced by the margin engine in the wiring: a fresh one is measured.
        _record("OpenPositionsMarginHook", address(Deploy.marginHook(book)));
        _record("Vault", address(vault));
        _record("Settlement", address(settlement));
        _record("MarginEngine", address(margin));
        _record("Exchange", address(exchange));
        _record("InsuranceFund", address(fund));
        _record("LiquidationEngine", address(engine));
        _record("LiquidationAutomation", address(automation));
        _record("ChainlinkAdapter", address(ethRouter.primary()));
        _record("OracleRouter", address(ethRouter));
        _record("QuorumFeed", address(quorum));
        _record("QuorumFeedAdapter", address(quorumAdapter));
    }

    function _record(string memory name, address deployed) internal {
        uint256 size = deployed.code.length;
        assertGe(size, 1, string.concat(name, ": deployed"));
        assertLe(size, EIP170_LIMIT, string.concat(name, ": under the EIP-170 limit"));
        vm.snapshotValue("BytecodeSize", name, size);
    }
}
