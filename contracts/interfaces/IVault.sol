// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IMarginHook} from "./IMarginHook.sol";
import {IOracleRouter} from "./IOracleRouter.sol";

/// @title IVault
/// @notice Custody of whitelisted ERC-20 collateral in margin accounts. An account is an address; its owner may
/// authorise operators to act for it. Balances are kept in each token's own units; values are WAD in the quote
/// asset. No path moves an account's funds without the owner's or an authorised operator's call, except the narrow,
/// role-gated clearing entry points that settlement and liquidation use.
/// Socialised losses: when the insurance fund cannot cover an insolvent liquidation, `socializeLoss` credits the
/// shortfall to one account and haircuts every quote-asset balance pro rata, so the sum of quote balances (and
/// `totalBalance`) is unchanged and the vault stays fully backed. Quote balances are stored as shares of a loss
/// index (`quoteLossIndex`, 1e18 until the first socialisation, then only falling): balance = shares × index / 1e18.
/// Every conversion rounds in the vault's favour (credits down, debits up), so the sum of quote balances may fall
/// short of `totalBalance` by rounding dust, never exceed it; before any socialisation both are exact, as without
/// an index.
interface IVault {
    /// @notice Per-token collateral configuration.
    /// @param listed Whether the token was ever listed (a listed token can always be withdrawn).
    /// @param depositsEnabled Whether new deposits are accepted.
    /// @param decimals The token's decimals (at most 18), read once at listing.
    /// @param haircutWad Fraction of the oracle value not counted as collateral (0 for the quote asset).
    /// @param router Price of one whole token in the quote asset; zero for the quote asset itself (priced at 1).
    /// @notice An account's collateral at market (no haircut), split by price health; see `collateralMarketValue`.
    /// @param okWad Market value of the quote asset and of every collateral whose price is Ok.
    /// @param okHaircutWad Haircut value of the same tokens (their part of `collateralValue`).
    /// @param unhealthyWad Market value of collateral whose price is Degraded, at the price reported; Down counts 0.
    /// @param unhealthyHaircutWad Haircut value of the same tokens (their part of `collateralValue`).
    /// @param downHeld Whether the account holds a collateral whose price is Down (its value is unknown).
    struct MarketValue {
        uint256 okWad;
        uint256 okHaircutWad;
        uint256 unhealthyWad;
        uint256 unhealthyHaircutWad;
        bool downHeld;
    }

    struct CollateralConfig {
        bool listed;
        bool depositsEnabled;
        uint8 decimals;
        uint64 haircutWad;
        IOracleRouter router;
    }

    /// @notice The token is not listed as collateral, or deposits of it are disabled.
    error Vault_CollateralNotAccepted(address token);
    /// @notice The token is already listed.
    error Vault_CollateralAlreadyListed(address token);
    /// @notice The token's decimals exceed 18, or could not be read (then reported as `type(uint8).max`).
    error Vault_UnsupportedDecimals(address token, uint8 decimals);
    /// @notice The haircut is above `MAX_HAIRCUT_WAD`, or non-zero for the quote asset.
    error Vault_InvalidHaircut(address token, uint256 haircutWad);
    /// @notice Amount is zero (or a deposit credited nothing).
    error Vault_ZeroAmount();
    /// @notice The account holds less than the amount to debit.
    error Vault_InsufficientBalance(address account, address token, uint256 balance, uint256 needed);
    /// @notice `caller` is neither `account` nor an operator it authorised.
    error Vault_Unauthorized(address account, address caller);
    /// @notice The zero address where an account, token, router or recipient is required.
    error Vault_ZeroAddress();
    /// @notice More collateral tokens than `MAX_COLLATERALS` would be listed.
    error Vault_TooManyCollaterals(uint256 max);
    /// @notice A non-quote collateral needs a price router (a contract).
    error Vault_MissingRouter(address token);
    /// @notice The quote asset is priced at exactly 1 and takes no router.
    error Vault_QuoteAssetRouter(address router);
    /// @notice A socialised loss of `amount` exceeds `maxAmount` (`MAX_SOCIALISED_LOSS_WAD` of the quote total).
    error Vault_LossTooLarge(uint256 amount, uint256 maxAmount);

