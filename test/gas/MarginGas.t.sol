// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {MarginFixture} from "../margin/MarginFixture.sol";

/// @notice Gas of `marginOf` by positions held (group "MarginEngine"), on the real stack: one underlying (ETH, spot
/// cross-checked by a second feed, a volatility feed), quote collateral only. The books are built in `setUp`, so the
/// measured call reads them cold, as a fresh transaction would. The 8-position book is a market maker's expiry: an
/// iron condor (3300/3500 call spread, 2700/2500 put spread), a long 3000 straddle (a call and a put of one strike)
/// and a short 3100/2900 strangle; the 16-position book holds that shape at 30 and at 60 days.
contract MarginGasTest is MarginFixture {
    address internal constant CAROL = address(0xCA201);

    function setUp() public override {
        super.setUp();
        _deposit(ALICE, 1_000_000e6);
        _deposit(BOB, 1_000_000e6);
        _deposit(CAROL, 1_000_000e6);
        _position(ALICE, _list(3_400e18, EXPIRY_1, true), -1e18);
        _marketMakerExpiry(BOB, EXPIRY_1, 1);
        _marketMakerExpiry(CAROL, EXPIRY_1, 2);
        _marketMakerExpiry(CAROL, EXPIRY_2, 3);
    }

    function test_gas_marginOf_p1() public {
        _measure(ALICE, "marginOf_p1", 1);
    }

    function test_gas_marginOf_p8() public {
        _measure(BOB, "marginOf_p8", 8);
    }

    function test_gas_marginOf_p16() public {
        _measure(CAROL, "marginOf_p16", 16);
    }

    function _marketMakerExpiry(address account, uint256 expiry, int256 scale) internal {
        // Iron condor.
        _position(account, _series(3_300e18, expiry, true), -10e18 * scale);
        _position(account, _series(3_500e18, expiry, true), 10e18 * scale);
        _position(account, _series(2_700e18, expiry, false), -10e18 * scale);
        _position(account, _series(2_500e18, expiry, false), 10e18 * scale);
        // Long straddle.
        _position(account, _series(3_000e18, expiry, true), 5e18 * scale);
        _position(account, _series(3_000e18, expiry, false), 5e18 * scale);
        // Short strangle.
        _position(account, _series(3_100e18, expiry, true), -3e18 * scale);
        _position(account, _series(2_900e18, expiry, false), -3e18 * scale);
    }

    /// @dev The series with these terms, listed on first use.
    function _series(uint256 strikeE18, uint256 expiry, bool isCall) internal returns (uint256 id) {
        id = registry.seriesIdOf(ETH_ID, strikeE18, expiry, isCall);
        if (id == 0) id = _list(strikeE18, expiry, isCall);
    }

    function _measure(address account, string memory name, uint256 positions) internal {
        assertEq(book.openPositionCount(account), positions, "positions held");
        vm.startSnapshotGas("MarginEngine", name);
        IMarginEngine.AccountMargin memory m = margin.marginOf(account);
        uint256 gasUsed = vm.stopSnapshotGas();
        m;
        assertGe(gasUsed, 1, "measured");
    }
}
