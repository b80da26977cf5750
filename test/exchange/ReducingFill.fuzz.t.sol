// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Property X3 from the edge: an account brought to exactly its initial margin, then a random fill that
/// only reduces its risk (buying back part of its short at any price up to 50× the model mark). Either the
/// exchange refuses the fill or the account still meets maintenance margin afterwards.
contract ReducingFillFuzzTest is ProtocolFixture {
    uint256 internal constant SHORT_KEY = 0x5107;
    uint256 internal constant MAKER_KEY = 0x3A4E;
    address internal shortAccount;
    address internal maker;
    address internal constant BUYER = address(0xB0B);

    function setUp() public override {
        super.setUp();
        shortAccount = vm.addr(SHORT_KEY);
        maker = vm.addr(MAKER_KEY);
        _deposit(shortAccount, 100_000e6);
        _deposit(maker, 1_000_000e6);
        _deposit(BUYER, 1_000_000e6);
    }

    function testFuzz_reducingFillFromInitialMarginKeepsMaintenance(
        uint256 seriesSeed,
        uint256 shortSize,
        uint256 reduceSize,
        uint256 priceMultiple
    ) public {
        uint256 seriesId = seriesIds[seriesSeed % seriesIds.length];
        shortSize = bound(shortSize, 0.1e18, 20e18);
        reduceSize = bound(reduceSize, 0.01e18, shortSize);
        uint256 mark = margin.markOf(seriesId);

        // The account sells `shortSize` to BUYER at the mark, then withdraws everything above initial margin.
        IExchange.Order memory sell = _order(shortAccount, seriesId, false, shortSize, mark + 0.01e18, 1);
        bytes memory sellSignature = _sign(SHORT_KEY, sell);
        vm.prank(BUYER);
        exchange.fill(sell, sellSignature, shortSize, BUYER);
        IMarginEngine.AccountMargin memory m = margin.marginOf(shortAccount);
        uint256 excessQuote = uint256(m.equityWad - int256(m.initialWad)) / 1e12;
        if (excessQuote > 0) {
            vm.prank(shortAccount);
            vault.withdraw(shortAccount, address(usdc), excessQuote, shortAccount);
        }
        m = margin.marginOf(shortAccount);
        assertTrue(m.equityWad >= int256(m.initialWad), "at initial margin");
        assertLe(uint256(m.equityWad) - m.initialWad, 1e12, "within one quote unit of it");

        // A maker sells part of it back to the account at up to 50x the mark.
        uint256 price = (mark * bound(priceMultiple, 1, 5_000)) / 100 + 0.01e18;
        IExchange.Order memory buyBack = _order(maker, seriesId, false, reduceSize, price, 2);
        bytes memory signature = _sign(MAKER_KEY, buyBack);
        vm.prank(shortAccount);
        try exchange.fill(buyBack, signature, reduceSize, shortAccount) {
            m = margin.marginOf(shortAccount);
            assertTrue(m.equityWad >= int256(m.maintenanceWad), "a reducing fill broke maintenance margin");
        } catch {
            // Refused: the property holds trivially.
            assertEq(book.positionOf(shortAccount, seriesId), -int256(shortSize), "a refused fill changes nothing");
        }
    }
}