    /// @notice `amount` of `token` was credited to `account` (the amount actually received), paid by `payer`.
    event Deposited(address indexed account, address indexed token, address indexed payer, uint256 amount);
    /// @notice `amount` of `token` left `account` for `to`, on the call of `caller`.
    event Withdrawn(address indexed account, address indexed token, address indexed to, uint256 amount, address caller);
    /// @notice `amount` of `token` moved between two accounts on the call of the owner or an operator of `from`.
    event Transferred(address indexed from, address indexed to, address indexed token, uint256 amount);
    /// @notice `owner` authorised or revoked `operator`.
    event OperatorSet(address indexed owner, address indexed operator, bool approved);
    /// @notice `token` was listed as collateral.
    event CollateralListed(address indexed token, uint8 decimals, uint256 haircutWad, address router);
    /// @notice `token`'s haircut, router or deposit switch changed.
    event CollateralUpdated(address indexed token, bool depositsEnabled, uint256 haircutWad, address router);
    /// @notice A clearing contract (exchange, settlement, liquidation) moved `amount` of `token` between accounts.
    event ClearingTransferred(
        address indexed from,
        address indexed to,
        address indexed token,
        uint256 amount,
        address clearer
    );
    /// @notice The margin hook was replaced.
    event MarginHookSet(address indexed hook);
    /// @notice `amount` of the quote asset was credited to `to` and taken pro rata from every quote balance; the loss
    /// index is now `index`.
    event LossSocialized(address indexed to, uint256 amount, uint256 index);

    /// @notice Role of the protocol's clearing contracts (exchange, settlement, liquidation engine): the only path
    /// that moves an account's funds without the owner's or an operator's call. Granted by governance.
    function CLEARING_ROLE() external view returns (bytes32);

    /// @notice Role of the contract allowed to socialise a loss (the liquidation engine). Granted by governance.
    function SOCIALISER_ROLE() external view returns (bytes32);

    /// @notice The largest loss one `socializeLoss` may spread, as a WAD fraction of `totalBalance(quoteAsset)`.
    function MAX_SOCIALISED_LOSS_WAD() external view returns (uint256);

    /// @notice The largest haircut (WAD) a collateral may carry.
    function MAX_HAIRCUT_WAD() external view returns (uint256);

    /// @notice The largest number of collateral tokens (bounds the gas of `collateralValue`).
    function MAX_COLLATERALS() external view returns (uint256);

    /// @notice The quote asset: premiums, fees and settlement move in it and all values are denominated in it.
    function quoteAsset() external view returns (address);

    /// @notice Pulls `amount` of `token` from the caller and credits what the vault actually received to `account`.
    /// @dev Anyone may fund any account. Rejects unlisted or disabled tokens and zero amounts (including a
    /// fee-on-transfer token that delivers nothing).
    /// @return credited The amount actually received and credited.
    function deposit(address account, address token, uint256 amount) external returns (uint256 credited);

    /// @notice Sends `amount` of `token` from `account` to `to`. Owner or operator only; the margin hook must accept
    /// the account's state after the debit. Never blocked by a pause.
    function withdraw(address account, address token, uint256 amount, address to) external;

    /// @notice Moves `amount` of `token` from account `from` to account `to` inside the vault. Owner or operator of
    /// `from` only; the margin hook must accept `from`'s state after the debit.
    function transfer(address from, address to, address token, uint256 amount) external;

    /// @notice Moves `amount` of `token` from account `from` to account `to`. Clearing role only. No margin check:
    /// the clearing contract checks the accounts itself after its whole operation (premium, fees, settlement).
    function clearingTransfer(address from, address to, address token, uint256 amount) external;

