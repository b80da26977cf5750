// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {LiquidationAutomation} from "../../contracts/automation/LiquidationAutomation.sol";
import {Exchange} from "../../contracts/exchange/Exchange.sol";
import {PauseGuard} from "../../contracts/governance/PauseGuard.sol";
import {IInsuranceFund} from "../../contracts/interfaces/IInsuranceFund.sol";
import {ILiquidationEngine} from "../../contracts/interfaces/ILiquidationEngine.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {IMarginHook, IPositionCounter} from "../../contracts/interfaces/IMarginHook.sol";
import {IPauseGuard} from "../../contracts/interfaces/IPauseGuard.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {IQuorumFeed} from "../../contracts/interfaces/IQuorumFeed.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {LiquidationEngine} from "../../contracts/liquidation/LiquidationEngine.sol";
import {MarginEngine} from "../../contracts/margin/MarginEngine.sol";
import {ChainlinkAdapter} from "../../contracts/oracles/ChainlinkAdapter.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {QuorumFeed} from "../../contracts/oracles/QuorumFeed.sol";
import {QuorumFeedAdapter} from "../../contracts/oracles/QuorumFeedAdapter.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {RiskController} from "../../contracts/risk/RiskController.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {Settlement} from "../../contracts/settlement/Settlement.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Vault} from "../../contracts/vault/Vault.sol";

/// @notice The one place in `test/` where each protocol contract's constructor is called: fixtures, unit tests and
/// constructor-revert tests all deploy through these functions, so a constructor change is adapted here once.
/// Internal functions run in the caller's frame, so `vm.expectRevert` before a call here checks the creation itself.
library Deploy {
    function pauseGuard(address admin, address guardian) internal returns (PauseGuard) {
        return new PauseGuard(admin, guardian);
    }

    function registry(address admin, IPauseGuard guard) internal returns (SeriesRegistry) {
        return new SeriesRegistry(admin, guard);
    }

    function riskController(address admin, ISeriesRegistry registry_) internal returns (RiskController) {
        return new RiskController(admin, registry_);
    }

    function positionBook(address admin, ISeriesRegistry registry_, uint256 maxLive) internal returns (PositionBook) {
        return new PositionBook(admin, registry_, maxLive);
    }

    function marginHook(IPositionCounter counter) internal returns (OpenPositionsMarginHook) {
        return new OpenPositionsMarginHook(counter);
    }

    function vault(address admin, address quoteAsset, IMarginHook hook) internal returns (Vault) {
        return new Vault(admin, quoteAsset, hook);
    }

    function settlement(
        address admin,
        IVault vault_,
        IPositionBook book,
        ISeriesRegistry registry_
    ) internal returns (Settlement) {
        return new Settlement(admin, vault_, book, registry_);
    }

    function marginEngine(
        address admin,
        IVault vault_,
        IPositionBook book,
        ISeriesRegistry registry_,
        ISettlement settlement_,
        IRiskController riskController_
    ) internal returns (MarginEngine) {
        return new MarginEngine(admin, vault_, book, registry_, settlement_, riskController_);
    }

    function exchange(
        address admin,
        IVault vault_,
        IPositionBook book,
        ISeriesRegistry registry_,
        IMarginEngine margin,
        IPauseGuard guard,
        IRiskController riskController_,
        address feeRecipient,
        address insuranceFund_
    ) internal returns (Exchange) {
        return
            new Exchange(admin, vault_, book, registry_, margin, guard, riskController_, feeRecipient, insuranceFund_);
    }

    function insuranceFund(address admin, IVault vault_, address liquidationEngine_) internal returns (InsuranceFund) {
        return new InsuranceFund(admin, vault_, liquidationEngine_);
    }

    function liquidationEngine(
        address admin,
        IVault vault_,
        IPositionBook book,
        ISeriesRegistry registry_,
        IMarginEngine margin,
        IInsuranceFund fund,
        IRiskController risk
    ) internal returns (LiquidationEngine) {
        return new LiquidationEngine(admin, vault_, book, registry_, margin, fund, risk);
    }

    function automation(
        ILiquidationEngine engine,
        ISettlement settlement_,
        IPositionBook book,
        ISeriesRegistry registry_,
        IRiskController risk,
        uint256 maxBatch
    ) internal returns (LiquidationAutomation) {
        return new LiquidationAutomation(engine, settlement_, book, registry_, risk, maxBatch);
    }

    function chainlinkAdapter(
        AggregatorV3Interface feed,
        uint256 heartbeat,
        uint256 slack,
        AggregatorV3Interface sequencerUptimeFeed,
        uint256 sequencerGracePeriod,
        uint256 maxObservationDelay
    ) internal returns (ChainlinkAdapter) {
        return
            new ChainlinkAdapter(
                feed,
                heartbeat,
                slack,
                sequencerUptimeFeed,
                sequencerGracePeriod,
                maxObservationDelay
            );
    }

    function oracleRouter(
        IPriceSource primary,
        IPriceSource secondary,
        IPriceSource volSource,
        uint256 maxDivergenceWad,
        uint256 fallbackDelay
    ) internal returns (OracleRouter) {
        return new OracleRouter(primary, secondary, volSource, maxDivergenceWad, fallbackDelay);
    }

    function quorumFeed(address admin, address[] memory signers, uint256 threshold) internal returns (QuorumFeed) {
        return new QuorumFeed(admin, signers, threshold);
    }

    function quorumFeedAdapter(
        IQuorumFeed feed,
        bytes32 feedId,
        uint256 maxAge,
        uint256 maxObservationDelay
    ) internal returns (QuorumFeedAdapter) {
        return new QuorumFeedAdapter(feed, feedId, maxAge, maxObservationDelay);
    }
}
