import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Future, NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";
import { parseUnits } from "ethers";
import { buildCore } from "./Core.js";
import { handOverToTimelock } from "./Handover.js";
import { feedId, ROLES } from "@optio/sdk";

const WAD = 10n ** 18n;
const ZERO = "0x0000000000000000000000000000000000000000";

/** One underlying of the local deployment: a mock Chainlink feed and two quorum feeds (spot and implied vol). */
const UNDERLYINGS = [
  {
    symbol: "ETH",
    token: "WETH",
    decimals: 18,
    spotUsd: "3000",
    collateralHaircut: WAD / 5n,
    risk: { targetVolWad: WAD, maxMultiplierWad: 3n * WAD },
  },
  {
    symbol: "BTC",
    token: "WBTC",
    decimals: 8,
    spotUsd: "60000",
    collateralHaircut: WAD / 5n,
    risk: { targetVolWad: (WAD * 8n) / 10n, maxMultiplierWad: 3n * WAD },
  },
] as const;

/**
 * Local deployment for tests and `make demo`: the core with mock tokens and Chainlink's MockV3Aggregator as price
 * sources. Mocks live only here, never in the core module. Everything is configured by the deployer, then every
 * admin role moves to the timelock.
 *
 * Parameters (module "OptioLocal"): those of `buildCore` but quoteAsset (a mock USDC is deployed), and lister.
 */
