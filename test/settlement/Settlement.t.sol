// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {SeriesRegistry} from "../../contracts/series/SeriesRegistry.sol";
import {OpenPositionsMarginHook} from "../../contracts/vault/OpenPositionsMarginHook.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {SettlementFixture} from "./SettlementFixture.sol";
import {Deploy} from "../utils/Deploy.sol";

contract SettlementTest is SettlementFixture {
    // ---------------------------------------------------------------- constructor

    function test_constructor_storesDependencies() public view {
        assertEq(address(settlement.vault()), address(vault), "vault");
        assertEq(address(settlement.book()), address(book), "book");
        assertEq(address(settlement.registry()), address(registry), "registry");
        assertEq(settlement.quoteAsset(), address(usdc), "quote");
    }

    function test_constructor_revertsOnZeroAddress() public {
        vm.expectRevert(ISettlement.Settlement_ZeroAddress.selector);
        Deploy.settlement(address(0), vault, book, registry);
        vm.expectRevert(ISettlement.Settlement_ZeroAddress.selector);
        Deploy.settlement(ADMIN, Vault(address(0)), book, registry);
        vm.expectRevert(ISettlement.Settlement_ZeroAddress.selector);
        Deploy.settlement(ADMIN, vault, PositionBook(address(0)), registry);
        vm.expectRevert(ISettlement.Settlement_ZeroAddress.selector);
        Deploy.settlement(ADMIN, vault, book, SeriesRegistry(address(0)));
    }

    // ---------------------------------------------------------------- settle

    function test_settle_shortPaysIntoPoolRoundedUpLongIsPaidRoundedDown() public {
        uint256 amount = 1.333333333333333333e18;
        book.transferPosition(callId, ALICE, BOB, amount);
        _deposit(BOB, 10_000e6);
        _expire(3_300.123456e8);
        uint256 intrinsic = 300.123456e18;
        uint256 shortOwes = _ceilDiv(amount * intrinsic, DENOM);
        uint256 longOwed = (amount * intrinsic) / DENOM;
        assertEq(shortOwes, longOwed + 1, "the amounts differ by the rounding unit in this case");

        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.PositionSettled(BOB, callId, -int256(amount), 3_300.123456e18, shortOwes, 0);
        (uint256 paid, uint256 outstanding) = settlement.settle(BOB, callId);
        assertEq(paid, shortOwes, "short paid");
        assertEq(outstanding, 0, "no debt");
        assertEq(vault.balanceOf(BOB, address(usdc)), 10_000e6 - shortOwes, "short debited");
        assertEq(settlement.poolOf(callId), shortOwes, "pool");

        (paid, outstanding) = settlement.settle(ALICE, callId);
        assertEq(paid, longOwed, "long paid");
        assertEq(outstanding, 0, "no claim");
        assertEq(vault.balanceOf(ALICE, address(usdc)), longOwed, "long credited");
        assertEq(settlement.poolOf(callId), 1, "one unit of rounding dust stays in the pool");
        assertEq(book.positionOf(ALICE, callId), 0, "long closed");
        assertEq(book.positionOf(BOB, callId), 0, "short closed");
        assertEq(registry.getSeries(callId).openInterest, 0, "open interest gone");
        assertEq(book.closedPositionSum(callId), 0, "zero-sum after settlement");
    }

    function test_settle_putAndOutOfTheMoney() public {
        book.transferPosition(putId, ALICE, BOB, 2e18);
        book.transferPosition(callId, ALICE, BOB, 2e18);
        _deposit(BOB, 1_000e6);
        _expire(2_750e8);
        // The put pays 250 per option; the call of the same expiry expires worthless and settles in the same call.
        (uint256 paid, ) = settlement.settle(BOB, putId);
        assertEq(paid, 500e6, "put short pays 2 x 250");
        assertEq(book.positionOf(BOB, callId), 0, "the worthless call settled with it");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_NoPosition.selector, BOB, callId));
        settlement.settle(BOB, callId);
        assertEq(vault.balanceOf(BOB, address(usdc)), 500e6, "only the put was paid");
        (paid, ) = settlement.settle(ALICE, putId);
        assertEq(paid, 500e6, "put long paid");
        assertEq(settlement.settlementAmount(callId, 5e18), 0, "call amount at this price");
        assertEq(settlement.settlementAmount(putId, -3e18), -750e6, "put short amount");
    }

    function test_settle_longBeforeShortKeepsAClaimPaidLater() public {
        book.transferPosition(callId, ALICE, BOB, 1e18);
        _deposit(BOB, 1_000e6);
        _expire(3_100e8);
        (uint256 paid, uint256 outstanding) = settlement.settle(ALICE, callId);
        assertEq(paid, 0, "nothing in the pool yet");
        assertEq(outstanding, 100e6, "claim");
        assertEq(settlement.claimOf(ALICE, callId), 100e6, "claim stored");

        settlement.settle(BOB, callId);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.ClaimPaid(ALICE, callId, 100e6);
        assertEq(settlement.claim(ALICE, callId), 100e6, "claim paid");
        assertEq(vault.balanceOf(ALICE, address(usdc)), 100e6, "long credited");
        assertEq(settlement.claimOf(ALICE, callId), 0, "claim cleared");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_NothingToClaim.selector, ALICE, callId));
        settlement.claim(ALICE, callId);
    }

    /// @dev The claim list (its index packed with each claim) stays exact while claims are paid off in any order:
    /// each removal moves the last entry into the freed place.
    function test_claimList_staysExactWhenClaimsArePaidOffInAnyOrder() public {
        uint256[4] memory ids;
        ids[0] = callId;
        vm.startPrank(LISTER);
        for (uint256 i = 1; i < 4; ++i) ids[i] = registry.listSeries(1, STRIKE - i * 100e18, EXPIRY, true);
        vm.stopPrank();
        for (uint256 i; i < 4; ++i) book.transferPosition(ids[i], ALICE, BOB, 1e18);
        _deposit(BOB, 10_000e6);
        _expire(3_100e8);
        // Alice's longs settle first (netted: all four at once) against empty pools: four unpaid claims.
        settlement.settle(ALICE, callId);
        assertEq(settlement.claimSeriesOf(ALICE).length, 4, "four claims listed");
        settlement.settle(BOB, callId);
        uint256[4] memory payOrder = [ids[1], ids[3], ids[0], ids[2]];
        for (uint256 k; k < 4; ++k) {
            uint256 id = payOrder[k];
            uint256 owed = settlement.claimOf(ALICE, id);
            assertTrue(owed != 0, "claim unpaid before");
            assertEq(settlement.claim(ALICE, id), owed, "claim paid in full");
            uint256[] memory listed = settlement.claimSeriesOf(ALICE);
            assertEq(listed.length, 3 - k, "one claim less");
            // Exactly the claims not yet paid are listed.
            for (uint256 j = k + 1; j < 4; ++j) {
                bool found;
                for (uint256 m; m < listed.length; ++m) if (listed[m] == payOrder[j]) found = true;
                assertTrue(found, "unpaid claim still listed");
            }
        }
    }

    function test_claim_withEmptyPoolPaysNothing() public {
        book.transferPosition(callId, ALICE, BOB, 1e18);
        _expire(3_100e8);
        settlement.settle(ALICE, callId);
        assertEq(settlement.claim(ALICE, callId), 0, "empty pool");
        assertEq(settlement.claimOf(ALICE, callId), 100e6, "claim kept");
    }

    function test_settle_insolventShortRecordsDebtAndShortfall() public {
        book.transferPosition(callId, ALICE, BOB, 3e18);
        _deposit(BOB, 120e6);
        _expire(3_100e8);
        (uint256 paid, uint256 outstanding) = settlement.settle(BOB, callId);
        assertEq(paid, 120e6, "everything the short had");
        assertEq(outstanding, 180e6, "the rest is debt");
        assertEq(settlement.debtOf(BOB), 180e6, "account debt");
        assertEq(settlement.debtOn(BOB, callId), 180e6, "series debt");
        assertEq(settlement.shortfallOf(callId), 180e6, "series shortfall");

        // The long is not blocked: it gets what the pool holds and keeps a claim for the rest.
        (paid, outstanding) = settlement.settle(ALICE, callId);
        assertEq(paid, 120e6, "long paid what the short had");
        assertEq(outstanding, 180e6, "long claim");
        // Conservation: what shorts owe = what is in the pool + paid out + debt, and claims = debt here.
        assertEq(settlement.claimOf(ALICE, callId), settlement.shortfallOf(callId), "claims equal the shortfall");
    }

    function test_settle_revertsBeforeExpiryPrice() public {
        book.transferPosition(callId, ALICE, BOB, 1e18);
        vm.warp(EXPIRY + 1);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_PriceNotSet.selector, callId, EXPIRY));
        settlement.settle(ALICE, callId);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_PriceNotSet.selector, callId, EXPIRY));
        settlement.settlementAmount(callId, 1e18);
    }

    function test_settle_revertsWithoutPosition() public {
        _expire(3_100e8);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_NoPosition.selector, CAROL, callId));
        settlement.settle(CAROL, callId);
    }

    function test_settle_twiceReverts() public {
        book.transferPosition(callId, ALICE, BOB, 1e18);
        _deposit(BOB, 1_000e6);
        _expire(3_100e8);
        settlement.settle(BOB, callId);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_NoPosition.selector, BOB, callId));
        settlement.settle(BOB, callId);
    }

    // ---------------------------------------------------------------- repayDebt

    function _indebtedBob() internal {
        book.transferPosition(callId, ALICE, BOB, 3e18);
        _deposit(BOB, 120e6);
        _expire(3_100e8);
        settlement.settle(BOB, callId);
        settlement.settle(ALICE, callId);
    }

    function test_repayDebt_byTheAccountFundsThePoolAndClaims() public {
        _indebtedBob();
        _deposit(BOB, 100e6);
        vm.expectEmit(true, true, true, true, address(settlement));
        emit ISettlement.DebtRepaid(BOB, callId, BOB, 100e6);
        vm.prank(BOB);
        assertEq(settlement.repayDebt(BOB, callId, BOB, 100e6), 100e6, "repaid");
        assertEq(settlement.debtOf(BOB), 80e6, "debt left");
        assertEq(settlement.shortfallOf(callId), 80e6, "shortfall left");
        assertEq(settlement.poolOf(callId), 100e6, "pool funded");
        assertEq(settlement.claim(ALICE, callId), 100e6, "claim paid from the repayment");
    }

    function test_repayDebt_capsAtTheDebtAndAcceptsAThirdPartyPayer() public {
        _indebtedBob();
        _deposit(CAROL, 1_000e6);
        vm.prank(CAROL);
        assertEq(settlement.repayDebt(BOB, callId, CAROL, 1_000e6), 180e6, "only the debt is taken");
        assertEq(vault.balanceOf(CAROL, address(usdc)), 820e6, "payer debited");
        assertEq(settlement.debtOf(BOB), 0, "debt cleared");
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_NoDebt.selector, BOB, callId));
        vm.prank(CAROL);
        settlement.repayDebt(BOB, callId, CAROL, 1);
    }

    function test_repayDebt_thirdPartyPayerMustPassTheMarginHook() public {
        _indebtedBob();
        // Carol holds an open position: the interim hook refuses to let her balance fall.
        book.transferPosition(putId, CAROL, ALICE, 1e18);
        _deposit(CAROL, 1_000e6);
        vm.expectRevert(abi.encodeWithSelector(OpenPositionsMarginHook.MarginHook_OpenPositions.selector, CAROL, 1));
        vm.prank(CAROL);
        settlement.repayDebt(BOB, callId, CAROL, 10e6);
    }

    function test_repayDebt_revertsOnBadInput() public {
        _indebtedBob();
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_Unauthorized.selector, BOB, STRANGER));
        vm.prank(STRANGER);
        settlement.repayDebt(BOB, callId, BOB, 1);
        vm.expectRevert(ISettlement.Settlement_ZeroAmount.selector);
        vm.prank(BOB);
        settlement.repayDebt(BOB, callId, BOB, 0);
        vm.expectRevert(abi.encodeWithSelector(ISettlement.Settlement_NoDebt.selector, ALICE, callId));
        vm.prank(BOB);
        settlement.repayDebt(ALICE, callId, BOB, 1);
    }

    // ---------------------------------------------------------------- socialised losses

    /// @dev A socialised loss haircuts the settlement contract's vault balance like every quote balance; the pools
    /// stay nominal, so payouts are scaled by balance / pooled and the last long is still paid (no revert).
    function test_settle_longsShareASocialisedHaircutOfThePool() public {
        book.transferPosition(callId, ALICE, BOB, 2e18);
        book.transferPosition(callId, CAROL, BOB, 1e18);
        _deposit(BOB, 10_000e6);
        _expire(3_100e8);
        settlement.settle(BOB, callId);
        assertEq(settlement.poolOf(callId), 300e6, "short paid 3 x 100 into the pool");

        // A 500 USDC loss over 10,000 USDC of quote balances: every balance keeps 95%.
        vm.startPrank(ADMIN);
        vault.grantRole(vault.SOCIALISER_ROLE(), address(this));
        vm.stopPrank();
        vault.socializeLoss(STRANGER, 500e6);
        assertEq(vault.balanceOf(address(settlement), address(usdc)), 285e6, "the pool's backing was haircut");

        (uint256 paid, uint256 outstanding) = settlement.settle(ALICE, callId);
        assertEq(paid, 190e6, "200 owed x 285 / 300");
        assertEq(outstanding, 0, "nothing left owed: the haircut is the socialised loss, not a claim");
        (paid, ) = settlement.settle(CAROL, callId);
        assertEq(paid, 95e6, "100 owed x 95 / 100");
        assertEq(settlement.totalPooled(), 0, "every pool paid out");
        assertEq(vault.balanceOf(address(settlement), address(usdc)), 0, "nothing stranded");
    }
}
