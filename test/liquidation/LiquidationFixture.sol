// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {LiquidationEngine} from "../../contracts/liquidation/LiquidationEngine.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice The full trading core plus the insurance fund and the liquidation engine, wired as the deployment wires
/// them (the fixture's risk controller gates liquidations with the routers' health). Positions are placed directly
/// through the book with the exchange's trader role, so a test sets exactly the account it needs.
abstract contract LiquidationFixture is ProtocolFixture {
    address internal constant VICTIM = address(0x51C);
    address internal constant WHALE = address(0x3A1E);
    address internal constant BIDDER = address(0xB1D);
    address internal constant BIDDER2 = address(0xB1D2);
    address internal constant KEEPER = address(0x4EE9);

    InsuranceFund public fund;
    LiquidationEngine public engine;

    /// @dev Series ids of the fixture's chain.
    uint256 internal call2700;
    uint256 internal put2700;
    uint256 internal call3000;
    uint256 internal put3000;
    uint256 internal call3300;
    uint256 internal put3300;

    function setUp() public virtual override {
        super.setUp();
        fund = new InsuranceFund(ADMIN, vault, address(0));
        engine = new LiquidationEngine(ADMIN, vault, book, registry, margin, fund, risk);
        vm.startPrank(ADMIN);
        fund.setLiquidationEngine(address(engine));
        book.grantRole(book.TRADER_ROLE(), address(engine));
        vault.grantRole(vault.CLEARING_ROLE(), address(engine));
        vault.grantRole(vault.SOCIALISER_ROLE(), address(engine));
        settlement.grantRole(settlement.DEBT_RESOLVER_ROLE(), address(engine));
        vm.stopPrank();
        (call2700, put2700, call3000, put3000, call3300, put3300) = (
            seriesIds[0],
            seriesIds[1],
            seriesIds[2],
            seriesIds[3],
            seriesIds[4],
            seriesIds[5]
        );
        // The whale is every victim's counterparty and holds enough quote for any haircut bound.
        _depositQuote(WHALE, 10_000_000e6);
        _depositQuote(BIDDER, 1_000_000e6);
        _depositQuote(BIDDER2, 1_000_000e6);
    }

    /// @dev `account` goes short (`size` < 0) or long `|size|` options of `seriesId` against the whale.
    function _position(address account, uint256 seriesId, int256 size) internal {
        vm.prank(address(exchange));
        if (size < 0) book.transferPosition(seriesId, WHALE, account, uint256(-size));
        else book.transferPosition(seriesId, account, WHALE, uint256(size));
    }

    function _depositWeth(address account, uint256 amount) internal {
        weth.mint(account, amount);
        vm.startPrank(account);
        weth.approve(address(vault), amount);
        vault.deposit(account, address(weth), amount);
        vm.stopPrank();
    }

    function _fundInsurance(uint256 amount) internal {
        _depositQuote(address(fund), amount);
    }

    /// @dev The victim: short 10 ATM calls with 4,000 USDC, healthy at 3,000 and solvent but below maintenance at
    /// 3,100.
    function _shortCallVictim() internal {
        _depositQuote(VICTIM, 4_000e6);
        _position(VICTIM, call3000, -10e18);
    }

    function _quote(address account) internal view returns (uint256) {
        return vault.balanceOf(account, address(usdc));
    }

    function _start(address account) internal returns (uint256 reward) {
        vm.prank(KEEPER);
        reward = engine.startAuction(account);
    }
}
