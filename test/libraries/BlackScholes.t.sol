// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {BlackScholes} from "../../contracts/libraries/BlackScholes.sol";

/// @notice Properties of `BlackScholes` over its whole domain: no revert, no-arbitrage bounds, put-call parity,
/// monotonicity in spot, strike and vol (up to the documented error bound), and the payoff at expiry.
/// The library is internal, so it is called directly (inlined into this test contract).
contract BlackScholesTest is Test {
    uint256 internal constant MAX_PRICE = (1 << 100) - 1;
    uint256 internal constant MAX_TIME = (1 << 26) - 1;
    uint256 internal constant MAX_VOL = (1 << 64) - 1;

    /// @dev External, so tests can observe reverts.
    function priceExternal(uint256 s, uint256 k, uint256 t, uint256 v, bool isCall) external pure returns (uint256) {
        return BlackScholes.price(s, k, t, v, isCall);
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }

    function _checkBounds(uint256 s, uint256 k, uint256 c, uint256 p) internal pure {
        assertGe(c, s > k ? s - k : 0, "call >= intrinsic");
        assertLe(c, s, "call <= spot");
        assertGe(p, k > s ? k - s : 0, "put >= intrinsic");
        assertLe(p, k, "put <= strike");
    }

    /// @dev Whole domain: never reverts, bounds hold, parity is exact, price and prices agree.
    function testFuzz_wholeDomain_boundsAndParity(uint256 s, uint256 k, uint256 t, uint256 v) public pure {
        s = bound(s, 0, MAX_PRICE);
        k = bound(k, 0, MAX_PRICE);
        t = bound(t, 0, MAX_TIME);
        v = bound(v, 0, MAX_VOL);
        (uint256 c, uint256 p) = BlackScholes.prices(s, k, t, v);
        _checkBounds(s, k, c, p);
        // call - put = spot - strike, exactly (as signed values).
        assertEq(int256(c) - int256(p), int256(s) - int256(k), "parity");
        assertEq(BlackScholes.price(s, k, t, v, true), c, "price(call) == prices.call");
        assertEq(BlackScholes.price(s, k, t, v, false), p, "price(put) == prices.put");
    }

    /// @dev The registry's domain: spot and strike in [1e-6, 1e12], T up to 2 years, vol up to 1000%.
    function testFuzz_registryDomain_greeksBounded(
        uint256 s,
        uint256 k,
        uint256 t,
        uint256 v,
        bool isCall
    ) public pure {
        s = bound(s, 1e12, 1e30);
        k = bound(k, 1e12, 1e30);
        t = bound(t, 0, 2 * 365 days);
        v = bound(v, 0, 10e18);
        (uint256 px, int256 delta, uint256 vega, ) = BlackScholes.priceAndGreeks(s, k, t, v, isCall);
        assertEq(px, BlackScholes.price(s, k, t, v, isCall), "priceAndGreeks price == price");
        if (isCall) assertTrue(delta >= 0 && delta <= 1e18, "call delta in [0, 1]");
        else assertTrue(delta >= -1e18 && delta <= 0, "put delta in [-1, 0]");
        // vega = S phi(d1) sqrt(T) <= S sqrt(T / year) / sqrt(2 pi) < S * 0.57 (T <= 2 years), plus rounding.
        assertLe(vega, (s * 57) / 100 + 2, "vega bounded");
    }

    /// @dev Call rises with spot, put falls, both rise with vol; up to twice the documented error bound.
    function testFuzz_monotoneInSpotAndVol(
        uint256 s,
        uint256 k,
        uint256 t,
        uint256 v,
        uint256 ds,
        uint256 dv
    ) public pure {
        s = bound(s, 1e12, 1e30);
        k = bound(k, s / 4 + 1, _min(s * 4, MAX_PRICE));
        t = bound(t, 1 hours, 2 * 365 days);
        v = bound(v, 0.01e18, 10e18);
        uint256 s2 = s + bound(ds, 0, _min(s, MAX_PRICE - s));
        uint256 v2 = v + bound(dv, 0, _min(v, MAX_VOL - v));
        uint256 slack = 2 * BlackScholes.priceErrorBound(s2, k);
        (uint256 c, uint256 p) = BlackScholes.prices(s, k, t, v);
        (uint256 cS, uint256 pS) = BlackScholes.prices(s2, k, t, v);
        (uint256 cV, uint256 pV) = BlackScholes.prices(s, k, t, v2);
        assertGe(cS + slack, c, "call non-decreasing in spot");
        assertLe(pS, p + slack, "put non-increasing in spot");
        assertGe(cV + slack, c, "call non-decreasing in vol");
        assertGe(pV + slack, p, "put non-decreasing in vol");
    }

    /// @dev Call falls as the strike rises, up to twice the documented error bound.
    function testFuzz_monotoneInStrike(uint256 s, uint256 k, uint256 t, uint256 v, uint256 dk) public pure {
        s = bound(s, 1e12, 1e30);
        k = bound(k, s / 4 + 1, _min(s * 4, MAX_PRICE));
        t = bound(t, 1 hours, 2 * 365 days);
        v = bound(v, 0.01e18, 10e18);
        uint256 k2 = k + bound(dk, 0, _min(k, MAX_PRICE - k));
        uint256 slack = 2 * BlackScholes.priceErrorBound(s, k2);
        assertLe(BlackScholes.price(s, k2, t, v, true), BlackScholes.price(s, k, t, v, true) + slack, "call vs K");
    }

    /// @dev At expiry or with zero vol the price is the payoff, and so is the delta.
    function testFuzz_expiryIsIntrinsic(uint256 s, uint256 k, uint256 v, bool zeroTime) public pure {
        s = bound(s, 0, MAX_PRICE);
        k = bound(k, 0, MAX_PRICE);
        v = bound(v, 0, MAX_VOL);
        (uint256 t, uint256 vol) = zeroTime ? (uint256(0), v) : (uint256(365 days), uint256(0));
        (uint256 c, uint256 p) = BlackScholes.prices(s, k, t, vol);
        assertEq(c, s > k ? s - k : 0, "call payoff");
        assertEq(p, k > s ? k - s : 0, "put payoff");
        (, int256 delta, uint256 vega, uint256 gamma) = BlackScholes.priceAndGreeks(s, k, t, vol, true);
        assertEq(
            delta,
            s > k
                ? int256(1e18)
                : s < k
                    ? int256(0)
                    : int256(0.5e18),
            "payoff delta"
        );
        assertEq(vega + gamma, 0, "no vega or gamma at expiry");
    }

    /// @dev Huge vol: the call tends to the spot (within the bound plus N(-v/2) of the spot), the put to the strike.
    function testFuzz_hugeVol_callTendsToSpot(uint256 s, uint256 k) public pure {
        s = bound(s, 1e12, 1e30);
        k = bound(k, s / 2, _min(s * 2, MAX_PRICE));
        (uint256 c, uint256 p) = BlackScholes.prices(s, k, 2 * 365 days, 10e18);
        // v = 10 sqrt(2) = 14.1, so N(d2) < N(-14.1/2 + ln 2 / 14.1) < 1e-11.
        assertGe(c + s / 1e11 + BlackScholes.priceErrorBound(s, k), s, "call near spot");
        assertGe(p + k / 1e11 + BlackScholes.priceErrorBound(s, k), k, "put near strike");
    }

    /// @dev Just outside the domain, every entry point reverts with the documented error and its arguments.
    function testFuzz_outOfRangeReverts(uint256 s, uint256 k, uint256 t, uint256 v, uint8 which) public {
        s = bound(s, 1, MAX_PRICE);
        k = bound(k, 1, MAX_PRICE);
        t = bound(t, 0, MAX_TIME);
        v = bound(v, 0, MAX_VOL);
        which %= 4;
        if (which == 0) s = MAX_PRICE + 1 + (s % 1e30);
        else if (which == 1) k = MAX_PRICE + 1;
        else if (which == 2) t = MAX_TIME + 1;
        else v = MAX_VOL + 1;
        vm.expectRevert(abi.encodeWithSelector(BlackScholes.BlackScholes_InputOutOfRange.selector, s, k, t, v));
        this.priceExternal(s, k, t, v, true);
    }

    /// @dev The selector the assembly hard-codes is the error's.
    function test_selectorConstant() public pure {
        assertEq(
            bytes32(BlackScholes.BlackScholes_InputOutOfRange.selector),
            bytes32(BlackScholes.INPUT_OUT_OF_RANGE_SELECTOR),
            "selector"
        );
    }
}
