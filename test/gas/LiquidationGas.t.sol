// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {LiquidationFixture} from "../liquidation/LiquidationFixture.sol";

/// @notice Gas of the liquidation engine on the real stack (group "Liquidation"): starting an auction of an account
/// below maintenance margin, and a partial bid on an account holding 4 or 16 positions (short strangles and call
/// spreads across two expiries). The bidder of "bid_p4" / "bid_p16" is a market-making keeper already holding one
/// long option in every listed series, so its book entries exist; "bid_p16_newBidder" bids from an account holding
/// only quote, which pays for 16 new position entries (two fresh storage slots each, about 44,000 gas per
/// position). Measured with `snapshotGasLastCall`: the call's own execution, as in a transaction whose target is
/// warm.
contract LiquidationGasTest is LiquidationFixture {
    address internal constant VICTIM16 = address(0x516);

    uint256[] internal extraSeries;

    function setUp() public override {
        super.setUp();
        uint256 expiry2 = EXPIRY + 7 days;
        vm.startPrank(LISTER);
        for (uint256 k = 2_600e18; k <= 3_400e18; k += 200e18) {
            extraSeries.push(registry.listSeries(ETH_ID, k, expiry2, true));
            extraSeries.push(registry.listSeries(ETH_ID, k, expiry2, false));
        }
        vm.stopPrank();

        // Four positions: a short strangle and a call spread on the first expiry.
        _deposit(VICTIM, 3_000e6);
        _position(VICTIM, call3300, -5e18);
        _position(VICTIM, put2700, -5e18);
        _position(VICTIM, call3000, -5e18);
        _position(VICTIM, put3000, 2e18);

        // Sixteen: the six series of the first expiry and ten of the second.
        _deposit(VICTIM16, 9_000e6);
        for (uint256 i; i < 6; ++i) _position(VICTIM16, seriesIds[i], i % 3 == 2 ? int256(2e18) : -3e18);
        for (uint256 i; i < 10; ++i) _position(VICTIM16, extraSeries[i], i % 3 == 2 ? int256(2e18) : -2e18);

        // The market-making bidder: one long option in every series of both expiries.
        for (uint256 i; i < 6; ++i) _position(BIDDER, seriesIds[i], 1e18);
        for (uint256 i; i < 10; ++i) _position(BIDDER, extraSeries[i], 1e18);

        _setSpot(3_150e8);
    }

    function test_gas_start() public {
        vm.prank(KEEPER);
        engine.startAuction(VICTIM);
        vm.snapshotGasLastCall("Liquidation", "start");
    }

    function test_gas_bid_p4() public {
        _bid(VICTIM, BIDDER, 4, "bid_p4");
    }

    function test_gas_bid_p16() public {
        _bid(VICTIM16, BIDDER, 16, "bid_p16");
    }

    function test_gas_bid_p16_newBidder() public {
        _bid(VICTIM16, BIDDER2, 16, "bid_p16_newBidder");
    }

    function _bid(address account, address bidder, uint256 positions, string memory name) internal {
        assertEq(book.openPositionCount(account), positions, "positions held");
        _start(account);
        vm.warp(block.timestamp + 5 minutes);
        _setSpot(3_150e8);
        uint256 fraction = engine.liquidationStatus(account).maxFractionWad / 2;
        assertGe(fraction, 1, "biddable");
        vm.prank(bidder);
        engine.bid(account, bidder, fraction, type(int256).max);
        vm.snapshotGasLastCall("Liquidation", name);
        for (uint256 i; i < positions; ++i) {
            (uint256[] memory ids, ) = book.positionsOf(account);
            assertTrue(book.positionOf(bidder, ids[i]) != (bidder == BIDDER ? int256(1e18) : int256(0)), "took it");
        }
    }
}
