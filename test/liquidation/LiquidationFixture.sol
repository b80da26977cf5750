// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {Feeds} from "../utils/Feeds.sol";

/// @notice The liquidation scenario on the default one (the whole stack, insurance fund and liquidation engine
/// included; the risk controller gates liquidations with the routers' health): named series, a funded whale as
/// every victim's counterparty and two funded bidders. Positions are placed directly through the book, so a test
/// sets exactly the account it needs.
abstract contract LiquidationFixture is ProtocolFixture {
    address internal constant VICTIM = address(0x51C);
    address internal constant BIDDER = address(0xB1D);
    address internal constant BIDDER2 = address(0xB1D2);
    /// @notice The second underlying `_listBtc` adds.
    uint256 public constant BTC_ID = 2;

    /// @dev Series ids of the fixture's chain.
    uint256 internal call2700;
    uint256 internal put2700;
    uint256 internal call3000;
    uint256 internal put3000;
    uint256 internal call3300;
    uint256 internal put3300;

    function setUp() public virtual override {
        super.setUp();
        (call2700, put2700, call3000, put3000, call3300, put3300) = (
            seriesIds[0],
            seriesIds[1],
            seriesIds[2],
            seriesIds[3],
            seriesIds[4],
            seriesIds[5]
        );
        // The whale is every victim's counterparty and holds enough quote for any haircut bound.
        _deposit(WHALE, 10_000_000e6);
        _deposit(BIDDER, 1_000_000e6);
        _deposit(BIDDER2, 1_000_000e6);
    }

    function _fundInsurance(uint256 amount) internal {
        _deposit(address(fund), amount);
    }

    /// @dev The victim: short 10 ATM calls with 4,000 USDC, healthy at 3,000 and solvent but below maintenance at
    /// 3,100.
    function _shortCallVictim() internal {
        _deposit(VICTIM, 4_000e6);
        _position(VICTIM, call3000, -10e18);
    }

    function _start(address account) internal returns (uint256 reward) {
        vm.prank(KEEPER);
        reward = engine.startAuction(account);
    }

    /// @dev Lists BTC (id 2) on its own Chainlink spot and volatility feeds (1-hour heartbeat) with the fixture's
    /// margin ratios and one call at 60,000 expiring with the chain.
    function _listBtc(MockV3Aggregator spot, MockV3Aggregator vol) internal returns (uint256 btcCall) {
        OracleRouter router = Feeds.router(spot, MockV3Aggregator(address(0)), vol, 0, 0);
        vm.startPrank(ADMIN);
        registry.addUnderlying("BTC", _underlying(router, 90 days, 1_000_000e18));
        margin.setMarginParams(BTC_ID, _marginParams(0.15e18, 0.1e18, 0.075e18));
        vm.stopPrank();
        vm.prank(LISTER);
        btcCall = registry.listSeries(BTC_ID, 60_000e18, EXPIRY, true);
    }
}
