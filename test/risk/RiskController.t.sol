// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Health} from "../../contracts/interfaces/IOracleRouter.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {Vm} from "../utils/Vm.sol";
import {RiskFixture} from "./RiskFixture.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice RiskController on the real oracle stack (Chainlink MockV3Aggregator → ChainlinkAdapter → OracleRouter).
///
/// The EWMA is checked against an independent computation written here, at 1e36 and with other algorithms than
/// `LogMath`: ln(a/b) by the binary-digit method (square, compare with 2, 100 bits) times ln 2, and 2^(−Δt/H) from
/// the exact binary expansion of the rational Δt/H with factors 2^(−2^−i) obtained by repeated square roots
/// (`Math.sqrt`). Tolerance: relative 1e-15 plus 10 wei of variance. Why that suffices: the reference is good to
/// about 1e-30; the contract overestimates |r| by at most 1 wei, so a sample by at most 2e-18 |r| × year / Δt
/// absolute, weighted by 1 − λ (under 1e-16 of the variance on this path); λ is within 1 wei and each update rounds
/// up by at most 1 wei, older roundings decaying with λ (measured: 4 wei after one step, 44 wei after 960 steps).
contract RiskControllerTest is RiskFixture {
    uint256 internal constant E36 = 1e36;
    int256 internal constant LN2_E36 = 693147180559945309417232121458176568;
    uint256 internal constant YEAR = 365 days;

    // ---------------------------------------------------------------- reference

    /// @dev ln(a / b) × 1e36 by binary digits of log2 (independent of LogMath's atanh series).
    function _refLn(uint256 a, uint256 b) internal pure returns (int256) {
        bool negative = a < b;
        if (negative) (a, b) = (b, a);
        uint256 n;
        while (a >= b << (n + 1)) ++n;
        uint256 q = (a * E36) / (b << n); // in [1, 2) at 1e36
        uint256 frac;
        uint256 w = E36;
        for (uint256 i; i < 100; ++i) {
            q = (q * q) / E36;
            w /= 2;
            if (q >= 2 * E36) {
                q /= 2;
                frac += w;
            }
        }
        int256 ln = (int256(n * E36 + frac) * LN2_E36) / int256(E36);
        return negative ? -ln : ln;
    }

    /// @dev 2^(−dt / h) × 1e36 from the binary expansion of dt / h and square roots.
    function _refExp2Neg(uint256 dt, uint256 h) internal pure returns (uint256 lambda) {
        uint256 n = dt / h;
        uint256 rem = dt % h;
        lambda = E36;
        uint256 c = Math.sqrt((E36 * E36) / 2); // 2^(−1/2)
        for (uint256 i; i < 100; ++i) {
            rem *= 2;
            if (rem >= h) {
                rem -= h;
                lambda = (lambda * c) / E36;
            }
            c = Math.sqrt(c * E36);
        }
        lambda = n >= 128 ? 0 : lambda >> n;
    }

    /// @dev One step of the recursion at 1e36.
    function _refStep(
        uint256 varE36,
        uint256 last,
        uint256 price,
        uint256 dt,
        uint256 h
    ) internal pure returns (uint256) {
        int256 r = _refLn(price, last);
        uint256 sample = ((uint256(r * r) / E36) * YEAR) / dt;
        uint256 lambda = _refExp2Neg(dt, h);
        return (lambda * varE36 + (E36 - lambda) * sample) / E36;
    }

    function _assertVarianceNear(uint256 refE36, string memory message) internal view {
        uint256 got = uint256(risk.riskState(ETH_ID).ewmaVarianceWad) * 1e18;
        uint256 diff = got > refE36 ? got - refE36 : refE36 - got;
        assertLe(diff, refE36 / 1e15 + 10e18, message);
    }

    /// @dev A deterministic pseudo-random path: move in ±8 %, Δt in [10 min, 6 h].
    function _step(uint256 seed, uint256 i, uint256 price) internal pure returns (uint256 dt, uint256 next) {
        uint256 h = uint256(keccak256(abi.encode(seed, i)));
        dt = MIN_INTERVAL + (h % (6 hours - MIN_INTERVAL + 1));
        uint256 moveBps = (h >> 128) % 1601; // 0..1600 → −8 % .. +8 %
        next = (price * (9200 + moveBps)) / 10_000;
        if (i % 7 == 3) next = price; // some observations without a move
    }

    // ---------------------------------------------------------------- EWMA

    function test_poke_firstObservationRecordsPriceOnly() public {
        assertTrue(risk.poke(ETH_ID), "observed");
        IRiskController.RiskState memory s = risk.riskState(ETH_ID);
        assertEq(s.lastPriceE18, 3_000e18, "price");
        assertEq(s.lastUpdate, block.timestamp, "time");
        assertEq(s.ewmaVarianceWad, 0, "variance");
        assertEq(risk.shockMultiplier(ETH_ID), 1e18, "multiplier");
    }

    function test_ewma_matchesIndependentRecursion() public {
        risk.poke(ETH_ID);
        uint256 price = 3_000e18;
        uint256 refVar;
        for (uint256 i; i < 40; ++i) {
            (uint256 dt, uint256 next) = _step(42, i, price);
            assertTrue(_pokeEthAfter(dt, int256(next / 1e10)), "observed");
            // The feed has 8 decimals: the observed price is next rounded down to 1e10.
            uint256 observed = (next / 1e10) * 1e10;
            refVar = _refStep(refVar, price, observed, dt, HALF_LIFE);
            price = observed;
            _assertVarianceNear(refVar, string.concat("variance after step ", vm.toString(i)));
        }
        // The reported volatility and multiplier follow from the stored variance exactly.
        uint256 v = risk.riskState(ETH_ID).ewmaVarianceWad;
        uint256 vol = Math.sqrt(v * 1e18, Math.Rounding.Ceil);
        assertEq(risk.realisedVolatility(ETH_ID), vol, "vol");
        uint256 m = Math.max(1e18, Math.min(CAP, Math.mulDiv(vol, 1e18, TARGET_VOL, Math.Rounding.Ceil)));
        assertEq(risk.shockMultiplier(ETH_ID), m, "multiplier");
    }

    /// @dev Identical returns at identical intervals: the EWMA converges to the sample r² × year / Δt.
    function test_ewma_convergesToConstantSample() public {
        risk.poke(ETH_ID);
        for (uint256 i; i < 24 * 40; ++i) _pokeEthAfter(1 hours, i % 2 == 0 ? int256(3_030e8) : int256(3_000e8));
        int256 r = _refLn(3_030e18, 3_000e18);
        uint256 sampleE36 = ((uint256(r * r) / E36) * YEAR) / 1 hours;
        // var_N = sample × (1 − λ^N) exactly, with λ^N = 2^-40 after 40 half-lives.
        _assertVarianceNear(sampleE36 - (sampleE36 >> 40), "steady state");
    }

    function test_multiplier_risesWithSpikeThenDecaysToExactlyOne() public {
        risk.poke(ETH_ID);
        // Calm: 0.1 % hourly moves (about 9 % annualised) keep the multiplier at 1.
        for (uint256 i; i < 24; ++i) _pokeEthAfter(1 hours, i % 2 == 0 ? int256(3_003e8) : int256(3_000e8));
        assertEq(risk.shockMultiplier(ETH_ID), 1e18, "calm");
        // Spike: 4 % hourly swings for six hours.
        for (uint256 i; i < 6; ++i) _pokeEthAfter(1 hours, i % 2 == 0 ? int256(2_880e8) : int256(3_000e8));
        uint256 peak = risk.shockMultiplier(ETH_ID);
        assertGe(peak, 1.2e18, "risen");
        assertLe(peak, CAP - 1, "below the cap");
        // Calm again: it falls monotonically, never below 1, and reaches exactly 1e18.
        uint256 previous = peak;
        uint256 hoursToOne;
        for (uint256 i; i < 24 * 7; ++i) {
            _pokeEthAfter(1 hours, 3_000e8);
            uint256 m = risk.shockMultiplier(ETH_ID);
            assertLe(m, previous, "non-increasing");
            assertGe(m, 1e18, "never below one");
            if (m == 1e18 && hoursToOne == 0) hoursToOne = i + 1;
            previous = m;
        }
        assertEq(previous, 1e18, "back to exactly one");
        assertTrue(hoursToOne > 0 && hoursToOne < 48, "within two half-lives");
    }

    function test_multiplier_capped() public {
        risk.poke(ETH_ID);
        // 30 % swings every ten minutes.
        for (uint256 i; i < 12; ++i) _pokeEthAfter(MIN_INTERVAL, i % 2 == 0 ? int256(2_100e8) : int256(3_000e8));
        assertGe(risk.realisedVolatility(ETH_ID), 3 * uint256(TARGET_VOL), "vol above cap x target");
        assertEq(risk.shockMultiplier(ETH_ID), CAP, "capped");
        // Lowering the cap applies at once.
        IRiskController.RiskParams memory p = _riskParams();
        p.maxMultiplierWad = 1.5e18;
        vm.prank(ADMIN);
        risk.setRiskParams(ETH_ID, p);
        assertEq(risk.shockMultiplier(ETH_ID), 1.5e18, "new cap");
    }

    function test_multiplier_isVolOverTargetBetweenOneAndCap() public {
        risk.poke(ETH_ID);
        for (uint256 i; i < 6; ++i) _pokeEthAfter(1 hours, i % 2 == 0 ? int256(2_880e8) : int256(3_000e8));
        uint256 vol = risk.realisedVolatility(ETH_ID);
        assertGe(vol, TARGET_VOL, "above target");
        assertEq(risk.shockMultiplier(ETH_ID), Math.ceilDiv(vol * 1e18, TARGET_VOL), "vol / target");
    }

    function test_multiplier_doesNotDecayWithoutObservations() public {
        risk.poke(ETH_ID);
        for (uint256 i; i < 6; ++i) _pokeEthAfter(1 hours, i % 2 == 0 ? int256(2_880e8) : int256(3_000e8));
        uint256 m = risk.shockMultiplier(ETH_ID);
        vm.warp(block.timestamp + 30 days);
        assertEq(risk.shockMultiplier(ETH_ID), m, "a frozen feed does not relax margins");
    }

    function test_shockMultiplier_isOneWithoutParams() public view {
        assertEq(risk.shockMultiplier(99), 1e18, "unknown underlying");
        assertEq(risk.realisedVolatility(99), 0, "no vol");
    }

    // ---------------------------------------------------------------- rate limit

    function test_poke_rateLimited() public {
        risk.poke(ETH_ID);
        IRiskController.RiskState memory before = risk.riskState(ETH_ID);
        assertFalse(_pokeEthAfter(MIN_INTERVAL - 1, 2_000e8), "too early");
        IRiskController.RiskState memory s = risk.riskState(ETH_ID);
        assertEq(s.lastPriceE18, before.lastPriceE18, "price kept");
        assertEq(s.lastUpdate, before.lastUpdate, "time kept");
        assertEq(s.ewmaVarianceWad, 0, "variance kept");
        vm.warp(block.timestamp + 1);
        assertTrue(risk.poke(ETH_ID), "exactly at the interval");
        assertEq(risk.riskState(ETH_ID).lastPriceE18, 2_000e18, "observed");
    }

    /// @dev A clock behind the last observation never happens on chain, but a node may simulate a call with a clock
    /// that lags its latest block: too early, never a Panic(0x11).
    function test_poke_clockBehindTheLastObservationIsTooEarly() public {
        risk.poke(ETH_ID);
        IRiskController.RiskState memory before = risk.riskState(ETH_ID);
        vm.warp(block.timestamp - 30);
        assertFalse(risk.poke(ETH_ID), "too early");
        assertEq(risk.riskState(ETH_ID).lastUpdate, before.lastUpdate, "time kept");
    }

    function test_poke_emitsRiskObserved() public {
        risk.poke(ETH_ID);
        vm.warp(block.timestamp + 1 hours);
        _setSpot(3_300e8);
        vm.recordLogs();
        risk.poke(ETH_ID);
        uint256 vol = risk.realisedVolatility(ETH_ID);
        uint256 m = risk.shockMultiplier(ETH_ID);
        assertTrue(vol > 0 && m > 1e18, "a 10 % hourly move is well above a 100 % target");
        // The event carries the price and the vol and multiplier the views report after the observation.
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 1, "one event");
        assertEq(logs[0].emitter, address(risk), "emitter");
        assertEq(logs[0].topics[0], IRiskController.RiskObserved.selector, "signature");
        assertEq(uint256(logs[0].topics[1]), ETH_ID, "underlying");
        (uint256 price, uint256 loggedVol, uint256 loggedM) = abi.decode(logs[0].data, (uint256, uint256, uint256));
        assertEq(price, 3_300e18, "price");
        assertEq(loggedVol, vol, "vol");
        assertEq(loggedM, m, "multiplier");
    }

    // ---------------------------------------------------------------- reduce-only

    function _assertReduceOnly(uint256 id, bool expectReduceOnly, string memory message) internal view {
        assertEq(risk.allowsNewRisk(id), !expectReduceOnly, string.concat(message, ": allowsNewRisk"));
        assertEq(risk.allowsLiquidation(id), !expectReduceOnly, string.concat(message, ": allowsLiquidation"));
    }

    function test_allows_whenHealthy() public view {
        for (uint256 id = 1; id <= 3; ++id) _assertReduceOnly(id, false, "healthy");
    }

    function test_reduceOnly_onStalePrice() public {
        vm.warp(block.timestamp + MAX_AGE);
        _assertReduceOnly(ETH_ID, false, "at max age");
        vm.warp(block.timestamp + 1);
        _assertReduceOnly(ETH_ID, true, "stale");
        (, Health health) = ethRouter.spot();
        assertEq(uint256(health), uint256(Health.Down), "single source: Down");
        uint256 lastUpdate = risk.riskState(ETH_ID).lastUpdate;
        assertFalse(risk.poke(ETH_ID), "stale price not observed");
        assertEq(risk.riskState(ETH_ID).lastUpdate, lastUpdate, "state kept");
        _setSpot(3_000e8);
        _assertReduceOnly(ETH_ID, false, "fresh again");
    }

    function test_reduceOnly_onStalePrimaryWithHealthySecondary() public {
        vm.warp(block.timestamp + MAX_AGE + 1);
        divSecondaryFeed.updateAnswer(100e8);
        (uint256 price, Health health) = divRouter.spot();
        assertEq(uint256(health), uint256(Health.Degraded), "Degraded");
        assertEq(price, 100e18, "secondary price");
        _assertReduceOnly(DIV_ID, true, "stale primary");
    }

    function test_reduceOnly_onDivergence() public {
        divSecondaryFeed.updateAnswer(102e8);
        _assertReduceOnly(DIV_ID, false, "2 % apart: within the bound");
        divSecondaryFeed.updateAnswer(102.01e8);
        _assertReduceOnly(DIV_ID, true, "beyond the bound");
        risk.poke(DIV_ID); // first observation needs Ok: not taken
        assertEq(risk.riskState(DIV_ID).lastUpdate, 0, "not observed while Degraded");
    }

    function test_reduceOnly_whileSequencerDown() public {
        sequencerFeed.updateRoundData(2, 1, block.timestamp, block.timestamp);
        _assertReduceOnly(L2_ID, true, "sequencer down");
        assertFalse(risk.poke(L2_ID), "not observed");
        // Other underlyings are unaffected.
        _assertReduceOnly(ETH_ID, false, "L1 underlying");
    }

    function test_reduceOnly_duringGracePeriod() public {
        sequencerFeed.updateRoundData(2, 1, block.timestamp, block.timestamp);
        vm.warp(block.timestamp + 2 hours);
        l2Feed.updateAnswer(2e8);
        l2SecondaryFeed.updateAnswer(2e8);
        // Back up now: the grace period runs for an hour.
        sequencerFeed.updateRoundData(3, 0, block.timestamp, block.timestamp);
        _assertReduceOnly(L2_ID, true, "grace period starts");
        vm.warp(block.timestamp + GRACE - 1);
        l2Feed.updateAnswer(2e8);
        l2SecondaryFeed.updateAnswer(2e8);
        (, Health health) = l2Router.spot();
        assertEq(uint256(health), uint256(Health.Degraded), "secondary only: Degraded");
        _assertReduceOnly(L2_ID, true, "last second of grace");
        assertFalse(risk.poke(L2_ID), "not observed in grace");
        vm.warp(block.timestamp + 1);
        _assertReduceOnly(L2_ID, false, "grace over");
        assertTrue(risk.poke(L2_ID), "observed after grace");
    }

    function test_reduceOnly_whenNeverInitialisedSequencerFeed() public {
        // startedAt 0: treated as down by the adapter.
        sequencerFeed.updateRoundData(2, 0, 0, 0);
        _assertReduceOnly(L2_ID, true, "uninitialised uptime feed");
    }

    // ---------------------------------------------------------------- governance and errors

    function test_setRiskParams_storesAndEmits() public {
        IRiskController.RiskParams memory p = IRiskController.RiskParams({
            halfLifeSeconds: 2 days,
            targetVolWad: 0.6e18,
            maxMultiplierWad: 2e18,
            minUpdateInterval: 5 minutes
        });
        vm.expectEmit(true, false, false, true, address(risk));
        emit IRiskController.RiskParamsSet(ETH_ID, p);
        vm.prank(ADMIN);
        risk.setRiskParams(ETH_ID, p);
        IRiskController.RiskParams memory s = risk.riskParams(ETH_ID);
        assertEq(s.halfLifeSeconds, p.halfLifeSeconds, "halfLife");
        assertEq(s.targetVolWad, p.targetVolWad, "target");
        assertEq(s.maxMultiplierWad, p.maxMultiplierWad, "cap");
        assertEq(s.minUpdateInterval, p.minUpdateInterval, "interval");
    }

    function test_setRiskParams_onlyAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                address(this),
                risk.DEFAULT_ADMIN_ROLE()
            )
        );
        risk.setRiskParams(ETH_ID, _riskParams());
    }

    function test_setRiskParams_revertsForUnknownUnderlying() public {
        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IRiskController.Risk_UnknownUnderlying.selector, 0));
        risk.setRiskParams(0, _riskParams());
        vm.expectRevert(abi.encodeWithSelector(IRiskController.Risk_UnknownUnderlying.selector, 4));
        risk.setRiskParams(4, _riskParams());
        vm.stopPrank();
    }

    function _expectInvalid(IRiskController.RiskParams memory p) internal {
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IRiskController.Risk_InvalidParams.selector, ETH_ID));
        risk.setRiskParams(ETH_ID, p);
    }

    function _expectValid(IRiskController.RiskParams memory p) internal {
        vm.prank(ADMIN);
        risk.setRiskParams(ETH_ID, p);
    }

    function test_setRiskParams_bounds() public {
        IRiskController.RiskParams memory p = _riskParams();
        p.halfLifeSeconds = uint32(risk.MIN_HALF_LIFE() - 1);
        p.minUpdateInterval = 1 minutes;
        _expectInvalid(p);
        p.halfLifeSeconds = uint32(risk.MIN_HALF_LIFE());
        _expectValid(p);
        p.halfLifeSeconds = uint32(risk.MAX_HALF_LIFE() + 1);
        _expectInvalid(p);
        p.halfLifeSeconds = uint32(risk.MAX_HALF_LIFE());
        _expectValid(p);

        p = _riskParams();
        p.targetVolWad = uint64(risk.MIN_TARGET_VOL_WAD() - 1);
        _expectInvalid(p);
        p.targetVolWad = uint64(risk.MIN_TARGET_VOL_WAD());
        _expectValid(p);
        p.targetVolWad = uint64(risk.MAX_TARGET_VOL_WAD() + 1);
        _expectInvalid(p);
        p.targetVolWad = uint64(risk.MAX_TARGET_VOL_WAD());
        _expectValid(p);

        p = _riskParams();
        p.maxMultiplierWad = 1e18 - 1;
        _expectInvalid(p);
        p.maxMultiplierWad = 1e18;
        _expectValid(p);
        p.maxMultiplierWad = uint64(risk.MAX_MULTIPLIER_WAD() + 1);
        _expectInvalid(p);
        p.maxMultiplierWad = uint64(risk.MAX_MULTIPLIER_WAD());
        _expectValid(p);

        p = _riskParams();
        p.minUpdateInterval = uint32(risk.MIN_UPDATE_INTERVAL() - 1);
        _expectInvalid(p);
        p.minUpdateInterval = uint32(risk.MIN_UPDATE_INTERVAL());
        _expectValid(p);
        p.minUpdateInterval = HALF_LIFE + 1;
        _expectInvalid(p);
        p.minUpdateInterval = HALF_LIFE;
        _expectValid(p);
    }

    function test_poke_revertsWithoutParams() public {
        vm.prank(ADMIN);
        registry.addUnderlying("NEW", _underlying(ethRouter, 90 days, 1_000_000e18));
        vm.expectRevert(abi.encodeWithSelector(IRiskController.Risk_UnknownUnderlying.selector, 4));
        risk.poke(4);
    }

    function test_constructor_rejectsZeroAddresses() public {
        vm.expectRevert(abi.encodeWithSelector(IRiskController.Risk_InvalidParams.selector, 0));
        Deploy.riskController(address(0), registry);
        vm.expectRevert(abi.encodeWithSelector(IRiskController.Risk_InvalidParams.selector, 0));
        Deploy.riskController(ADMIN, ISeriesRegistry(address(0)));
    }

    function test_allowsNewRisk_revertsForUnknownUnderlying() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownUnderlying.selector, 9));
        risk.allowsNewRisk(9);
    }

    // ---------------------------------------------------------------- fuzz

    /// @dev Whatever the path and the (valid) parameters, the multiplier stays in [1e18, cap].
    function testFuzz_multiplierWithinBounds(
        uint256 seed,
        uint32 halfLife,
        uint64 target,
        uint64 cap,
        uint32 interval
    ) public {
        IRiskController.RiskParams memory p;
        p.halfLifeSeconds = uint32(bound(halfLife, risk.MIN_HALF_LIFE(), risk.MAX_HALF_LIFE()));
        p.targetVolWad = uint64(bound(target, risk.MIN_TARGET_VOL_WAD(), risk.MAX_TARGET_VOL_WAD()));
        p.maxMultiplierWad = uint64(bound(cap, 1e18, risk.MAX_MULTIPLIER_WAD()));
        p.minUpdateInterval = uint32(bound(interval, risk.MIN_UPDATE_INTERVAL(), Math.min(p.halfLifeSeconds, 1 days)));
        vm.prank(ADMIN);
        risk.setRiskParams(ETH_ID, p);
        risk.poke(ETH_ID);
        uint256 price = 3_000e8;
        for (uint256 i; i < 16; ++i) {
            uint256 h = uint256(keccak256(abi.encode(seed, i)));
            uint256 dt = p.minUpdateInterval + (h % (3 days));
            // Moves between halving and doubling.
            price = (price * (5_000 + ((h >> 64) % 15_001))) / 10_000;
            if (price == 0) price = 1;
            _pokeEthAfter(dt, int256(price));
            uint256 m = risk.shockMultiplier(ETH_ID);
            assertGe(m, 1e18, "at least one");
            assertLe(m, p.maxMultiplierWad, "at most the cap");
        }
    }
}
