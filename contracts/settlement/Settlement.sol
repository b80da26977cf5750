// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Health} from "../interfaces/IOracleRouter.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IVault} from "../interfaces/IVault.sol";
import {WAD} from "../libraries/Constants.sol";
import {SeriesTerms} from "../libraries/SeriesTerms.sol";

/// @title Settlement
/// @notice Cash settlement of expired series against per-series pools held in this contract's vault account, with
/// netting per account and expiry, pro rata payouts and permissionless debt collection.
/// @dev Permissionless and parameter-free. Needs the vault's CLEARING_ROLE and the book's SETTLER_ROLE. Governance
/// (`DEFAULT_ADMIN_ROLE`) only grants `DEBT_RESOLVER_ROLE` to the liquidation engine.
contract Settlement is ISettlement, AccessControl, ReentrancyGuardTransient {
    /// @inheritdoc ISettlement
    uint256 public constant COLLECTION_DISCOUNT_WAD = 0.02e18;

    /// @inheritdoc ISettlement
    bytes32 public constant DEBT_RESOLVER_ROLE = keccak256("DEBT_RESOLVER_ROLE");

    /// @inheritdoc ISettlement
    IVault public immutable vault;
    /// @inheritdoc ISettlement
    IPositionBook public immutable book;
    /// @inheritdoc ISettlement
    ISeriesRegistry public immutable registry;
    /// @inheritdoc ISettlement
    address public immutable quoteAsset;
    /// @dev WAD × 10^(18 − quote decimals): divides a WAD·WAD product into quote token units.
    uint256 internal immutable WAD_TIMES_QUOTE_SCALE;
    /// @dev 10^(18 − quote decimals): turns quote token units into WAD exactly.
    uint256 internal immutable QUOTE_TO_WAD;

    /// @inheritdoc ISettlement
    mapping(uint256 seriesId => uint256) public poolOf;
    /// @inheritdoc ISettlement
    uint256 public totalPooled;
    /// @inheritdoc ISettlement
    mapping(uint256 seriesId => uint256) public shortfallOf;
    /// @inheritdoc ISettlement
    mapping(address account => uint256) public debtOf;
    /// @inheritdoc ISettlement
    mapping(address account => mapping(uint256 seriesId => uint256)) public debtOn;
    /// @dev A long's entitlement on a series (paid and unpaid) and its unpaid part, quote units, and the claim's
    /// 1-based place in the account's claim list (`_claimPages`; 0: not listed), packed in one slot so listing a
    /// claim writes no slot of its own. 112 bits hold any quote amount (5.1e33 units; SafeCast checks).
    struct LongClaim {
        uint112 entitled;
        uint112 owed;
        uint32 listIndex;
    }

    mapping(address account => mapping(uint256 seriesId => LongClaim)) internal _longs;

    /// @dev Per series: everything paid into its pool, and the sum of its settled longs' entitlements (the live
    /// ones are read from open interest), quote units.
    struct SeriesFlows {
        uint128 collected;
        uint128 settledEntitlement;
    }

    mapping(uint256 seriesId => SeriesFlows) internal _flows;

    /// @dev A series' expiry price and per-option intrinsic value, cached on first use (both fit 128 bits: prices
    /// and strikes are far below 2^128 WAD). A zero expiry price means "not cached yet".
    struct SeriesOutcome {
        uint128 expiryPriceE18;
        uint128 intrinsicE18;
    }

    mapping(uint256 seriesId => SeriesOutcome) internal _outcomes;

    /// @dev The series each account owes on, and their 1-based index in that list (0: not listed). Written only when
    /// a debt appears or is cleared, never on the paths that settle without debt.
    mapping(address account => uint256[]) internal _debtSeries;
    mapping(address account => mapping(uint256 seriesId => uint256)) internal _debtSeriesIndex;

    /// @dev The series on which each account holds an unpaid long claim (`LongClaim.owed` != 0), so a collection
    /// pays the debtor's own claims first: 64-bit lanes, four to a slot (page). Lane 0 holds the count and lane k
    /// (k >= 1) the k-th listed series (`LongClaim.listIndex` == k), so the count and the first three claims share
    /// one slot. Series ids fit 64 bits: the position book holds no other (`IPositionBook`, SafeCast). Written only
    /// when a claim stays unpaid or is paid off, never on the paths that pay a long in full at once.
    mapping(address account => mapping(uint256 page => uint256)) internal _claimPages;

    /// @param admin Governance (the timelock): grants `DEBT_RESOLVER_ROLE`.
    constructor(address admin, IVault vault_, IPositionBook book_, ISeriesRegistry registry_) {
        if (
            admin == address(0) ||
            address(vault_) == address(0) ||
            address(book_) == address(0) ||
            address(registry_) == address(0)
        ) {
            revert Settlement_ZeroAddress();
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        vault = vault_;
        book = book_;
        registry = registry_;
        quoteAsset = vault_.quoteAsset();
        // The vault only lists tokens with at most 18 decimals, the quote asset included.
        QUOTE_TO_WAD = 10 ** (18 - IERC20Metadata(quoteAsset).decimals());
        WAD_TIMES_QUOTE_SCALE = WAD * QUOTE_TO_WAD;
    }

    /// @inheritdoc ISettlement
    function settle(
        address account,
        uint256 seriesId
    ) external nonReentrant returns (uint256 paid, uint256 outstanding) {
        (uint256[] memory ids, int256[] memory sizes) = book.positionsOf(account);
        // A lone position has nothing to net with: no terms to read.
        if (ids.length == 1 && ids[0] == seriesId) (paid, outstanding) = _settleLeg(account, seriesId);
        else (paid, outstanding) = _settleGroup(account, seriesId, ids, sizes);
        if (debtOf[account] != 0) _repayFromBalance(account);
    }

    /// @inheritdoc ISettlement
    function claim(address account, uint256 seriesId) external nonReentrant returns (uint256 paid) {
        if (_longs[account][seriesId].owed == 0) revert Settlement_NothingToClaim(account, seriesId);
        paid = _payClaim(account, seriesId);
        if (paid != 0) emit ClaimPaid(account, seriesId, paid);
        if (debtOf[account] != 0) _repayFromBalance(account);
    }

    /// @inheritdoc ISettlement
    function claimable(address account, uint256 seriesId) external view returns (uint256) {
        return _due(_longs[account][seriesId], _flows[seriesId], seriesId);
    }

    /// @inheritdoc ISettlement
    function claimOf(address account, uint256 seriesId) external view returns (uint256) {
        return _longs[account][seriesId].owed;
    }

    /// @inheritdoc ISettlement
    function entitlementOf(address account, uint256 seriesId) external view returns (uint256) {
        return _longs[account][seriesId].entitled;
    }

    /// @inheritdoc ISettlement
    function collectedOf(uint256 seriesId) external view returns (uint256) {
        return _flows[seriesId].collected;
    }

    /// @inheritdoc ISettlement
    function collectDebt(
        address account,
        uint256 seriesId,
        address token,
        uint256 maxRepay,
        uint256 minSeized
    ) external nonReentrant returns (Collection memory c) {
        // Claims first: what the debtor's own longs are due lands in its quote balance before anything is sold.
        uint256 fromClaims = _payOwnClaims(account);
        c = _collection(account, seriesId, token, maxRepay, 0);
        c.fromClaims = fromClaims;
        if (c.seized < minSeized) revert Settlement_CollectionBelowMinimum(c.seized, minSeized);
        uint256 repaid = c.fromBalance + c.bought;
        _reduceDebt(account, seriesId, debtOn[account][seriesId], repaid);
        if (c.fromBalance != 0) vault.clearingTransfer(account, address(this), quoteAsset, c.fromBalance);
        if (c.bought != 0) {
            vault.clearingTransfer(msg.sender, address(this), quoteAsset, c.bought);
            vault.clearingTransfer(account, msg.sender, token, c.seized);
            // The collector swapped quote for collateral worth more at market but less after its haircut.
            vault.marginHook().checkWithdrawal(msg.sender);
        }
        emit DebtCollected(account, seriesId, msg.sender, token, c.fromBalance, c.bought, c.seized, c.priceE18);
    }

    /// @inheritdoc ISettlement
    function previewCollection(
        address account,
        uint256 seriesId,
        address token,
        uint256 maxRepay
    ) external view returns (Collection memory c) {
        uint256 fromClaims = _ownClaimsDue(account);
        c = _collection(account, seriesId, token, maxRepay, fromClaims);
        c.fromClaims = fromClaims;
    }

    /// @inheritdoc ISettlement
    function claimSeriesOf(address account) external view returns (uint256[] memory) {
        return _claimIds(account);
    }

    /// @inheritdoc ISettlement
    function repayDebt(
        address account,
        uint256 seriesId,
        address payer,
        uint256 amount
    ) external nonReentrant returns (uint256 repaid) {
        if (!vault.isAuthorized(payer, msg.sender)) revert Settlement_Unauthorized(payer, msg.sender);
        if (amount == 0) revert Settlement_ZeroAmount();
        uint256 debt = debtOn[account][seriesId];
        if (debt == 0) revert Settlement_NoDebt(account, seriesId);
        repaid = _reduceDebt(account, seriesId, debt, amount);
        vault.clearingTransfer(payer, address(this), quoteAsset, repaid);
        // The account's equity is unchanged (debt and balance fall together); a third-party payer's falls.
        if (payer != account) vault.marginHook().checkWithdrawal(payer);
        emit DebtRepaid(account, seriesId, payer, repaid);
    }

    /// @inheritdoc ISettlement
    function resolveDebt(
        address account,
        uint256 seriesId,
        address payer,
        uint256 amount
    ) external nonReentrant onlyRole(DEBT_RESOLVER_ROLE) returns (uint256 resolved) {
        if (amount == 0) revert Settlement_ZeroAmount();
        uint256 debt = debtOn[account][seriesId];
        if (debt == 0) revert Settlement_NoDebt(account, seriesId);
        resolved = _reduceDebt(account, seriesId, debt, amount);
        if (payer != address(this)) vault.clearingTransfer(payer, address(this), quoteAsset, resolved);
        emit DebtRepaid(account, seriesId, payer, resolved);
    }

    /// @inheritdoc ISettlement
    function debtSeriesOf(address account) external view returns (uint256[] memory) {
        return _debtSeries[account];
    }

    /// @inheritdoc ISettlement
    function settlementAmount(uint256 seriesId, int256 position) external view returns (int256 amount) {
        SeriesOutcome memory outcome = _outcomes[seriesId];
        if (outcome.expiryPriceE18 == 0) outcome = _outcome(seriesId);
        return _amountOf(position, outcome.intrinsicE18);
    }

    /// @dev Settles every position of `account` (`ids`, `sizes`: its book) in `seriesId`'s expiry group, longs
    /// first: their payouts land in the account's quote balance, from which its shorts then pay. Returns the
    /// outcome of `seriesId`'s own leg.
    function _settleGroup(
        address account,
        uint256 seriesId,
        uint256[] memory ids,
        int256[] memory sizes
    ) internal returns (uint256 paid, uint256 outstanding) {
        uint256 n = ids.length;
        SeriesTerms[] memory terms = registry.seriesTerms(ids);
        uint256 group = type(uint256).max;
        for (uint256 i; i < n; ++i) {
            if (ids[i] == seriesId) group = terms[i].group();
        }
        if (group == type(uint256).max) revert Settlement_NoPosition(account, seriesId);
        // Longs first: their payouts land in the account's quote balance, from which its shorts then pay.
        for (uint256 pass; pass < 2; ++pass) {
            for (uint256 i; i < n; ++i) {
                if (terms[i].group() != group || (sizes[i] > 0) != (pass == 0)) continue;
                (uint256 legPaid, uint256 legOutstanding) = _settleLeg(account, ids[i]);
                if (ids[i] == seriesId) (paid, outstanding) = (legPaid, legOutstanding);
            }
        }
    }

    /// @dev Closes one position and moves its value: a short pays from the account's quote balance (the rest is
    /// debt), a long gets its entitlement recorded and is paid its pro rata share now.
    function _settleLeg(address account, uint256 seriesId) internal returns (uint256 paid, uint256 outstanding) {
        SeriesOutcome memory outcome = _outcomes[seriesId];
        if (outcome.expiryPriceE18 == 0) {
            outcome = _outcome(seriesId);
            _outcomes[seriesId] = outcome;
        }
        int256 position = book.closePosition(account, seriesId);
        int256 amount = _amountOf(position, outcome.intrinsicE18);
        if (amount < 0) {
            uint256 owed = uint256(-amount);
            paid = _payFromBalance(account, seriesId, owed);
            outstanding = owed - paid;
            if (outstanding != 0) {
                if (debtOn[account][seriesId] == 0) _list(_debtSeries[account], _debtSeriesIndex[account], seriesId);
                debtOn[account][seriesId] += outstanding;
                debtOf[account] += outstanding;
                shortfallOf[seriesId] += outstanding;
            }
        } else if (amount > 0) {
            uint112 owed = SafeCast.toUint112(uint256(amount));
            // Recorded after the book lowered the open interest, so the series' total entitlement counts it once.
            SeriesFlows memory flows = _flows[seriesId];
            flows.settledEntitlement += owed;
            _flows[seriesId] = flows;
            LongClaim memory long = _longs[account][seriesId];
            uint256 owedBefore = long.owed;
            long.entitled += owed;
            long.owed += owed;
            (paid, outstanding) = _payLong(account, seriesId, long, flows, owedBefore);
        }
        emit PositionSettled(account, seriesId, position, outcome.expiryPriceE18, paid, outstanding);
    }

    /// @dev Moves up to `owed` from `account`'s quote balance into `seriesId`'s pool; returns what moved.
    function _payFromBalance(address account, uint256 seriesId, uint256 owed) internal returns (uint256 paid) {
        uint256 balance = vault.balanceOf(account, quoteAsset);
        paid = owed < balance ? owed : balance;
        if (paid != 0) {
            vault.clearingTransfer(account, address(this), quoteAsset, paid);
            _fundPool(seriesId, paid);
        }
    }

    function _fundPool(uint256 seriesId, uint256 amount) internal {
        poolOf[seriesId] += amount;
        _flows[seriesId].collected += SafeCast.toUint128(amount);
        totalPooled += amount;
    }

    /// @dev Pays `account` what `_due` allows on `seriesId`, stores its claim (`long`, in memory) less that and
    /// takes it off the pool; keeps the account's claim list in step (`owedBefore`: the claim stored before).
    /// Returns the amount paid (after a socialised haircut) and the claim left.
    function _payLong(
        address account,
        uint256 seriesId,
        LongClaim memory long,
        SeriesFlows memory flows,
        uint256 owedBefore
    ) internal returns (uint256 paid, uint256 outstanding) {
        uint256 taken = _due(long, flows, seriesId);
        // unchecked: `_due` never exceeds the claim or the pool.
        unchecked {
            long.owed -= uint112(taken);
            poolOf[seriesId] -= taken;
        }
        outstanding = long.owed;
        if (owedBefore == 0 && outstanding != 0) {
            _listClaim(account, seriesId, long);
        } else if (owedBefore != 0 && outstanding == 0) {
            _unlistClaim(account, long);
        }
        _longs[account][seriesId] = long;
        if (taken != 0) paid = _payOut(account, taken);
    }

    /// @dev Pays the claim of a long settled earlier.
    function _payClaim(address account, uint256 seriesId) internal returns (uint256 paid) {
        LongClaim memory long = _longs[account][seriesId];
        (paid, ) = _payLong(account, seriesId, long, _flows[seriesId], long.owed);
    }

    /// @dev Pays `account` everything its own unpaid claims are due now (claims first: a collection never sells
    /// collateral for a debt its own claims pay). Returns the total paid into its quote balance.
    function _payOwnClaims(address account) internal returns (uint256 paid) {
        // A copy: paying a claim off removes it from the list.
        uint256[] memory ids = _claimIds(account);
        for (uint256 i; i < ids.length; ++i) {
            uint256 claimPaid = _payClaim(account, ids[i]);
            if (claimPaid != 0) {
                emit ClaimPaid(account, ids[i], claimPaid);
                paid += claimPaid;
            }
        }
    }

    /// @dev What `_payOwnClaims` would pay now: each claim's `_due`, scaled as `_payOut` scales it, in the same order.
    function _ownClaimsDue(address account) internal view returns (uint256 paid) {
        uint256[] memory ids = _claimIds(account);
        uint256 pooled = totalPooled;
        uint256 balance = vault.balanceOf(address(this), quoteAsset);
        for (uint256 i; i < ids.length; ++i) {
            uint256 taken = _due(_longs[account][ids[i]], _flows[ids[i]], ids[i]);
            if (taken == 0) continue;
            uint256 claimPaid = _scaledDown(taken, balance, pooled);
            // unchecked: as in `_payOut`, taken <= pooled and claimPaid <= balance.
            unchecked {
                pooled -= taken;
                balance -= claimPaid;
            }
            paid += claimPaid;
        }
    }

    /// @dev The long's pro rata share: entitled × min(collected, E) / E (rounded down, in the pool's favour) less
    /// what it was already paid, at most the pool. E counts settled longs exactly and live longs as open interest ×
    /// intrinsic value rounded down, never less than the sum of their own rounded-down entitlements.
    function _due(
        LongClaim memory long,
        SeriesFlows memory flows,
        uint256 seriesId
    ) internal view returns (uint256 due) {
        if (long.owed == 0) return 0;
        uint256 liveLongs = registry.getSeries(seriesId).openInterest;
        uint256 total = flows.settledEntitlement +
            Math.mulDiv(liveLongs, _outcomes[seriesId].intrinsicE18, WAD_TIMES_QUOTE_SCALE);
        // total >= entitled > 0: the long's own entitlement is part of the settled sum.
        uint256 earned = flows.collected >= total ? long.entitled : Math.mulDiv(long.entitled, flows.collected, total);
        // A claim only falls below the entitlement that created it: owed <= entitled.
        uint256 alreadyPaid = long.entitled - long.owed;
        if (earned <= alreadyPaid) return 0;
        // unchecked: earned > alreadyPaid, and earned <= entitled, so due <= owed.
        unchecked {
            due = earned - alreadyPaid;
        }
        uint256 pool = poolOf[seriesId];
        if (due > pool) due = pool;
    }

    /// @dev Repays `account`'s settlement debts from its quote balance, as far as it goes.
    function _repayFromBalance(address account) internal {
        uint256[] memory ids = _debtSeries[account];
        for (uint256 i; i < ids.length; ++i) {
            uint256 balance = vault.balanceOf(account, quoteAsset);
            if (balance == 0) return;
            uint256 repaid = _reduceDebt(account, ids[i], debtOn[account][ids[i]], balance);
            vault.clearingTransfer(account, address(this), quoteAsset, repaid);
            emit DebtRepaid(account, ids[i], account, repaid);
        }
    }

    /// @dev The one calculation of `collectDebt` and `previewCollection`, after the debtor's own claims were paid
    /// (`collectDebt`) or on its balance plus what they would pay (`previewCollection`: `claimsDue`).
    function _collection(
        address account,
        uint256 seriesId,
        address token,
        uint256 maxRepay,
        uint256 claimsDue
    ) internal view returns (Collection memory c) {
        uint256 debt = debtOn[account][seriesId];
        if (debt == 0) revert Settlement_NoDebt(account, seriesId);
        uint256 toRepay = maxRepay < debt ? maxRepay : debt;
        uint256 balance = vault.balanceOf(account, quoteAsset) + claimsDue;
        c.fromBalance = toRepay < balance ? toRepay : balance;
        // unchecked: fromBalance <= toRepay.
        unchecked {
            toRepay -= c.fromBalance;
        }
        if (token == quoteAsset) {
            c.seized = c.fromBalance;
        } else if (toRepay != 0) {
            _buyCollateral(c, account, token, toRepay);
        }
        if (c.fromBalance + c.bought == 0) revert Settlement_NothingToCollect(account, seriesId, token);
    }

    /// @dev Prices `toRepay` quote units of debt in `account`'s `token` at market less the collection discount:
    /// seized = toRepay × (1 + discount) / price, rounded down (the debtor never gives more); when its balance is
    /// short, all of it is bought for its discounted value rounded up (the collector never pays less).
    function _buyCollateral(Collection memory c, address account, address token, uint256 toRepay) internal view {
        IVault.CollateralConfig memory config = vault.collateralConfig(token);
        if (!config.listed || address(config.router) == address(0)) revert Settlement_NotCollateral(token);
        (uint256 priceE18, Health health) = config.router.spot();
        if (health != Health.Ok) revert Settlement_PriceNotOk(token, uint8(health));
        c.priceE18 = priceE18;
        // Quote units → WAD (× QUOTE_TO_WAD), plus the discount (× (1 + d)), → token units (× 10^decimals / price).
        uint256 tokenUnit = 10 ** config.decimals;
        uint256 discountedDenominator = (WAD + COLLECTION_DISCOUNT_WAD) * tokenUnit * QUOTE_TO_WAD;
        uint256 wanted = Math.mulDiv(
            toRepay * QUOTE_TO_WAD * (WAD + COLLECTION_DISCOUNT_WAD),
            tokenUnit,
            priceE18 * WAD
        );
        uint256 available = vault.balanceOf(account, token);
        if (wanted <= available) {
            (c.bought, c.seized) = (toRepay, wanted);
        } else {
            c.seized = available;
            c.bought = Math.mulDiv(available * priceE18, WAD, discountedDenominator, Math.Rounding.Ceil);
            if (c.bought > toRepay) c.bought = toRepay;
        }
        if (c.seized == 0) c.bought = 0;
    }

    /// @dev Pays a long `taken` out of the pools (already deducted from its series pool). A socialised loss (see
    /// IVault.socializeLoss) haircuts this contract's vault balance like every quote balance while the pools stay
    /// nominal, so each payout is scaled by balance / pooled when the balance fell short: the pools' holders bear the
    /// haircut pro rata and the last long can always be paid. Rounds down.
    function _payOut(address account, uint256 taken) internal returns (uint256 paid) {
        uint256 pooled = totalPooled;
        uint256 balance = vault.balanceOf(address(this), quoteAsset);
        paid = _scaledDown(taken, balance, pooled);
        // unchecked: every pool's amount is counted in totalPooled, so taken <= pooled.
        unchecked {
            totalPooled = pooled - taken;
        }
        if (paid != 0) vault.clearingTransfer(address(this), account, quoteAsset, paid);
    }

    /// @dev Equivalent to `taken × min(balance, pooled) / pooled`, rounded down (in the pools' favour): a payout of
    /// `taken` nominal out of the pools when this contract's vault `balance` backs `pooled` (see `_payOut`).
    function _scaledDown(uint256 taken, uint256 balance, uint256 pooled) internal pure returns (uint256) {
        return balance >= pooled ? taken : Math.mulDiv(taken, balance, pooled);
    }

    /// @dev Takes min(amount, debt) off `account`'s debt on `seriesId` (its current `debt` > 0) into the pool.
    function _reduceDebt(
        address account,
        uint256 seriesId,
        uint256 debt,
        uint256 amount
    ) internal returns (uint256 reduced) {
        reduced = amount < debt ? amount : debt;
        // unchecked: reduced <= debt, and each per-series debt is counted in both totals.
        unchecked {
            debtOn[account][seriesId] = debt - reduced;
            debtOf[account] -= reduced;
            shortfallOf[seriesId] -= reduced;
        }
        _fundPool(seriesId, reduced);
        if (reduced == debt) _unlist(_debtSeries[account], _debtSeriesIndex[account], seriesId);
    }

    /// @dev Appends `seriesId` to `account`'s claim list; its place is kept in `long` (stored by the caller).
    function _listClaim(address account, uint256 seriesId, LongClaim memory long) internal {
        uint256 count = _claimLane(account, 0) + 1;
        _setClaimLane(account, count, SafeCast.toUint64(seriesId));
        _setClaimLane(account, 0, count);
        long.listIndex = SafeCast.toUint32(count);
    }

    /// @dev Removes the claim `long` (stored by the caller) from `account`'s claim list by moving the last entry
    /// into its place.
    function _unlistClaim(address account, LongClaim memory long) internal {
        uint256 index = long.listIndex;
        uint256 last = _claimLane(account, 0);
        if (index != last) {
            uint256 moved = _claimLane(account, last);
            _setClaimLane(account, index, moved);
            // index < last, which `_listClaim` checked fits 32 bits.
            _longs[account][moved].listIndex = uint32(index);
        }
        _setClaimLane(account, last, 0);
        // unchecked: the claim being removed is listed, so last >= 1.
        unchecked {
            _setClaimLane(account, 0, last - 1);
        }
        long.listIndex = 0;
    }

    /// @dev `account`'s claim list, in list order.
    function _claimIds(address account) internal view returns (uint256[] memory ids) {
        uint256 count = _claimLane(account, 0);
        ids = new uint256[](count);
        for (uint256 k = 1; k <= count; ++k) ids[k - 1] = _claimLane(account, k);
    }

    /// @dev Lane `k` of `account`'s claim list (see `_claimPages`).
    function _claimLane(address account, uint256 k) internal view returns (uint256) {
        return uint64(_claimPages[account][k >> 2] >> ((k & 3) << 6));
    }

    /// @dev Sets lane `k` of `account`'s claim list to `value` (< 2^64).
    function _setClaimLane(address account, uint256 k, uint256 value) internal {
        uint256 shift = (k & 3) << 6;
        mapping(uint256 page => uint256) storage pages = _claimPages[account];
        pages[k >> 2] = (pages[k >> 2] & ~(uint256(type(uint64).max) << shift)) | (value << shift);
    }

    /// @dev Appends `seriesId` to an account's debt list with its 1-based index.
    function _list(
        uint256[] storage list,
        mapping(uint256 seriesId => uint256) storage indexOf,
        uint256 seriesId
    ) internal {
        list.push(seriesId);
        indexOf[seriesId] = list.length;
    }

    /// @dev Removes `seriesId` from an account's debt list by moving the last entry into its place.
    function _unlist(
        uint256[] storage list,
        mapping(uint256 seriesId => uint256) storage indexOf,
        uint256 seriesId
    ) internal {
        uint256 index = indexOf[seriesId];
        uint256 last = list.length;
        if (index != last) {
            uint256 moved = list[last - 1];
            list[index - 1] = moved;
            indexOf[moved] = index;
        }
        list.pop();
        delete indexOf[seriesId];
    }

    /// @dev Reads a series' expiry price (reverting with `Settlement_PriceNotSet` while it is not proven) and its
    /// per-option intrinsic value at that price.
    function _outcome(uint256 seriesId) internal view returns (SeriesOutcome memory outcome) {
        ISeriesRegistry.Series memory series = registry.getSeries(seriesId);
        (uint256 priceE18, bool isSet) = registry.routerOf(series.underlyingId).expiryPrice(series.expiry);
        if (!isSet) revert Settlement_PriceNotSet(seriesId, series.expiry);
        uint256 strike = series.strikeE18;
        uint256 intrinsicE18;
        if (series.isCall) intrinsicE18 = priceE18 > strike ? priceE18 - strike : 0;
        else intrinsicE18 = strike > priceE18 ? strike - priceE18 : 0;
        // Both fit: the strike is a uint128 and a call's intrinsic value is below the price.
        outcome = SeriesOutcome(SafeCast.toUint128(priceE18), uint128(intrinsicE18));
    }

    /// @dev Intrinsic value of `position` in quote units: what a short owes rounded up, what a long is owed rounded
    /// down, so the pool can never pay out more than the shorts owe.
    function _amountOf(int256 position, uint256 intrinsicE18) internal view returns (int256) {
        if (intrinsicE18 == 0 || position == 0) return 0;
        if (position > 0) {
            return int256(Math.mulDiv(uint256(position), intrinsicE18, WAD_TIMES_QUOTE_SCALE, Math.Rounding.Floor));
        }
        return -int256(Math.mulDiv(uint256(-position), intrinsicE18, WAD_TIMES_QUOTE_SCALE, Math.Rounding.Ceil));
    }
}
