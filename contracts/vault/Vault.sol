// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IMarginHook} from "../interfaces/IMarginHook.sol";
import {Health, IOracleRouter} from "../interfaces/IOracleRouter.sol";
import {IVault} from "../interfaces/IVault.sol";
import {WAD} from "../libraries/Constants.sol";

/// @title Vault
/// @notice Custody of whitelisted ERC-20 collateral in margin accounts. Governance (the timelock) holds
/// `DEFAULT_ADMIN_ROLE`. The vault never consults the pause guard: pausing can never trap funds.
/// @dev Quote-asset balances are stored as shares of `quoteLossIndex` (see IVault); every read and write of a quote
/// balance goes through `_balanceOf` / `_credit` / `_debit`. While the index is 1e18 shares are token units and no
/// conversion runs, so balances read exactly as they would without the index.
contract Vault is IVault, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IVault
    uint256 public constant MAX_HAIRCUT_WAD = 0.9e18;
    /// @inheritdoc IVault
    uint256 public constant MAX_COLLATERALS = 8;
    /// @inheritdoc IVault
    bytes32 public constant CLEARING_ROLE = keccak256("CLEARING_ROLE");
    /// @inheritdoc IVault
    bytes32 public constant SOCIALISER_ROLE = keccak256("SOCIALISER_ROLE");
    /// @inheritdoc IVault
    uint256 public constant MAX_SOCIALISED_LOSS_WAD = 0.1e18;

    uint8 internal constant MAX_DECIMALS = 18;
    /// @dev Reported as the decimals of a token whose `decimals()` cannot be read.
    uint8 internal constant UNREADABLE_DECIMALS = type(uint8).max;

    /// @inheritdoc IVault
    address public immutable quoteAsset;
    /// @dev 10^(18 − quote decimals): a quote balance times this is its value in WAD, exactly.
    uint256 internal immutable _quoteToWad;

    /// @inheritdoc IVault
    IMarginHook public marginHook;

    /// @inheritdoc IVault
    mapping(address token => uint256) public totalBalance;

    /// @inheritdoc IVault
    uint256 public quoteLossIndex = WAD;

    /// @inheritdoc IVault
    mapping(address owner => mapping(address operator => bool)) public isOperator;

    /// @dev Token units, except for the quote asset: shares of `quoteLossIndex`.
    mapping(address account => mapping(address token => uint256)) internal _balances;
    mapping(address token => CollateralConfig) internal _configs;
    address[] internal _collaterals;

    /// @param admin Governance (the timelock).
    /// @param quoteAsset_ The quote asset, listed at once with no haircut and priced at exactly 1.
    /// @param hook The margin hook consulted on withdrawals and transfers.
    constructor(address admin, address quoteAsset_, IMarginHook hook) {
        if (admin == address(0) || quoteAsset_ == address(0) || address(hook) == address(0)) {
            revert Vault_ZeroAddress();
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        quoteAsset = quoteAsset_;
        // The quote asset is listed first, so it is always `_collaterals[0]`.
        _list(quoteAsset_, 0, IOracleRouter(address(0)));
        _quoteToWad = 10 ** (MAX_DECIMALS - _configs[quoteAsset_].decimals);
        marginHook = hook;
        emit MarginHookSet(address(hook));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Accounts
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function deposit(address account, address token, uint256 amount) external nonReentrant returns (uint256 credited) {
        if (account == address(0)) revert Vault_ZeroAddress();
        if (amount == 0) revert Vault_ZeroAmount();
        if (!_configs[token].depositsEnabled) revert Vault_CollateralNotAccepted(token);

        // The balance difference is what arrived: a fee-on-transfer token is credited net of its fee. The pull
        // has to come before the credit to measure it; `nonReentrant` keeps the measurement honest.
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        credited = IERC20(token).balanceOf(address(this)) - balanceBefore;
        if (credited == 0) revert Vault_ZeroAmount();

        totalBalance[token] += credited;
        _credit(account, token, credited);
        emit Deposited(account, token, msg.sender, credited);
    }

    /// @inheritdoc IVault
    function withdraw(address account, address token, uint256 amount, address to) external nonReentrant {
        if (!isAuthorized(account, msg.sender)) revert Vault_Unauthorized(account, msg.sender);
        if (to == address(0)) revert Vault_ZeroAddress();
        if (amount == 0) revert Vault_ZeroAmount();

        _debit(account, token, amount);
        // unchecked: `totalBalance` is the sum of all balances, so it holds at least the `amount` just debited.
        unchecked {
            totalBalance[token] -= amount;
        }
        emit Withdrawn(account, token, to, amount, msg.sender);

        marginHook.checkWithdrawal(account);
        IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc IVault
    function transfer(address from, address to, address token, uint256 amount) external nonReentrant {
        if (!isAuthorized(from, msg.sender)) revert Vault_Unauthorized(from, msg.sender);
        if (to == address(0)) revert Vault_ZeroAddress();
        if (amount == 0) revert Vault_ZeroAmount();

        _debit(from, token, amount);
        _credit(to, token, amount);
        emit Transferred(from, to, token, amount);

        marginHook.checkWithdrawal(from);
    }

    /// @inheritdoc IVault
    function clearingTransfer(
        address from,
        address to,
        address token,
        uint256 amount
    ) external onlyRole(CLEARING_ROLE) {
        if (to == address(0)) revert Vault_ZeroAddress();
        if (amount == 0) revert Vault_ZeroAmount();
        _debit(from, token, amount);
        _credit(to, token, amount);
        emit ClearingTransferred(from, to, token, amount, msg.sender);
    }

    /// @inheritdoc IVault
    /// @dev Rounding in the vault's favour: the index rounds down (every balance a little lower) and `to`'s credit
    /// in shares rounds down. The bound keeps each step at most a 10% haircut, so the index stays far from zero.
    function socializeLoss(address to, uint256 amount) external onlyRole(SOCIALISER_ROLE) {
        if (to == address(0)) revert Vault_ZeroAddress();
        if (amount == 0) revert Vault_ZeroAmount();
        address quote = quoteAsset;
        uint256 total = totalBalance[quote];
        uint256 maxAmount = Math.mulDiv(total, MAX_SOCIALISED_LOSS_WAD, WAD);
        if (amount > maxAmount) revert Vault_LossTooLarge(amount, maxAmount);
        // unchecked: amount <= maxAmount <= total. The index falls to at least 0.9 × its value (minus 1 wei).
        uint256 index;
        unchecked {
            index = Math.mulDiv(quoteLossIndex, total - amount, total);
        }
        quoteLossIndex = index;
        _balances[to][quote] += Math.mulDiv(amount, WAD, index);
        emit LossSocialized(to, amount, index);
    }

    /// @inheritdoc IVault
    function setOperator(address operator, bool approved) external {
        if (operator == address(0)) revert Vault_ZeroAddress();
        isOperator[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function listCollateral(
        address token,
        uint256 haircutWad,
        IOracleRouter router
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert Vault_ZeroAddress();
        // The quote asset was listed in the constructor, so it is caught here too.
        if (_configs[token].listed) revert Vault_CollateralAlreadyListed(token);
        if (_collaterals.length >= MAX_COLLATERALS) revert Vault_TooManyCollaterals(MAX_COLLATERALS);
        _checkCollateralParams(token, haircutWad, router);
        _list(token, haircutWad, router);
    }

    /// @inheritdoc IVault
    function updateCollateral(
        address token,
        bool depositsEnabled,
        uint256 haircutWad,
        IOracleRouter router
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        CollateralConfig storage config = _configs[token];
        if (!config.listed) revert Vault_CollateralNotAccepted(token);
        _checkCollateralParams(token, haircutWad, router);
        config.depositsEnabled = depositsEnabled;
        // Safe cast: `_checkCollateralParams` bounded the haircut by `MAX_HAIRCUT_WAD`.
        config.haircutWad = uint64(haircutWad);
        config.router = router;
        emit CollateralUpdated(token, depositsEnabled, haircutWad, address(router));
    }

    /// @inheritdoc IVault
    function setMarginHook(IMarginHook hook) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(hook) == address(0)) revert Vault_ZeroAddress();
        marginHook = hook;
        emit MarginHookSet(address(hook));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IVault
    function balanceOf(address account, address token) external view returns (uint256) {
        return _balanceOf(account, token);
    }

    /// @inheritdoc IVault
    function collateralConfig(address token) external view returns (CollateralConfig memory) {
        return _configs[token];
    }

    /// @inheritdoc IVault
    function collaterals() external view returns (address[] memory) {
        return _collaterals;
    }

    /// @inheritdoc IVault
    function collateralValue(address account) external view returns (uint256 valueWad) {
        return _collateralValue(account, false);
    }

    /// @inheritdoc IVault
    function exitCollateralValue(address account) external view returns (uint256 valueWad) {
        return _collateralValue(account, true);
    }

    /// @inheritdoc IVault
    function collateralMarketValue(address account) external view returns (MarketValue memory value) {
        value.okWad = _valueOf(quoteAsset, _balanceOf(account, quoteAsset));
        value.okHaircutWad = value.okWad;
        uint256 count = _collaterals.length;
        for (uint256 i = 1; i < count; ++i) {
            address token = _collaterals[i];
            uint256 balance = _balanceOf(account, token);
            if (balance == 0) continue;
            CollateralConfig memory config = _configs[token];
            (uint256 priceE18, Health health) = _spot(config.router);
            // Rounded down (in the protocol's favour), as `_valueOf`: the whole-token value, then the haircut.
            uint256 marketWad = Math.mulDiv(balance, priceE18, 10 ** config.decimals);
            uint256 haircutWad = Math.mulDiv(marketWad, WAD - config.haircutWad, WAD);
            if (health == Health.Ok) {
                value.okWad += marketWad;
                value.okHaircutWad += haircutWad;
            } else {
                value.unhealthyWad += marketWad;
                value.unhealthyHaircutWad += haircutWad;
                if (health == Health.Down) value.downHeld = true;
            }
        }
    }

    /// @inheritdoc IVault
    function valueOf(address token, uint256 amount) external view returns (uint256 valueWad) {
        return _valueOf(token, amount);
    }

    /// @inheritdoc IVault
    function isAuthorized(address account, address caller) public view returns (bool) {
        return account == caller || isOperator[account][caller];
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------------------

    /// @dev Σ haircut values of `account`'s collateral; `exit`: a Down router's token at its outage range's low end.
    function _collateralValue(address account, bool exit) internal view returns (uint256 valueWad) {
        valueWad = _valueOf(quoteAsset, _balanceOf(account, quoteAsset));
        uint256 count = _collaterals.length;
        for (uint256 i = 1; i < count; ++i) {
            address token = _collaterals[i];
            uint256 balance = _balanceOf(account, token);
            if (balance == 0) continue;
            valueWad += exit ? _exitValueOf(token, balance) : _valueOf(token, balance);
        }
    }

    /// @dev `_valueOf`, except that a Down router's token counts at the low end of its outage range (0 when the
    /// router has no observation or reverts). Rounded down, like `_valueOf`.
    function _exitValueOf(address token, uint256 amount) internal view returns (uint256) {
        CollateralConfig memory config = _configs[token];
        if (!config.listed) return 0;
        uint256 priceE18;
        try config.router.spotBounds() returns (uint256 lowE18, uint256, Health) {
            priceE18 = lowE18;
        } catch {
            return 0;
        }
        uint256 valueWad = Math.mulDiv(amount, priceE18, 10 ** config.decimals);
        return Math.mulDiv(valueWad, WAD - config.haircutWad, WAD);
    }

    /// @dev `account`'s balance of `token` in token units: quote shares × index, rounded down.
    function _balanceOf(address account, address token) internal view returns (uint256) {
        uint256 stored = _balances[account][token];
        if (token != quoteAsset) return stored;
        uint256 index = quoteLossIndex;
        return index == WAD ? stored : Math.mulDiv(stored, index, WAD);
    }

    /// @dev Adds `amount` token units to `account`: quote shares rounded down (in the vault's favour). Checked: quote
    /// shares may exceed token units once the index is below 1e18.
    function _credit(address account, address token, uint256 amount) internal {
        if (token == quoteAsset) {
            uint256 index = quoteLossIndex;
            if (index != WAD) amount = Math.mulDiv(amount, WAD, index);
        }
        _balances[account][token] += amount;
    }

    /// @dev Removes `amount` token units from `account`: quote shares rounded up (in the vault's favour).
    function _debit(address account, address token, uint256 amount) internal {
        if (token == quoteAsset) {
            uint256 index = quoteLossIndex;
            if (index != WAD) {
                uint256 shares = _balances[account][token];
                uint256 quoteBalance = Math.mulDiv(shares, index, WAD);
                if (quoteBalance < amount) revert Vault_InsufficientBalance(account, token, quoteBalance, amount);
                // No underflow: floor(shares × index / 1e18) >= amount implies shares >= ceil(amount × 1e18 / index).
                _balances[account][token] = shares - Math.mulDiv(amount, WAD, index, Math.Rounding.Ceil);
                return;
            }
        }
        uint256 balance = _balances[account][token];
        if (balance < amount) revert Vault_InsufficientBalance(account, token, balance, amount);
        // unchecked: `balance >= amount` was checked just above.
        unchecked {
            _balances[account][token] = balance - amount;
        }
    }

    function _list(address token, uint256 haircutWad, IOracleRouter router) internal {
        uint8 decimals = _readDecimals(token);
        _configs[token] = CollateralConfig({
            listed: true,
            depositsEnabled: true,
            decimals: decimals,
            // Safe cast: callers bounded the haircut by `MAX_HAIRCUT_WAD` (the constructor passes 0).
            haircutWad: uint64(haircutWad),
            router: router
        });
        _collaterals.push(token);
        emit CollateralListed(token, decimals, haircutWad, address(router));
    }

    function _checkCollateralParams(address token, uint256 haircutWad, IOracleRouter router) internal view {
        if (token == quoteAsset) {
            if (haircutWad != 0) revert Vault_InvalidHaircut(token, haircutWad);
            if (address(router) != address(0)) revert Vault_QuoteAssetRouter(address(router));
        } else {
            if (haircutWad > MAX_HAIRCUT_WAD) revert Vault_InvalidHaircut(token, haircutWad);
            // A router without code would make `spot()` return nothing, which no try/catch can absorb.
            if (address(router).code.length == 0) revert Vault_MissingRouter(token);
        }
    }

    function _readDecimals(address token) internal view returns (uint8) {
        // A call to an address without code would return nothing and fail to decode outside the try/catch.
        if (token.code.length == 0) revert Vault_UnsupportedDecimals(token, UNREADABLE_DECIMALS);
        try IERC20Metadata(token).decimals() returns (uint8 decimals) {
            if (decimals > MAX_DECIMALS) revert Vault_UnsupportedDecimals(token, decimals);
            return decimals;
        } catch {
            revert Vault_UnsupportedDecimals(token, UNREADABLE_DECIMALS);
        }
    }

    /// @dev A router's spot; a router that is Down or reverts reads as price 0, Down.
    function _spot(IOracleRouter router) internal view returns (uint256 priceE18, Health health) {
        try router.spot() returns (uint256 spotE18, Health read) {
            return read == Health.Down ? (0, Health.Down) : (spotE18, read);
        } catch {
            return (0, Health.Down);
        }
    }

    /// @dev value = amount / 10^decimals × priceE18 × (1 − haircut), each step rounded down: collateral is never
    /// overstated (in the protocol's favour). A non-quote token whose router is Down or reverts is worth 0.
    function _valueOf(address token, uint256 amount) internal view returns (uint256) {
        // The quote asset is listed, has no haircut and is priced at exactly 1: both steps below are exact for it
        // (10^decimals divides amount × 1e18), and this product overflows exactly when their first one would.
        if (token == quoteAsset) return amount * _quoteToWad;
        CollateralConfig memory config = _configs[token];
        if (!config.listed || amount == 0) return 0;
        (uint256 priceE18, ) = _spot(config.router);
        // Rounded down (in the protocol's favour): the whole-token value, then the haircut.
        uint256 valueWad = Math.mulDiv(amount, priceE18, 10 ** config.decimals);
        return Math.mulDiv(valueWad, WAD - config.haircutWad, WAD);
    }
}
