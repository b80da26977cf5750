// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IPositionCounter} from "../../contracts/interfaces/IMarginHook.sol";
import {FeeOnTransferERC20} from "../../contracts/mocks/FeeOnTransferERC20.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {OracleRouter} from "../../contracts/oracles/OracleRouter.sol";
import {Vault} from "../../contracts/vault/Vault.sol";
import {BaseHandler} from "../utils/BaseHandler.sol";
import {Feeds} from "../utils/Feeds.sol";
import {Test} from "../utils/Test.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice Drives the vault with random deposits, withdrawals and account-to-account transfers by a few actors in
/// two tokens, the second one taking a 1% fee on every transfer.
contract VaultHandler is BaseHandler {
    Vault public immutable vault;
    MockERC20 public immutable quote;
    FeeOnTransferERC20 public immutable fot;

    /// @notice Every entry into the handler, including calls that found nothing to do.
    uint256 public calls;
    /// @notice Calls that moved funds, per kind.
    uint256 public deposits;
    uint256 public withdrawals;
    uint256 public transfers;

    constructor(Vault vault_, MockERC20 quote_, FeeOnTransferERC20 fot_) {
        vault = vault_;
        quote = quote_;
        fot = fot_;
        for (uint256 key = 1; key <= 3; ++key) _addActor(key);
    }

    function deposit(uint256 actorSeed, uint256 tokenSeed, uint256 amount) external {
        ++calls;
        amount = bound(amount, 1, 1e30);
        _mintAndDeposit(vault, _token(tokenSeed), actor(actorSeed), amount);
        ++deposits;
    }

    function withdraw(uint256 actorSeed, uint256 tokenSeed, uint256 amount, uint256 recipientSeed) external {
        ++calls;
        address account = actor(actorSeed);
        address token = _token(tokenSeed);
        uint256 balance = vault.balanceOf(account, token);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        vm.prank(account);
        vault.withdraw(account, token, amount, actor(recipientSeed));
        ++withdrawals;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 tokenSeed, uint256 amount) external {
        ++calls;
        address from = actor(fromSeed);
        address token = _token(tokenSeed);
        uint256 balance = vault.balanceOf(from, token);
        if (balance == 0) return;
        amount = bound(amount, 1, balance);
        vm.prank(from);
        vault.transfer(from, actor(toSeed), token, amount);
        ++transfers;
    }

    function _token(uint256 seed) internal view returns (address) {
        return seed % 2 == 0 ? address(quote) : address(fot);
    }
}

contract VaultInvariantTest is Test {
    MockERC20 internal quote;
    FeeOnTransferERC20 internal fot;
    Vault internal vault;
    VaultHandler internal handler;

    function setUp() public {
        quote = new MockERC20("USD Coin", "USDC", 6);
        fot = new FeeOnTransferERC20(100);
        vault = Deploy.vault(address(this), address(quote), Deploy.marginHook(IPositionCounter(address(0))));
        MockV3Aggregator none = MockV3Aggregator(address(0));
        OracleRouter router = Feeds.router(new MockV3Aggregator(8, 3_000e8), none, none, 0, 0);
        vault.listCollateral(address(fot), 0.5e18, router);
        handler = new VaultHandler(vault, quote, fot);
        targetContract(address(handler));
    }

    /// @notice The vault holds at least what it owes in each token, and `totalBalance` is exactly what it owes.
    function invariant_holdingsCoverBalances() public view {
        _checkToken(address(quote));
        _checkToken(address(fot));
    }

    /// @notice The runner really drives the handler. Checked at the end of every run, not after setUp (where no
    /// call has happened yet), so it cannot sit in an `invariant_*` function. Raising the bound above the run depth
    /// makes this fail, which is how it was checked that the runner calls it with the run's final state.
    function afterInvariant() public view {
        assertGe(handler.calls(), 1, "handler was called");
        assertGe(handler.deposits(), 1, "some deposit went through");
    }

    /// @notice Valuation never reverts and counts each actor's collateral at no more than its unhaircut value.
    function invariant_collateralValueBounded() public view {
        for (uint256 i; i < handler.actorCount(); ++i) {
            address account = handler.actor(i);
            uint256 quoteWad = vault.balanceOf(account, address(quote)) * 1e12;
            uint256 fotWad = vault.balanceOf(account, address(fot)) * 3_000;
            assertLe(vault.collateralValue(account), quoteWad + fotWad / 2, "haircut value");
            assertGe(vault.collateralValue(account), quoteWad, "quote counted at par");
        }
    }

    function _checkToken(address token) internal view {
        uint256 owed;
        for (uint256 i; i < handler.actorCount(); ++i) owed += vault.balanceOf(handler.actor(i), token);
        assertGe(IERC20(token).balanceOf(address(vault)), owed, "holdings cover balances");
        assertEq(vault.totalBalance(token), owed, "totalBalance is the sum of balances");
    }
}
