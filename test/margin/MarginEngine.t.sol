// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {Health} from "../../contracts/interfaces/IOracleRouter.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../../contracts/interfaces/ISettlement.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {RiskController} from "../../contracts/risk/RiskController.sol";
import {StandardMarginLib} from "../../contracts/margin/StandardMarginLib.sol";
import {StandardMarginHarness} from "../../contracts/mocks/StandardMarginHarness.sol";
import {MarginFixture} from "./MarginFixture.sol";
import {Deploy} from "../utils/Deploy.sol";
import {WAD} from "../../contracts/libraries/Constants.sol";

/// @notice The margin engine on the real oracle, registry, book, vault and settlement stack. Expected values are
/// computed in the test from the documented formulas (`contracts/margin/README.md`), with Black–Scholes marks from
/// the library, and the marks of the worked examples checked against a 50-digit reference.
contract MarginEngineTest is MarginFixture {
    uint256 internal constant T30 = 30 days;
    uint256 internal constant T60 = 60 days;
    /// @dev Reference marks at S = 3000, vol 80%, 30 days (mpmath, 50 digits).
    uint256 internal constant REF_CALL_3000 = 273.89522345538882152e18;
    uint256 internal constant REF_CALL_3300 = 161.94070634065570172e18;
    uint256 internal constant REF_PUT_2900 = 222.25404952202580137e18;
    uint256 internal constant REF_PUT_3300 = 461.94070634065570172e18;
    /// @dev The library's error bound is 2e-14 × (S + K) + 2 wei: at most 1.3e-10 here.
    uint256 internal constant REF_TOLERANCE = 1e9;

    /// @dev Exposes `StandardMarginLib.maxLoss` so its reverts can be expected (a library harness, not a mock).
    StandardMarginHarness internal harness;

    function setUp() public override {
        super.setUp();
        harness = new StandardMarginHarness();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Worked examples (README): S = 3000, vol 80%, 30 days, a = 0.15, b = 0.10, c = 0.075, 10,000 USDC
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Example 1: one naked short 3300 call. OTM = 300, a·S − OTM = 150 < b·S = 300, so IM = 300 + mark and
    /// MM = 225 + mark, mark = 161.9407063406557 (+ error bound).
    function test_example1_nakedShortCall() public {
        uint256 k = 3_300e18;
        _position(ALICE, _list(k, EXPIRY_1, true), -1e18);
        _deposit(ALICE, 10_000e6);

        uint256 mark = _call(SPOT, k, T30);
        _assertNear(mark, REF_CALL_3300, REF_TOLERANCE, "reference call mark");
        uint256 shortMark = mark + _err(SPOT, k);
        _assertMargin(ALICE, 10_000e18 - int256(shortMark), 300e18 + shortMark, 225e18 + shortMark, "example 1");
    }

    /// @notice Example 2: one naked short 2900 put, out of the money by 100: a·S − OTM = 350 > b·S = 300, so
    /// IM = 350 + mark, MM = 225 + mark, mark = 222.2540495220258.
    function test_example2_nakedShortPutOtm() public {
        uint256 k = 2_900e18;
        _position(ALICE, _list(k, EXPIRY_1, false), -1e18);
        _deposit(ALICE, 10_000e6);

        uint256 mark = _put(SPOT, k, T30);
        _assertNear(mark, REF_PUT_2900, REF_TOLERANCE, "reference put mark");
        uint256 shortMark = mark + _err(SPOT, k);
        _assertMargin(ALICE, 10_000e18 - int256(shortMark), 350e18 + shortMark, 225e18 + shortMark, "example 2");
    }

    /// @notice Example 3: a bear call spread, short the 3000 call and long the 3300 call. Naked: IM 450 + 273.9,
    /// MM 225 + 273.9; the payoff's worst case is −300 (the width), so IM = MM = 300.
    function test_example3_callSpreadAtWidth() public {
        _position(ALICE, _list(3_000e18, EXPIRY_1, true), -1e18);
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), 1e18);
        _deposit(ALICE, 10_000e6);

        uint256 shortMark = _call(SPOT, 3_000e18, T30) + _err(SPOT, 3_000e18);
        uint256 longMark = _call(SPOT, 3_300e18, T30) - _err(SPOT, 3_300e18);
        _assertNear(shortMark, REF_CALL_3000, REF_TOLERANCE, "reference 3000 call mark");
        assertGe(450e18 + shortMark, 300e18, "naked IM above the width");
        assertGe(225e18 + shortMark, 300e18, "naked MM above the width");
        _assertMargin(ALICE, 10_000e18 - int256(shortMark) + int256(longMark), 300e18, 300e18, "example 3");
    }

    /// @notice Example 4a: a call covered by a long call of a lower strike (long 3000, short 3300) can never lose at
    /// expiry: IM = MM = 0.
    function test_example4a_coveredCallNeedsNothing() public {
        _position(ALICE, _list(3_000e18, EXPIRY_1, true), 1e18);
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), -1e18);
        _deposit(ALICE, 10_000e6);

        uint256 longMark = _call(SPOT, 3_000e18, T30) - _err(SPOT, 3_000e18);
        uint256 shortMark = _call(SPOT, 3_300e18, T30) + _err(SPOT, 3_300e18);
        _assertMargin(ALICE, 10_000e18 + int256(longMark) - int256(shortMark), 0, 0, "example 4a");
    }

    /// @notice Example 4b: a short box of two (short 3000 call, long 3300 call, long 3000 put, short 3300 put, two
    /// each) pays exactly −2 × 300 at any price: IM = MM = 600, where the naked sum is 3,271.67.
    function test_example4b_shortBoxAtItsTrueRisk() public {
        _position(ALICE, _list(3_000e18, EXPIRY_1, true), -2e18);
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), 2e18);
        _position(ALICE, _list(3_000e18, EXPIRY_1, false), 2e18);
        _position(ALICE, _list(3_300e18, EXPIRY_1, false), -2e18);
        _deposit(ALICE, 10_000e6);

        uint256 e1 = _err(SPOT, 3_000e18);
        uint256 e2 = _err(SPOT, 3_300e18);
        uint256 c1 = _call(SPOT, 3_000e18, T30);
        uint256 c2 = _call(SPOT, 3_300e18, T30);
        uint256 p1 = _put(SPOT, 3_000e18, T30);
        uint256 p2 = _put(SPOT, 3_300e18, T30);
        _assertNear(p2, REF_PUT_3300, REF_TOLERANCE, "reference 3300 put mark");
        // Group sums in E36: longs rounded down once, shorts up once.
        uint256 longE36 = 2e18 * (c2 - e2) + 2e18 * (p1 - e1);
        uint256 shortE36 = 2e18 * (c1 + e1) + 2e18 * (p2 + e2);
        int256 equity = 10_000e18 + int256(longE36 / WAD) - int256(_ceilDiv(shortE36, WAD));
        _assertMargin(ALICE, equity, 600e18, 600e18, "example 4b");
    }

    /// @notice Example 5: two short 3000 calls against one long 3300 call lose without bound as the price rises, so
    /// the group keeps its naked requirement: 2 × (450 + mark) and 2 × (225 + mark).
    function test_example5_unboundedKeepsNaked() public {
        _position(ALICE, _list(3_000e18, EXPIRY_1, true), -2e18);
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), 1e18);
        _deposit(ALICE, 10_000e6);

        uint256 shortMark = _call(SPOT, 3_000e18, T30) + _err(SPOT, 3_000e18);
        uint256 longMark = _call(SPOT, 3_300e18, T30) - _err(SPOT, 3_300e18);
        int256 equity = 10_000e18 + int256(longMark) - int256(2 * shortMark);
        _assertMargin(ALICE, equity, 2 * (450e18 + shortMark), 2 * (225e18 + shortMark), "example 5");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Equity, marks and grouping
    // ------------------------------------------------------------------------------------------------------------

    function test_marginOf_emptyAccountIsItsCollateral() public {
        _deposit(ALICE, 1_234_567_890);
        _assertMargin(ALICE, 1_234.56789e18, 0, 0, "collateral only");
        _assertMargin(BOB, 0, 0, 0, "nothing at all");
    }

    /// @notice Longs at model − bound rounded down, shorts at model + bound rounded up, on fractional sizes, across
    /// two expiries; a spread split across expiries is not netted (each group is margined on its own).
    function test_marginOf_equityAndRequirementsAcrossExpiries() public {
        uint256 longSize = 3.333333333333333333e18;
        uint256 shortSize = 0.7e18;
        _position(ALICE, _list(2_700e18, EXPIRY_1, false), int256(longSize));
        _position(ALICE, _list(3_300e18, EXPIRY_2, true), -int256(shortSize));
        _deposit(ALICE, 5_000e6);

        uint256 longModel = _put(SPOT, 2_700e18, T30);
        uint256 shortModel = _call(SPOT, 3_300e18, T60);
        uint256 longE36 = longSize * (longModel - _err(SPOT, 2_700e18));
        uint256 shortMark = shortModel + _err(SPOT, 3_300e18);
        int256 equity = 5_000e18 + int256(longE36 / WAD) - int256(_ceilDiv(shortSize * shortMark, WAD));
        // Expiry 1 holds only a long: nothing. Expiry 2: max(450 − 300, 300) + mark, 225 + mark, times 0.7.
        uint256 initial = _ceilDiv(shortSize * (300e18 + shortMark), WAD);
        uint256 maintenance = _ceilDiv(shortSize * (225e18 + shortMark), WAD);
        _assertMargin(ALICE, equity, initial, maintenance, "two expiries");
    }

    /// @notice A call and a put of one strike share one Black–Scholes evaluation; the result equals pricing each.
    function test_marginOf_straddleMatchesSeparatePrices() public {
        _position(ALICE, _list(3_100e18, EXPIRY_1, false), -1.5e18);
        _position(ALICE, _list(3_100e18, EXPIRY_1, true), -1.5e18);
        uint256 e = _err(SPOT, 3_100e18);
        uint256 callMark = _call(SPOT, 3_100e18, T30) + e;
        uint256 putMark = _put(SPOT, 3_100e18, T30) + e;
        int256 equity = -int256(_ceilDiv(1.5e18 * callMark + 1.5e18 * putMark, WAD));
        // Call OTM by 100: max(350, 300); put ITM: max(450, 300). The straddle's loss is unbounded (short calls).
        uint256 initial = _ceilDiv(1.5e18 * (350e18 + callMark) + 1.5e18 * (450e18 + putMark), WAD);
        uint256 maintenance = _ceilDiv(1.5e18 * (225e18 + callMark) + 1.5e18 * (225e18 + putMark), WAD);
        _assertMargin(ALICE, equity, initial, maintenance, "short straddle");
    }

    /// @notice Deep out of the money the floor b·S binds the naked requirement; a short put can never lose more
    /// than its strike, and that caps the initial requirement once spot has run far above it.
    function test_marginOf_shortPutCappedByItsStrike() public {
        uint256 k = 1_600e18;
        _position(ALICE, _list(k, EXPIRY_1, false), -1e18);
        _setPrices(20_000e8, VOL_E8);
        uint256 spot = 20_000e18;
        uint256 mark = _put(spot, k, T30) + _err(spot, k);
        // Naked: max(3000 − 18400 → 0, 2000) + mark; MM 1500 + mark. Max loss: 1600 (at a price of 0).
        assertLe(1_500e18 + mark, 1_600e18, "maintenance stays naked");
        _assertMargin(ALICE, -int256(mark), 1_600e18, 1_500e18 + mark, "capped by the strike");
    }

    function test_markOf_isTheModelBeforeExpiry() public {
        uint256 callId = _list(3_300e18, EXPIRY_1, true);
        uint256 putId = _list(2_900e18, EXPIRY_2, false);
        assertEq(margin.markOf(callId), _call(SPOT, 3_300e18, T30), "call mark");
        assertEq(margin.markOf(putId), _put(SPOT, 2_900e18, T60), "put mark");
        _assertNear(margin.markOf(callId), REF_CALL_3300, REF_TOLERANCE, "reference");
    }

    function test_markOf_revertsForUnknownSeries() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 99));
        margin.markOf(99);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Expired series
    // ------------------------------------------------------------------------------------------------------------

    /// @notice After expiry and before the price is proven, marks are intrinsic at spot and the group's ratios
    /// apply to spot; volatility is not needed.
    function test_expired_marksAtSpotWhileUnset() public {
        uint256 callId = _list(3_000e18, EXPIRY_1, true);
        uint256 putId = _list(3_300e18, EXPIRY_1, false);
        _position(ALICE, callId, -1e18);
        _position(ALICE, putId, 2e18);
        vm.warp(EXPIRY_1 + 1 hours);
        ethFeed.updateAnswer(3_200e8);
        secondaryFeed.updateAnswer(3_200e8);
        volFeed.updateAnswer(0);

        assertEq(margin.markOf(callId), 200e18, "call intrinsic at spot");
        assertEq(margin.markOf(putId), 100e18, "put intrinsic at spot");
        // Equity: −200 + 2 × 100. The short call's loss is unbounded (Σ call sizes = −1), so it keeps its naked
        // requirement at S = 3200: in the money, max(480, 320) + 200 = 680 and 240 + 200 = 440.
        _assertMargin(ALICE, 0, 680e18, 440e18, "expired, spot");
    }

    /// @notice Once the expiry price is proven, marks are intrinsic at it and no live price is read: the account is
    /// valued even with every feed down.
    function test_expired_marksAtExpiryPriceWithFeedsDown() public {
        uint256 callId = _list(3_000e18, EXPIRY_1, true);
        uint256 call2Id = _list(3_300e18, EXPIRY_1, true);
        _position(ALICE, callId, -1e18);
        _position(ALICE, call2Id, 1e18);
        _deposit(ALICE, 1_000e6);
        _proveExpiry(EXPIRY_1, 3_500e8);
        _setPrices(0, 0);

        assertEq(margin.markOf(callId), 500e18, "call intrinsic at the expiry price");
        assertEq(margin.markOf(call2Id), 200e18, "second call");
        // Equity 1000 − 500 + 200; the spread's max loss 300 is below the naked 525 + 500.
        _assertMargin(ALICE, 700e18, 300e18, 300e18, "expired, proven");
    }

    function test_markOf_expiredRevertsWhileUnsetAndSpotDown() public {
        uint256 callId = _list(3_000e18, EXPIRY_1, true);
        vm.warp(EXPIRY_1 + 1);
        _setPrices(0, VOL_E8);
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_PriceUnavailable.selector, ETH_ID));
        margin.markOf(callId);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Oracle health
    // ------------------------------------------------------------------------------------------------------------

    /// @notice Sources disagreeing beyond 2%: the router is Degraded and returns the primary's price, which the
    /// margin uses as it is.
    function test_degradedSpotIsUsed() public {
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), -1e18);
        secondaryFeed.updateAnswer(3_300e8);
        (, Health health) = ethRouter.spot();
        assertTrue(health == Health.Degraded, "router degraded");
        uint256 shortMark = _call(SPOT, 3_300e18, T30) + _err(SPOT, 3_300e18);
        _assertMargin(ALICE, -int256(shortMark), 300e18 + shortMark, 225e18 + shortMark, "degraded");
    }

    /// @notice The primary invalid: Degraded on the secondary's price, which is used.
    function test_degradedSecondaryPriceIsUsed() public {
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), -1e18);
        ethFeed.updateAnswer(0);
        secondaryFeed.updateAnswer(3_100e8);
        uint256 spot = 3_100e18;
        uint256 shortMark = _call(spot, 3_300e18, T30) + _err(spot, 3_300e18);
        // OTM 200: max(465 − 200, 310) = 310; c·S = 232.5.
        _assertMargin(ALICE, -int256(shortMark), 310e18 + shortMark, 232.5e18 + shortMark, "secondary");
    }

    function test_spotDownReverts() public {
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), -1e18);
        _deposit(ALICE, 10_000e6);
        _setPrices(0, VOL_E8);
        _expectPriceUnavailable();
        margin.marginOf(ALICE);
        _expectPriceUnavailable();
        margin.checkInitialMargin(ALICE);
        _expectPriceUnavailable();
        margin.markOf(1);
    }

    /// @notice A price from 2^120 (1.3e18 dollars) is outside the engine's domain: refused with its own error before
    /// any sum is taken (the leg sums run unchecked inside the domain).
    function test_priceFrom2To120IsOutOfRange() public {
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), -1e18);
        _deposit(ALICE, 10_000e6);
        int256 hugeE8 = int256((uint256(1) << 120) / 1e10 + 1);
        _setPrices(hugeE8, VOL_E8);
        uint256 hugeE18 = uint256(hugeE8) * 1e10;
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_PriceOutOfRange.selector, ETH_ID, hugeE18));
        margin.marginOf(ALICE);
    }

    /// @notice `positionsMarginOf` takes parallel arrays: different lengths are refused by name.
    function test_positionsMarginOf_revertsOnLengthMismatch() public {
        uint256[] memory ids = new uint256[](2);
        int256[] memory sizes = new int256[](1);
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_LengthMismatch.selector, 2, 1));
        margin.positionsMarginOf(ids, sizes, false);
    }

    /// @notice Sizes outside int128 (the book's range) are refused by the max-loss domain check, never summed into
    /// a wrong figure.
    function test_positionsMarginOf_revertsOnSizeOutsideInt128() public {
        uint256[] memory ids = new uint256[](1);
        ids[0] = _list(3_300e18, EXPIRY_1, true);
        int256[] memory sizes = new int256[](1);
        sizes[0] = int256(type(int128).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(StandardMarginLib.StandardMargin_LegOutOfRange.selector, 0));
        margin.positionsMarginOf(ids, sizes, false);
    }

    function test_volDownReverts() public {
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), 1e18);
        volFeed.updateAnswer(0);
        _expectPriceUnavailable();
        margin.marginOf(ALICE);
        _expectPriceUnavailable();
        margin.markOf(1);
    }

    /// @notice Stale feeds (past heartbeat + slack) are Down too.
    function test_staleFeedsRevert() public {
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), -1e18);
        vm.warp(T0 + HEARTBEAT + SLACK + 1);
        _expectPriceUnavailable();
        margin.marginOf(ALICE);
    }

    /// @notice No positions and no debt: the check passes without reading any price, even with every feed down.
    function test_checkInitialMargin_emptyAccountReadsNoOracle() public {
        _setPrices(0, 0);
        margin.checkInitialMargin(ALICE);
        _deposit(ALICE, 1e6);
        margin.checkInitialMargin(ALICE);
        margin.checkWithdrawal(ALICE);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Checks and the vault hook
    // ------------------------------------------------------------------------------------------------------------

    function test_checkInitialMargin_revertsWithExactValues() public {
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), -1e18);
        _deposit(ALICE, 400e6);
        uint256 shortMark = _call(SPOT, 3_300e18, T30) + _err(SPOT, 3_300e18);
        int256 equity = 400e18 - int256(shortMark);
        uint256 initial = 300e18 + shortMark;
        vm.expectRevert(
            abi.encodeWithSelector(IMarginEngine.Margin_InsufficientInitialMargin.selector, ALICE, equity, initial)
        );
        margin.checkInitialMargin(ALICE);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginEngine.Margin_InsufficientInitialMargin.selector, ALICE, equity, initial)
        );
        margin.checkWithdrawal(ALICE);

        _deposit(ALICE, 300e6);
        margin.checkInitialMargin(ALICE);
    }

    /// @notice `marginsOf` is `marginOf` of each account, and `checkTradeMargin` checks the first account before the
    /// second, initial margin for a side adding risk and maintenance or no-worse surplus for a reducing side.
    function test_marginsOfAndCheckTradeMargin_matchTheSingleAccountCalculation() public {
        uint256 id = _list(3_300e18, EXPIRY_1, true);
        _position(ALICE, id, -1e18);
        _position(BOB, id, 2e18);
        _deposit(ALICE, 600e6);
        _deposit(BOB, 1_000e6);
        address[] memory accounts = new address[](2);
        accounts[0] = ALICE;
        accounts[1] = BOB;
        IMarginEngine.AccountMargin[] memory m = margin.marginsOf(accounts);
        for (uint256 i; i < 2; ++i) {
            IMarginEngine.AccountMargin memory single = margin.marginOf(accounts[i]);
            assertEq(m[i].equityWad, single.equityWad, "equity");
            assertEq(m[i].initialWad, single.initialWad, "initial");
            assertEq(m[i].maintenanceWad, single.maintenanceWad, "maintenance");
        }

        // Alice lacks initial margin (600 − mark < 300 + mark) but holds maintenance (225 + mark).
        IMarginEngine.TradeCheck memory alice = IMarginEngine.TradeCheck(ALICE, false, 0);
        IMarginEngine.TradeCheck memory bob = IMarginEngine.TradeCheck(BOB, false, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientInitialMargin.selector,
                ALICE,
                m[0].equityWad,
                m[0].initialWad
            )
        );
        margin.checkTradeMargin(bob, alice);
        alice.reduces = true;
        margin.checkTradeMargin(alice, bob);

        // Below maintenance, a reducing side passes only when its surplus did not fall.
        _setPrices(3_800e8, VOL_E8);
        IMarginEngine.AccountMargin memory low = margin.marginOf(ALICE);
        int256 surplus = low.equityWad - int256(low.maintenanceWad);
        assertTrue(surplus < 0, "under maintenance");
        alice.surplusBefore = surplus;
        margin.checkTradeMargin(bob, alice);
        alice.surplusBefore = surplus + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientMaintenanceMargin.selector,
                ALICE,
                low.equityWad,
                low.maintenanceWad
            )
        );
        margin.checkTradeMargin(bob, alice);
    }

    /// @notice Wired as the vault's hook: a withdrawal keeping initial margin passes, one breaking it reverts with
    /// the engine's error on the already-debited state, and the balance is left untouched.
    function test_vaultHook_blocksWithdrawalBreakingInitialMargin() public {
        assertEq(address(vault.marginHook()), address(margin), "margin is the hook");
        _position(ALICE, _list(3_300e18, EXPIRY_1, true), -1e18);
        _deposit(ALICE, 1_000e6);
        uint256 shortMark = _call(SPOT, 3_300e18, T30) + _err(SPOT, 3_300e18);
        uint256 initial = 300e18 + shortMark;
        // 1000 − 200 − 162 = 638 >= 462: allowed.
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(usdc), 200e6, ALICE);
        assertEq(usdc.balanceOf(ALICE), 200e6, "withdrawn");

        // 800 − 300 − 162 = 338 < 462: blocked.
        int256 equityAfter = 500e18 - int256(shortMark);
        vm.expectRevert(
            abi.encodeWithSelector(IMarginEngine.Margin_InsufficientInitialMargin.selector, ALICE, equityAfter, initial)
        );
        vm.prank(ALICE);
        vault.withdraw(ALICE, address(usdc), 300e6, ALICE);
        assertEq(vault.balanceOf(ALICE, address(usdc)), 800e6, "balance kept");

        // The same rule on an account-to-account transfer.
        vm.expectRevert(
            abi.encodeWithSelector(IMarginEngine.Margin_InsufficientInitialMargin.selector, ALICE, equityAfter, initial)
        );
        vm.prank(ALICE);
        vault.transfer(ALICE, BOB, address(usdc), 300e6);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Settlement debt
    // ------------------------------------------------------------------------------------------------------------

    /// @notice A short settled in the money without enough quote owes the rest: the debt (quote units, times 1e12)
    /// counts against equity, and the account fails the check with no position left.
    function test_debt_countsAgainstEquity() public {
        uint256 callId = _list(3_000e18, EXPIRY_1, true);
        _position(ALICE, callId, -1e18);
        _deposit(ALICE, 100e6);
        _proveExpiry(EXPIRY_1, 3_500e8);
        settlement.settle(ALICE, callId);
        assertEq(settlement.debtOf(ALICE), 400e6, "debt recorded");

        _assertMargin(ALICE, -400e18, 0, 0, "indebted");
        vm.expectRevert(
            abi.encodeWithSelector(IMarginEngine.Margin_InsufficientInitialMargin.selector, ALICE, -400e18, 0)
        );
        margin.checkInitialMargin(ALICE);

        _deposit(ALICE, 400e6);
        _assertMargin(ALICE, 0, 0, 0, "covered");
        margin.checkInitialMargin(ALICE);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Parameters, constructor, access
    // ------------------------------------------------------------------------------------------------------------

    function test_constructor_setsReferences() public view {
        assertEq(address(margin.vault()), address(vault), "vault");
        assertEq(address(margin.book()), address(book), "book");
        assertEq(address(margin.registry()), address(registry), "registry");
        assertEq(address(margin.settlement()), address(settlement), "settlement");
        assertEq(address(RiskController(address(margin.riskController())).registry()), address(registry), "risk");
        assertTrue(margin.hasRole(margin.DEFAULT_ADMIN_ROLE(), ADMIN), "admin");
    }

    function test_constructor_revertsOnZeroAddresses() public {
        bytes memory err = abi.encodeWithSelector(IMarginEngine.Margin_ZeroAddress.selector);
        IRiskController rc = margin.riskController();
        vm.expectRevert(err);
        Deploy.marginEngine(address(0), vault, book, registry, settlement, rc);
        vm.expectRevert(err);
        Deploy.marginEngine(ADMIN, IVault(address(0)), book, registry, settlement, rc);
        vm.expectRevert(err);
        Deploy.marginEngine(ADMIN, vault, IPositionBook(address(0)), registry, settlement, rc);
        vm.expectRevert(err);
        Deploy.marginEngine(ADMIN, vault, book, ISeriesRegistry(address(0)), settlement, rc);
        // Settlement and the risk controller are required too (no staged deployment without them).
        vm.expectRevert(err);
        Deploy.marginEngine(ADMIN, vault, book, registry, ISettlement(address(0)), rc);
        vm.expectRevert(err);
        Deploy.marginEngine(ADMIN, vault, book, registry, settlement, IRiskController(address(0)));
    }

    function test_setMarginParams_storesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(margin));
        emit IMarginEngine.MarginParamsSet(7, 1e18, 1e18, 1e18);
        vm.prank(ADMIN);
        margin.setMarginParams(7, _marginParams(1e18, 1e18, 1e18));
        IMarginEngine.MarginParams memory p = margin.marginParams(7);
        assertEq(p.initialRatioWad, 1e18, "a");
        assertEq(p.minInitialRatioWad, 1e18, "b");
        assertEq(p.maintenanceRatioWad, 1e18, "c");

        vm.prank(ADMIN);
        margin.setMarginParams(7, _marginParams(3, 2, 1));
        assertEq(margin.marginParams(7).maintenanceRatioWad, 1, "smallest c");
        assertEq(margin.marginParams(ETH_ID).initialRatioWad, A, "fixture a");
    }

    function test_setMarginParams_revertsOutOfBounds() public {
        IMarginEngine.MarginParams[4] memory bad = [
            _marginParams(0.15e18, 0.1e18, 0), // c = 0
            _marginParams(0.15e18, 0.1e18, 0.1e18 + 1), // c > b
            _marginParams(0.15e18, 0.15e18 + 1, 0.075e18), // b > a
            _marginParams(1e18 + 1, 0.1e18, 0.075e18) // a > 1
        ];
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_InvalidParams.selector, 5));
            vm.prank(ADMIN);
            margin.setMarginParams(5, bad[i]);
        }
        assertEq(margin.marginParams(5).initialRatioWad, 0, "nothing stored");
    }

    function test_setMarginParams_revertsForNonAdmin() public {
        bytes32 role = margin.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ALICE, role));
        vm.prank(ALICE);
        margin.setMarginParams(ETH_ID, _marginParams(A, B, C));
    }

    /// @notice Positions on an underlying without ratios cannot be margined.
    function test_unknownUnderlyingReverts() public {
        vm.prank(ADMIN);
        uint256 btcId = registry.addUnderlying(
            "BTC",
            ISeriesRegistry.UnderlyingConfig({
                router: ethRouter,
                minStrikeRatioWad: 0.5e18,
                maxStrikeRatioWad: 2e18,
                maxExpiryHorizon: 365 days,
                defaultOpenInterestCap: 1e30
            })
        );
        vm.prank(LISTER);
        uint256 btcCall = registry.listSeries(btcId, 3_000e18, EXPIRY_1, true);
        _position(ALICE, btcCall, -1e18);
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_UnknownUnderlying.selector, btcId));
        margin.marginOf(ALICE);
    }

    // ------------------------------------------------------------------------------------------------------------
    // StandardMarginLib.maxLoss
    // ------------------------------------------------------------------------------------------------------------

    function test_maxLoss_shapes() public view {
        StandardMarginHarness.Leg[] memory legs = new StandardMarginHarness.Leg[](1);
        legs[0] = _leg(2_000e18, -1e18, false);
        _assertLoss(legs, 2_000e18, true, "short put: its strike, at 0");
        legs[0] = _leg(2_000e18, -1e18, true);
        _assertLoss(legs, 0, false, "short call: unbounded");
        legs[0] = _leg(2_000e18, 1e18, true);
        _assertLoss(legs, 0, true, "long call");
        // A put spread (long 2500, short 2700): worst at and below 2500, −200.
        legs = new StandardMarginHarness.Leg[](2);
        legs[0] = _leg(2_500e18, 1e18, false);
        legs[1] = _leg(2_700e18, -1e18, false);
        _assertLoss(legs, 200e18, true, "put spread");
        // Rounded up: a third of an option short a put struck at 1 wei above 1.
        legs = new StandardMarginHarness.Leg[](1);
        legs[0] = _leg(1e18 + 1, -333333333333333333, false);
        _assertLoss(legs, 333333333333333334, true, "rounds up");
    }

    function test_maxLoss_revertsOnUnsortedLegs() public {
        StandardMarginHarness.Leg[] memory legs = new StandardMarginHarness.Leg[](3);
        legs[0] = _leg(2_000e18, 1e18, true);
        legs[1] = _leg(2_500e18, 1e18, false);
        legs[2] = _leg(2_400e18, -1e18, true);
        vm.expectRevert(abi.encodeWithSelector(StandardMarginLib.StandardMargin_UnsortedLegs.selector, 2));
        harness.maxLoss(legs);
    }

    function test_maxLoss_revertsOutsideDomain() public {
        StandardMarginHarness.Leg[] memory legs = new StandardMarginHarness.Leg[](2);
        legs[0] = _leg(1e18, 1e18, true);
        legs[1] = _leg(1 << 120, 1e18, true);
        vm.expectRevert(abi.encodeWithSelector(StandardMarginLib.StandardMargin_LegOutOfRange.selector, 1));
        harness.maxLoss(legs);
        legs[1] = _leg(2e18, int256(type(int128).max) + 1, true);
        vm.expectRevert(abi.encodeWithSelector(StandardMarginLib.StandardMargin_LegOutOfRange.selector, 1));
        harness.maxLoss(legs);
        legs = new StandardMarginHarness.Leg[](256);
        vm.expectRevert(abi.encodeWithSelector(StandardMarginLib.StandardMargin_LegOutOfRange.selector, 256));
        harness.maxLoss(legs);
    }

    /// @notice The exact maximum loss is at least the loss at every settlement price of a fine grid (and at 0), and
    /// it is 0 or the loss at 0 or at one of the strikes. Unbounded exactly when the loss keeps growing past the
    /// highest strike.
    function testFuzz_maxLoss_matchesBruteForce(uint256 seed) public view {
        uint256 n = 1 + (seed % 6);
        StandardMarginHarness.Leg[] memory legs = new StandardMarginHarness.Leg[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            // Strikes on a 50 grid in [1000, 5000] (so ties happen), sizes in ±[0.001, 100] with odd wei.
            uint256 strike = 1_000e18 + ((r >> 8) % 81) * 50e18;
            int256 size = int256(1e15 + ((r >> 64) % 100e18));
            if (r & 1 == 0) size = -size;
            legs[i] = _leg(strike, size, (r >> 1) & 1 == 0);
        }
        _sortByStrike(legs);
        (uint256 loss, bool bounded) = harness.maxLoss(legs);

        uint256 maxStrike = legs[n - 1].strikeE18;
        int256 callSizes;
        for (uint256 i; i < n; ++i) if (legs[i].isCall) callSizes += legs[i].sizeE18;
        assertEq(bounded, callSizes >= 0, "bounded iff calls net long");

        if (bounded) {
            // Every sampled price, from 0 to twice the highest strike in 1/500 steps, plus a far one.
            uint256 step = (2 * maxStrike) / 500;
            for (uint256 p; p <= 2 * maxStrike; p += step) {
                assertGe(loss, _lossAt(legs, p), "above a sampled loss");
            }
            assertGe(loss, _lossAt(legs, 1_000 * maxStrike), "above a far loss");
            // Attained: 0, or at P = 0, or at a strike.
            bool attained = loss == 0 || loss == _lossAt(legs, 0);
            for (uint256 i; i < n; ++i) attained = attained || loss == _lossAt(legs, legs[i].strikeE18);
            assertTrue(attained, "attained at 0 or a strike");
        } else {
            assertTrue(_payoffAt(legs, 10 * maxStrike) < _payoffAt(legs, 2 * maxStrike), "keeps falling");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    function _leg(uint256 strike, int256 size, bool isCall) internal pure returns (StandardMarginHarness.Leg memory) {
        return StandardMarginHarness.Leg(strike, size, isCall);
    }

    function _assertLoss(
        StandardMarginHarness.Leg[] memory legs,
        uint256 expected,
        bool expectedBounded,
        string memory label
    ) internal view {
        (uint256 loss, bool bounded) = harness.maxLoss(legs);
        assertEq(bounded, expectedBounded, string.concat(label, ": bounded"));
        if (expectedBounded) assertEq(loss, expected, label);
    }

    /// @dev Brute force: the loss at `price`, rounded up to WAD.
    function _lossAt(StandardMarginHarness.Leg[] memory legs, uint256 price) internal pure returns (uint256) {
        int256 value = _payoffAt(legs, price);
        return value >= 0 ? 0 : _ceilDiv(uint256(-value), WAD);
    }

    function _sortByStrike(StandardMarginHarness.Leg[] memory legs) internal pure {
        for (uint256 i = 1; i < legs.length; ++i) {
            for (uint256 j = i; j > 0 && legs[j - 1].strikeE18 > legs[j].strikeE18; --j) {
                (legs[j - 1], legs[j]) = (legs[j], legs[j - 1]);
            }
        }
    }

    /// @dev The payoff at `price`, exact in E36, evaluated leg by leg.
    function _payoffAt(StandardMarginHarness.Leg[] memory legs, uint256 price) internal pure returns (int256 value) {
        for (uint256 i; i < legs.length; ++i) {
            uint256 k = legs[i].strikeE18;
            uint256 intrinsic = legs[i].isCall ? (price > k ? price - k : 0) : (k > price ? k - price : 0);
            value += legs[i].sizeE18 * int256(intrinsic);
        }
    }

    function _expectPriceUnavailable() internal {
        vm.expectRevert(abi.encodeWithSelector(IMarginEngine.Margin_PriceUnavailable.selector, ETH_ID));
    }

    function _assertNear(uint256 a, uint256 b, uint256 tolerance, string memory label) internal pure {
        assertLe(a > b ? a - b : b - a, tolerance, label);
    }
}
