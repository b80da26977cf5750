// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Issue 8, findings 1, 10 and 17, on the whole trading core (real margin engine as the vault's hook):
/// settlement debt is collected without its owner, longs share a shortfall pro rata, and an account's positions of
/// one expiry are netted whatever the order in which its series are named. Positions are opened through the book
/// directly (the test holds its trader role); every later step is what an attacker or a keeper can do.
contract SettlementSolvencyTest is ProtocolFixture {
    address internal constant CAROL = address(0xCA401);

    /// @dev Series ids of the fixture: 2,700 call, 2,700 put, 3,000 call, 3,000 put, 3,300 call, 3,300 put.
    uint256 internal call2700;
    uint256 internal call3000;

    function setUp() public override {
        super.setUp();
        bytes32 traderRole = book.TRADER_ROLE();
        vm.prank(ADMIN);
        book.grantRole(traderRole, address(this));
        call2700 = seriesIds[0];
        call3000 = seriesIds[2];
    }

    /// @dev Bob writes one 2,700 call to Alice backed by 1 WETH only; expiry at 3,000 leaves him 300 USDC of debt.
    function _bobSettlesIntoDebt() internal {
        book.transferPosition(call2700, ALICE, BOB, 1e18);
        _depositWeth(BOB, 1e18);
        _expireAt(3_000e8);
        (uint256 paid, uint256 outstanding) = settlement.settle(BOB, call2700);
        assertEq(paid, 0, "no quote to pay with");
        assertEq(outstanding, 300e6, "debt");
    }

    // ------------------------------------------------------------- finding 1: debt is collected

    /// @dev The attack of finding 1: settle into debt, then take the collateral above the debt's value. Refused.
    function test_settlementDebt_keepsTheCollateralBackingItInTheAccount() public {
        _bobSettlesIntoDebt();
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_SettlementDebtOutstanding.selector, BOB, 300e18));
        vm.prank(BOB);
        vault.withdraw(BOB, address(weth), 0.8e18, BOB);
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_SettlementDebtOutstanding.selector, BOB, 300e18));
        vm.prank(BOB);
        vault.transfer(BOB, CAROL, address(weth), 0.1e18);
    }

    /// @dev A keeper converts the debtor's WETH to quote at 2% below market, without the debtor, and the long of a
    /// series whose short is solvent is then paid in full.
    function test_settlementDebt_isCollectedWithoutItsOwnerAndTheLongIsPaidInFull() public {
        _bobSettlesIntoDebt();
        _deposit(KEEPER, 1_000e6);
        int256 equityBefore = margin.marginOf(BOB).equityWad;

        ISettlement.Collection memory preview = settlement.previewCollection(BOB, call2700, address(weth), 1_000e6);
        // 300 USDC × 1.02 / 3,000 USDC per WETH.
        assertEq(preview.seized, 0.102e18, "seized at the discounted price");
        assertEq(preview.bought, 300e6, "the whole debt");
        assertEq(preview.fromBalance, 0, "no quote balance");
        assertEq(preview.priceE18, 3_000e18, "market price");

        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.DebtCollected(BOB, call2700, KEEPER, address(weth), 0, 300e6, 0.102e18, 3_000e18);
        vm.prank(KEEPER);
        ISettlement.Collection memory done = settlement.collectDebt(BOB, call2700, address(weth), 1_000e6, 0.102e18);
        assertEq(done.seized, preview.seized, "execution matches the preview");
        assertEq(done.bought, preview.bought, "execution matches the preview");
        assertEq(settlement.debtOf(BOB), 0, "debt collected");
        assertEq(vault.balanceOf(BOB, address(weth)), 0.898e18, "debtor keeps the rest");
        assertEq(vault.balanceOf(KEEPER, address(weth)), 0.102e18, "keeper bought WETH");
        assertEq(vault.balanceOf(KEEPER, address(usdc)), 700e6, "keeper paid the debt");
        // The discount (2%) is below the WETH haircut (20%): collection raised the debtor's margin equity.
        assertGe(uint256(margin.marginOf(BOB).equityWad), uint256(equityBefore), "debtor not made poorer");

        (uint256 paid, uint256 outstanding) = settlement.settle(ALICE, call2700);
        assertEq(paid, 300e6, "long paid in full");
        assertEq(outstanding, 0, "nothing left to claim");
        // Free of debt, the debtor withdraws what is left.
        vm.prank(BOB);
        vault.withdraw(BOB, address(weth), 0.898e18, BOB);
    }

    /// @dev Claims first (finding 1): Bob is long the 2,700 call against Dan and short the 3,000 call, backed by
    /// WETH only. At expiry his long leg's pool is empty (Dan has not paid), so his short leaves debt while his own
    /// claim is unpaid. Once Dan's debt is collected Bob's claim is due, and a collector of Bob's debt takes it from
    /// that claim at par: none of Bob's WETH is sold at the collection discount.
    function test_collectDebt_paysTheDebtorsOwnClaimsFirst() public {
        address dan = address(0xDA);
        book.transferPosition(call2700, BOB, dan, 1e18);
        book.transferPosition(call3000, ALICE, BOB, 1e18);
        _depositWeth(BOB, 1e18);
        _depositWeth(dan, 1e18);
        _expireAt(3_300e8);
        settlement.settle(BOB, call3000);
        settlement.settle(dan, call2700);
        assertEq(settlement.debtOf(BOB), 300e6, "Bob's short leg left debt");
        assertEq(settlement.claimSeriesOf(BOB).length, 1, "his unpaid claim is listed");
        assertEq(settlement.claimSeriesOf(BOB)[0], call2700, "on the 2,700 call");

        _deposit(KEEPER, 2_000e6);
        vm.prank(KEEPER);
        settlement.collectDebt(dan, call2700, address(weth), type(uint256).max, 0);

        ISettlement.Collection memory preview = settlement.previewCollection(
            BOB,
            call3000,
            address(weth),
            type(uint256).max
        );
        assertEq(preview.fromClaims, 600e6, "his claim pays first");
        assertEq(preview.fromBalance, 300e6, "the debt is repaid at par from it");
        assertEq(preview.bought + preview.seized, 0, "nothing to buy");
        uint256 keeperQuote = vault.balanceOf(KEEPER, address(usdc));
        vm.prank(KEEPER);
        ISettlement.Collection memory done = settlement.collectDebt(BOB, call3000, address(weth), type(uint256).max, 0);
        assertEq(keccak256(abi.encode(done)), keccak256(abi.encode(preview)), "execution matches the preview");
        assertEq(settlement.debtOf(BOB), 0, "debt collected");
        assertEq(vault.balanceOf(BOB, address(weth)), 1e18, "none of Bob's WETH sold");
        assertEq(vault.balanceOf(KEEPER, address(usdc)), keeperQuote, "the collector paid nothing");
        assertEq(vault.balanceOf(BOB, address(usdc)), 300e6, "the net of his claim reaches him");
        assertEq(settlement.claimSeriesOf(BOB).length, 0, "claim paid off and unlisted");
        assertEq(settlement.claimOf(BOB, call2700), 0, "nothing left to claim");
    }

    /// @dev Claims first under a socialised haircut of the pools: the preview scales each claim as the payout does,
    /// so preview and execution still agree to the unit.
    function test_collectDebt_claimsFirstPreviewMatchesUnderASocialisedHaircut() public {
        address dan = address(0xDA);
        book.transferPosition(call2700, BOB, dan, 1e18);
        book.transferPosition(call3000, ALICE, BOB, 1e18);
        _depositWeth(BOB, 1e18);
        _deposit(dan, 600e6);
        _expireAt(3_300e8);
        settlement.settle(BOB, call3000);
        // Carol's deposit keeps the haircut within the vault's cap.
        _deposit(CAROL, 10_000e6);
        settlement.settle(dan, call2700);
        bytes32 socialiser = vault.SOCIALISER_ROLE();
        vm.prank(ADMIN);
        vault.grantRole(socialiser, address(this));
        vault.socializeLoss(CAROL, 500e6);
        ISettlement.Collection memory preview = settlement.previewCollection(BOB, call3000, address(usdc), 1_000e6);
        assertTrue(preview.fromClaims > 0 && preview.fromClaims < 600e6, "the claim pays, haircut");
        ISettlement.Collection memory done = settlement.collectDebt(BOB, call3000, address(usdc), 1_000e6, 0);
        assertEq(keccak256(abi.encode(done)), keccak256(abi.encode(preview)), "execution matches the preview");
    }

    /// @dev Quote the debtor holds repays first, at par; only the rest is bought at a discount.
    function test_collectDebt_takesTheQuoteBalanceFirst() public {
        _bobSettlesIntoDebt();
        _deposit(BOB, 100e6);
        _deposit(KEEPER, 1_000e6);
        vm.prank(KEEPER);
        ISettlement.Collection memory c = settlement.collectDebt(BOB, call2700, address(weth), type(uint256).max, 0);
        assertEq(c.fromBalance, 100e6, "quote at par");
        assertEq(c.bought, 200e6, "the rest bought");
        assertEq(c.seized, 0.068e18, "200 x 1.02 / 3,000");
        assertEq(vault.balanceOf(BOB, address(usdc)), 0, "quote used");
        assertEq(settlement.poolOf(call2700), 300e6, "pool funded");
    }

    /// @dev With too little collateral the keeper buys all of it at its discounted value, rounded against itself.
    function test_collectDebt_buysAllTheCollateralWhenItIsShort() public {
        book.transferPosition(call2700, ALICE, BOB, 1e18);
        _depositWeth(BOB, 0.05e18);
        _expireAt(3_000e8);
        settlement.settle(BOB, call2700);
        _deposit(KEEPER, 1_000e6);
        vm.prank(KEEPER);
        ISettlement.Collection memory c = settlement.collectDebt(BOB, call2700, address(weth), 300e6, 0);
        assertEq(c.seized, 0.05e18, "everything");
        // 0.05 × 3,000 / 1.02 = 147.0588235..., rounded up.
        assertEq(c.bought, 147.058824e6, "discounted value rounded up");
        assertEq(settlement.debtOn(BOB, call2700), 300e6 - 147.058824e6, "the rest stays owed");
    }

    function test_collectDebt_fromQuoteNeedsNoCollector() public {
        _bobSettlesIntoDebt();
        _deposit(BOB, 50e6);
        vm.prank(CAROL);
        ISettlement.Collection memory c = settlement.collectDebt(BOB, call2700, address(usdc), 1_000e6, 0);
        assertEq(c.fromBalance, 50e6, "quote taken");
        assertEq(c.seized, 50e6, "reported in quote units");
        assertEq(settlement.debtOf(BOB), 250e6, "rest owed");
    }

    function test_collectDebt_revertsOnBadInputAndUnhealthyPrice() public {
        _bobSettlesIntoDebt();
        _deposit(KEEPER, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_NoDebt.selector, ALICE, call2700));
        settlement.previewCollection(ALICE, call2700, address(weth), 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_NotCollateral.selector, address(0xDEAD)));
        settlement.previewCollection(BOB, call2700, address(0xDEAD), 1);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.Settlement_NothingToCollect.selector, BOB, call2700, address(usdc))
        );
        settlement.collectDebt(BOB, call2700, address(usdc), 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlement.Settlement_NothingToCollect.selector, BOB, call2700, address(weth))
        );
        settlement.collectDebt(BOB, call2700, address(weth), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_CollectionBelowMinimum.selector, 0.102e18, 1e18));
        vm.prank(KEEPER);
        settlement.collectDebt(BOB, call2700, address(weth), 300e6, 1e18);
        // A stale feed: the router is no longer Ok, and nothing is sold on such a price.
        vm.warp(block.timestamp + 2 hours);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_PriceNotOk.selector, address(weth), 2));
        vm.prank(KEEPER);
        settlement.collectDebt(BOB, call2700, address(weth), 300e6, 0);
    }

    /// @dev A collector must pass the margin hook after paying: one that owes settlement debt itself is refused.
    function test_collectDebt_collectorMustPassTheMarginHook() public {
        book.transferPosition(call2700, ALICE, CAROL, 1e18);
        _depositWeth(CAROL, 1e18);
        _bobSettlesIntoDebt();
        settlement.settle(CAROL, call2700);
        _deposit(CAROL, 1_000e6);
        // Carol's own deposit now repays her debt only when someone collects it; until then she is a debtor.
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_SettlementDebtOutstanding.selector, CAROL, 300e18));
        vm.prank(CAROL);
        settlement.collectDebt(BOB, call2700, address(weth), 300e6, 0);
    }

    /// @dev The discount is bounded: at any price, debt and collateral, the collateral a collector receives is worth
    /// at most what it paid × (1 + 2%) at market (one quote unit of rounding), and the debtor's debt falls by exactly
    /// what was paid.
    function testFuzz_collectDebt_neverSellsBelowTheBoundedDiscount(
        uint256 sizeSeed,
        uint256 wethSeed,
        uint256 priceSeed,
        uint256 repaySeed
    ) public {
        uint256 size = bound(sizeSeed, 0.01e18, 50e18);
        uint256 wethAmount = bound(wethSeed, 1e9, 20e18);
        int256 priceE8 = int256(bound(priceSeed, 2_701e8, 9_000e8));
        book.transferPosition(call2700, ALICE, BOB, size);
        _depositWeth(BOB, wethAmount);
        _expireAt(priceE8);
        settlement.settle(BOB, call2700);
        uint256 debt = settlement.debtOf(BOB);
        _deposit(KEEPER, 1_000_000e6);
        uint256 maxRepay = bound(repaySeed, 1, debt);
        vm.prank(KEEPER);
        try settlement.collectDebt(BOB, call2700, address(weth), maxRepay, 0) returns (
            ISettlement.Collection memory c
        ) {
            // Market value of the WETH bought, quote units rounded up: seized × price / 1e18 / 1e12.
            uint256 marketValue = _ceilDivUp(c.seized * uint256(priceE8) * 1e10, 1e30);
            assertLe(marketValue, (c.bought * 1.02e18) / 1e18 + 1, "bought below the bounded discount");
            assertLe(c.bought, maxRepay, "no more than asked");
            assertEq(settlement.debtOf(BOB), debt - c.bought, "debt falls by what was paid");
            assertEq(vault.balanceOf(KEEPER, address(weth)), c.seized, "the keeper got what was reported");
        } catch (bytes memory reason) {
            // Only a collection too small to buy a single wei of WETH may be refused.
            assertEq(
                keccak256(reason),
                keccak256(
                    abi.encodeWithSelector(
                        ISettlement.Settlement_NothingToCollect.selector,
                        BOB,
                        call2700,
                        address(weth)
                    )
                ),
                "refused for another reason"
            );
        }
    }

    function _ceilDivUp(uint256 a, uint256 b) internal pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    // ------------------------------------------------------------- finding 10: pro rata shortfall

    /// @dev Bob owes 300 on three calls but holds 150: Alice (2 calls) and Carol (1) carry the shortfall 2:1,
    /// whoever settles first.
    function test_longsOfOneSeriesShareAShortfallProRata() public {
        book.transferPosition(call2700, ALICE, BOB, 2e18);
        book.transferPosition(call2700, CAROL, BOB, 1e18);
        _deposit(BOB, 150e6);
        _expireAt(2_800e8);
        settlement.settle(BOB, call2700);
        assertEq(settlement.shortfallOf(call2700), 150e6, "shortfall");

        (uint256 paid, uint256 outstanding) = settlement.settle(ALICE, call2700);
        assertEq(paid, 100e6, "first long gets its half, not the whole pool");
        assertEq(outstanding, 100e6, "claim");
        (paid, outstanding) = settlement.settle(CAROL, call2700);
        assertEq(paid, 50e6, "last long gets its half too");
        assertEq(outstanding, 50e6, "claim");

        // A repayment is shared the same way.
        _deposit(BOB, 60e6);
        settlement.collectDebt(BOB, call2700, address(usdc), 60e6, 0);
        assertEq(settlement.claimable(ALICE, call2700), 40e6, "2/3 of the repayment");
        assertEq(settlement.claimable(CAROL, call2700), 20e6, "1/3 of the repayment");
        assertEq(settlement.claim(CAROL, call2700), 20e6, "paid");
        assertEq(settlement.claim(ALICE, call2700), 40e6, "paid");
        assertEq(settlement.claim(ALICE, call2700), 0, "nothing more until more is collected");
    }

    /// @dev Order independence of the pro rata rule: the same payouts when Carol settles first.
    function test_proRataPayoutsDoNotDependOnSettlementOrder() public {
        book.transferPosition(call2700, ALICE, BOB, 2e18);
        book.transferPosition(call2700, CAROL, BOB, 1e18);
        _deposit(BOB, 150e6);
        _expireAt(2_800e8);
        settlement.settle(BOB, call2700);
        (uint256 carolPaid, ) = settlement.settle(CAROL, call2700);
        (uint256 alicePaid, ) = settlement.settle(ALICE, call2700);
        assertEq(carolPaid, 50e6, "carol");
        assertEq(alicePaid, 100e6, "alice");
    }

    // ------------------------------------------------------------- finding 17: netting per expiry

    /// @dev Bob holds a call spread (long 2,700, short 3,000) and no collateral at all; Carol's short 2,700 call is
    /// funded. Naming Bob's short leg first used to leave him 300 of debt although his long pays 600.
    function test_settlementOrderWithinAnAccountNeverCreatesDebt() public {
        book.transferPosition(call2700, BOB, CAROL, 1e18);
        book.transferPosition(call3000, ALICE, BOB, 1e18);
        _deposit(CAROL, 1_000e6);
        _expireAt(3_300e8);
        settlement.settle(CAROL, call2700);

        uint256 snapshot = vm.snapshotState();
        (uint256 paid, uint256 outstanding) = settlement.settle(BOB, call3000);
        assertEq(paid, 300e6, "short leg paid from the long leg");
        assertEq(outstanding, 0, "no debt");
        assertEq(settlement.debtOf(BOB), 0, "no debt");
        assertEq(vault.balanceOf(BOB, address(usdc)), 300e6, "net 600 - 300");
        assertEq(book.positionOf(BOB, call2700), 0, "long leg settled in the same call");
        uint256 poolShortFirst = settlement.poolOf(call3000);

        vm.revertToState(snapshot);
        settlement.settle(BOB, call2700);
        assertEq(settlement.debtOf(BOB), 0, "no debt either way");
        assertEq(vault.balanceOf(BOB, address(usdc)), 300e6, "same balance either way");
        assertEq(settlement.poolOf(call3000), poolShortFirst, "same pool either way");
    }

    /// @dev When the long leg's pool is still empty the short leg leaves debt, and the long's later payout repays it
    /// before anything reaches the account.
    function test_aLaterPayoutRepaysTheAccountsDebtFirst() public {
        book.transferPosition(call2700, BOB, CAROL, 1e18);
        book.transferPosition(call3000, ALICE, BOB, 1e18);
        _deposit(CAROL, 1_000e6);
        _expireAt(3_300e8);
        settlement.settle(BOB, call3000);
        assertEq(settlement.debtOf(BOB), 300e6, "the long leg's pool was empty");
        assertEq(settlement.claimOf(BOB, call2700), 600e6, "claim");

        settlement.settle(CAROL, call2700);
        assertEq(settlement.claim(BOB, call2700), 600e6, "claim paid");
        assertEq(settlement.debtOf(BOB), 0, "debt repaid from the payout");
        assertEq(vault.balanceOf(BOB, address(usdc)), 300e6, "the net reaches the account");
        assertEq(settlement.poolOf(call3000), 300e6, "the short leg's pool is funded");
    }
}