export default buildModule("OptioLocal", (m) => {
  const usdc = m.contract("MockERC20", ["USD Coin (mock)", "USDC", 6], { id: "USDC" });
  const core = buildCore(m, usdc);
  const { wiring, ...contracts } = core;
  const {
    vault,
    registry,
    riskController,
    quorumFeed,
    pauseGuard,
    timelock,
    book,
    margin,
    exchange,
    settlement,
    insuranceFund,
    liquidationEngine,
  } = contracts;
  const lister = m.getParameter<string>("lister");

  const setup: Future[] = [...wiring];
  // Lyra v2's auction shape (the engine's defaults) and 20% of each solvent bid's discount to the insurance fund.
  setup.push(
    m.call(
      liquidationEngine,
      "setAuctionParams",
      [
        {
          startDiscountWad: WAD / 20n,
          maxDiscountWad: (WAD * 3n) / 10n,
          discountRampSeconds: 15 * 60,
          bufferWad: WAD / 5n,
          flagRewardWad: WAD / 100n,
          maxFlagRewardWad: 50n * WAD,
          insolventRampSeconds: 3600,
          smallAccountWad: 100n * WAD,
          fundShareWad: WAD / 5n,
        },
      ],
      { id: "liquidation_setAuctionParams" },
    ),
  );
  setup.push(
    m.call(
      exchange,
      "setFeeConfig",
      [{ notionalFeeWad: (WAD * 3n) / 10_000n, premiumCapWad: WAD / 8n, insuranceShareWad: WAD / 5n }],
      {
        id: "exchange_setFeeConfig",
      },
    ),
  );
  // Chained so ids and listing order are deterministic: ETH is underlying 1, BTC underlying 2.
  let previousListing: Future[] = [];
  const tokens: Record<string, NamedArtifactContractDeploymentFuture<"MockERC20">> = {};
  const aggregators: Record<string, NamedArtifactContractDeploymentFuture<"MockV3Aggregator">> = {};
  const routers: Record<string, NamedArtifactContractDeploymentFuture<"OracleRouter">> = {};
  for (const u of UNDERLYINGS) {
    const token = m.contract("MockERC20", [`${u.token} (mock)`, u.token, u.decimals], { id: u.token });
    const aggregator = m.contract("MockV3Aggregator", [8, parseUnits(u.spotUsd, 8)], {
      id: `${u.symbol}UsdAggregator`,
    });
    const chainlink = m.contract("ChainlinkAdapter", [aggregator, 3600, 600, ZERO, 0, 3600], {
      id: `${u.symbol}ChainlinkAdapter`,
    });
    const spotFeed = feedId(`${u.symbol}/USD`);
    const volFeed = feedId(`${u.symbol}/USD-IV`);
    const quorumSpot = m.contract("QuorumFeedAdapter", [quorumFeed, spotFeed, 3600, 3600], {
      id: `${u.symbol}QuorumSpotAdapter`,
    });
    const quorumVol = m.contract("QuorumFeedAdapter", [quorumFeed, volFeed, 3 * 3600, 3600], {
      id: `${u.symbol}QuorumVolAdapter`,
    });
    // Two sources may disagree by 2% and still be Ok; the secondary may prove an expiry price 6 hours after expiry.
    const router = m.contract("OracleRouter", [chainlink, quorumSpot, quorumVol, WAD / 50n, 6 * 3600], {
      id: `${u.symbol}OracleRouter`,
    });
    setup.push(
      m.call(quorumFeed, "configureFeed", [spotFeed, true, WAD / 4n], { id: `${u.symbol}_configureSpotFeed` }),
      m.call(quorumFeed, "configureFeed", [volFeed, true, WAD / 2n], { id: `${u.symbol}_configureVolFeed` }),
    );
    const listCollateral = m.call(vault, "listCollateral", [token, u.collateralHaircut, router], {
      id: `${u.symbol}_listCollateral`,
      after: previousListing,
    });
    const addUnderlying = m.call(
      registry,
      "addUnderlying",
      [
        `0x${Buffer.from(u.symbol).toString("hex").padEnd(64, "0")}`,
        {
          router,
          minStrikeRatioWad: WAD / 2n,
          maxStrikeRatioWad: 2n * WAD,
          maxExpiryHorizon: 180 * 24 * 3600,
          defaultOpenInterestCap: 10_000n * WAD,
        },
      ],
      { id: `${u.symbol}_addUnderlying`, after: previousListing },
    );
    previousListing = [listCollateral, addUnderlying];
    // Deribit's standard-margin ratios: a = 15%, b = 10%, c = 7.5% (underlying ids follow the listing order).
    const marginParams = m.call(
      margin,
      "setMarginParams",
      [
        UNDERLYINGS.indexOf(u) + 1,
        {
          initialRatioWad: (WAD * 15n) / 100n,
          minInitialRatioWad: WAD / 10n,
          maintenanceRatioWad: (WAD * 75n) / 1000n,
        },
      ],
      { id: `${u.symbol}_setMarginParams`, after: [addUnderlying] },
    );
    // Realised volatility (EWMA of squared log-returns, one-day half-life) above the target raises a, b and c in
    // proportion, at most threefold; observations at most every 10 minutes.
    const riskParams = m.call(
      riskController,
      "setRiskParams",
      [UNDERLYINGS.indexOf(u) + 1, { ...u.risk, halfLifeSeconds: 24 * 3600, minUpdateInterval: 600 }],
      { id: `${u.symbol}_setRiskParams`, after: [addUnderlying] },
    );
    setup.push(listCollateral, addUnderlying, marginParams, riskParams);
    tokens[u.token] = token;
    aggregators[u.symbol] = aggregator;
    routers[u.symbol] = router;
  }
  setup.push(m.call(registry, "grantRole", [ROLES.LISTER, lister], { id: "grantLister" }));

  handOverToTimelock(
    m,
    timelock,
    {
      vault,
      registry,
      riskController,
      quorumFeed,
      pauseGuard,
      book,
      margin,
      exchange,
      settlement,
      insuranceFund,
      liquidationEngine,
    },
    setup,
  );

  return {
    ...contracts,
    usdc,
    weth: tokens.WETH,
    wbtc: tokens.WBTC,
    ethAggregator: aggregators.ETH,
    btcAggregator: aggregators.BTC,
    ethRouter: routers.ETH,
    btcRouter: routers.BTC,
  };
});
