// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Exchange} from "../../contracts/exchange/Exchange.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {LiquidationEngine} from "../../contracts/liquidation/LiquidationEngine.sol";
import {MarginEngine} from "../../contracts/margin/MarginEngine.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {PositionBook} from "../../contracts/positions/PositionBook.sol";
import {Settlement} from "../../contracts/settlement/Settlement.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {BaseTest} from "./BaseTest.sol";
import {Test} from "./Test.sol";

/// @notice What every invariant handler shares (as Morpho's `BaseInvariantTest`): actors with signing keys,
/// deposits minted on the spot, starting balances and signed orders (built with `Orders.open`).
abstract contract BaseHandler is Test {
    /// @dev Private keys of the actors, derived from a label; `actors[i] == vm.addr(keys[i])`.
    uint256[] internal keys;
    address[] internal actors;

    /// @dev Creates `n` actors whose keys are derived from `label`.
    function _makeActors(string memory label, uint256 n) internal {
        for (uint256 i = 1; i <= n; ++i) _addActor(uint256(keccak256(abi.encode(label, i))));
    }

    function _addActor(uint256 key) internal {
        keys.push(key);
        actors.push(vm.addr(key));
    }

    /// @notice The actor a (fuzzed) seed picks; `actor(i)` for `i < actorCount()` is the i-th.
    function actor(uint256 seed) public view returns (address) {
        return actors[seed % actors.length];
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    /// @dev Mints `amount` of `token` (a mock with a public `mint`) to `account`, which deposits it.
    function _mintAndDeposit(IVault vault, address token, address account, uint256 amount) internal {
        MockERC20(token).mint(account, amount);
        vm.startPrank(account);
        MockERC20(token).approve(address(vault), amount);
        vault.deposit(account, token, amount);
        vm.stopPrank();
    }

    /// @dev Deposits `amount` of `token` for each of `accounts`, minted to the handler first.
    function _fundEach(IVault vault, MockERC20 token, address[] memory accounts, uint256 amount) internal {
        token.mint(address(this), amount * accounts.length);
        token.approve(address(vault), amount * accounts.length);
        for (uint256 i; i < accounts.length; ++i) vault.deposit(accounts[i], address(token), amount);
    }

    /// @dev `key`'s signature of `order` on the exchange's own digest (handlers exercise fills, not the hash: that
    /// is `Exchange.t.sol`'s spec test).
    function _signOrder(
        Exchange exchange,
        uint256 key,
        IExchange.Order memory order
    ) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, exchange.hashOrder(order));
        return abi.encodePacked(r, s, v);
    }
}

/// @notice A handler that drives the whole stack of a `BaseTest` fixture, its contracts cached at construction so
/// that a `vm.prank` is never consumed by a getter call on the fixture.
abstract contract StackHandler is BaseHandler {
    MockERC20 internal immutable usdc;
    MockERC20 internal immutable weth;
    Vault internal immutable vault;
    Exchange internal immutable exchange;
    MarginEngine internal immutable margin;
    PositionBook internal immutable book;
    Settlement internal immutable settlement;
    LiquidationEngine internal immutable engine;

    constructor(BaseTest fixture) {
        usdc = fixture.usdc();
        weth = fixture.weth();
        vault = fixture.vault();
        exchange = fixture.exchange();
        margin = fixture.margin();
        book = fixture.book();
        settlement = fixture.settlement();
        engine = fixture.engine();
    }
}