    /// @notice Credits `amount` of the quote asset to account `to` and haircuts every quote balance (`to`'s included)
    /// pro rata, by lowering the loss index from I to I × (T − amount) / T (rounded down), T = `totalBalance`, so
    /// that the sum of quote balances is unchanged. Socialiser role only; reverts with `Vault_LossTooLarge` above
    /// `MAX_SOCIALISED_LOSS_WAD` × T. No tokens move.
    function socializeLoss(address to, uint256 amount) external;

    /// @notice Authorises (or revokes) `operator` to withdraw, transfer and trade for the caller's account.
    function setOperator(address operator, bool approved) external;

    /// @notice Lists `token` as collateral. Governance (timelock) only.
    /// @param router The token's price router in the quote asset; must be zero for the quote asset and non-zero
    /// for any other token.
    function listCollateral(address token, uint256 haircutWad, IOracleRouter router) external;

    /// @notice Changes a listed collateral's haircut, router and deposit switch. Governance (timelock) only.
    function updateCollateral(address token, bool depositsEnabled, uint256 haircutWad, IOracleRouter router) external;

    /// @notice Replaces the margin hook. Governance (timelock) only.
    function setMarginHook(IMarginHook hook) external;

    /// @notice `account`'s balance of `token`, in the token's units.
    function balanceOf(address account, address token) external view returns (uint256);

    /// @notice The quote asset's loss index, WAD: 1e18 until a loss is socialised, then lower. A quote balance is
    /// its stored shares × index / 1e18, rounded down.
    function quoteLossIndex() external view returns (uint256);

    /// @notice The sum over accounts of balances of `token` (the vault's liability in it). For the quote asset,
    /// at least the sum of balances: their rounding dust after a socialised loss stays counted here.
    function totalBalance(address token) external view returns (uint256);

    /// @notice Whether `operator` may act for `owner`.
    function isOperator(address owner, address operator) external view returns (bool);

    /// @notice Whether `caller` is `account` or one of its operators.
    function isAuthorized(address account, address caller) external view returns (bool);

    /// @notice A collateral's configuration.
    function collateralConfig(address token) external view returns (CollateralConfig memory);

    /// @notice The listed collateral tokens, in listing order.
    function collaterals() external view returns (address[] memory);

    /// @notice The haircut value of `account`'s collateral in the quote asset, WAD, rounded down. A non-quote
    /// collateral whose router is Down counts as zero; Degraded prices are used as they are.
    function collateralValue(address account) external view returns (uint256 valueWad);

    /// @notice `account`'s collateral at market and at haircut, split by price health, WAD, each token rounded down.
    /// Haircuts are a margin buffer, not a transfer price: the liquidation engine values what changes hands (and
    /// whether an account is insolvent) with `okWad`. `okHaircutWad + unhealthyHaircutWad == collateralValue(account)`.
    function collateralMarketValue(address account) external view returns (MarketValue memory value);

    /// @notice `collateralValue` for the owner's own exits (`IMarginEngine.exitMarginOf`): a non-quote collateral
    /// whose router is Down counts at the low end of its outage range (`IOracleRouter.spotBounds`: the last
    /// observation widened by a shock growing with its age), haircut, instead of zero. Never more than the last
    /// observation's value; zero when the router has none. Liquidation and loss decisions never read it.
    function exitCollateralValue(address account) external view returns (uint256 valueWad);

    /// @notice The haircut value of `amount` of `token` in the quote asset, WAD, rounded down.
    /// @dev 0 for an unlisted token and for a non-quote token whose router is Down (or reverts); never reverts
    /// for an oracle reason.
    function valueOf(address token, uint256 amount) external view returns (uint256 valueWad);

    /// @notice The margin hook consulted on withdrawals and transfers.
    function marginHook() external view returns (IMarginHook);
}
