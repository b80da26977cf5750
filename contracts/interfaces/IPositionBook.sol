// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPositionCounter} from "./IMarginHook.sol";
import {ISeriesRegistry} from "./ISeriesRegistry.sol";

/// @title IPositionBook
/// @notice Signed option positions per (account, series): long > 0, short < 0, zero-sum across accounts for every
/// series. Open interest (the sum of long positions) is kept in the series registry, within each series' cap. An
/// account holds at most `maxLiveSeries()` non-zero positions, which bounds the gas of margin and liquidation.
/// @dev Amounts are WAD: 1e18 is one option on one unit of the underlying. Only role holders move positions: the
/// exchange and the liquidation engine (TRADER_ROLE) and expiry settlement (SETTLER_ROLE).
interface IPositionBook is IPositionCounter {
    /// @notice Opening a position in another series would exceed the account's live-series limit.
    error Positions_TooManyLiveSeries(address account, uint256 maxLiveSeries);
    /// @notice Buyer and seller are the same account.
    error Positions_SelfTrade(address account);
    /// @notice A zero amount, or one above `MAX_AMOUNT`.
    error Positions_InvalidAmount(uint256 amount);
    /// @notice The live-series limit is outside `[1, MAX_LIVE_SERIES_LIMIT]`.
    error Positions_InvalidMaxLiveSeries(uint256 maxLiveSeries);
    /// @notice A zero address where an account is required.
    error Positions_ZeroAddress();
    /// @notice The series ids and the amounts of a batched transfer differ in length.
    error Positions_LengthMismatch(uint256 seriesIds, uint256 amounts);

    /// @notice `amount` options of `seriesId` moved from `seller` to `buyer`.
    event PositionTransferred(uint256 indexed seriesId, address indexed buyer, address indexed seller, uint256 amount);
    /// @notice `account`'s position in `seriesId` was closed at settlement; it was `position`.
    event PositionClosed(address indexed account, uint256 indexed seriesId, int256 position);
    /// @notice The live-series limit changed.
    event MaxLiveSeriesSet(uint256 maxLiveSeries);

    /// @notice Role of the contracts that move positions between accounts (exchange, liquidation engine).
    function TRADER_ROLE() external view returns (bytes32);
    /// @notice Role of the contract that closes expired positions (settlement).
    function SETTLER_ROLE() external view returns (bytes32);
    /// @notice Largest amount moved at once (keeps every position within int128).
    function MAX_AMOUNT() external view returns (uint256);
    /// @notice Upper bound governance may set for `maxLiveSeries`.
    function MAX_LIVE_SERIES_LIMIT() external view returns (uint256);
    /// @notice The registry holding series and their open interest (this book holds its POSITION_MANAGER_ROLE).
    function registry() external view returns (ISeriesRegistry);

    /// @notice Moves `amount` options of `seriesId` from `seller` to `buyer` (the buyer's position rises, the
    /// seller's falls), updating open interest in the registry (reverting there above the cap). Trader role only.
    /// @dev Does not check margin, expiry or pauses: the calling contract does.
    function transferPosition(uint256 seriesId, address buyer, address seller, uint256 amount) external;

    /// @notice Moves a signed slice of positions from `from` to `to` in one call: for each `i`, `to`'s position in
    /// `seriesIds[i]` rises by `amounts[i]` and `from`'s falls by as much. A positive amount is therefore bought by
    /// `to` from `from`, a negative one sold by `to` to `from`. Trader role only.
    /// @dev The same as `transferPosition(seriesIds[i], buyer, seller, |amounts[i]|)` for each `i` in order, with
    /// `(buyer, seller) = (to, from)` for a positive amount and `(from, to)` for a negative one: the same
    /// positions, open interest, `PositionTransferred` events (in the same order) and registry
    /// `OpenInterestChanged` events (in the same order), and the same errors (`Positions_InvalidAmount` carries
    /// the magnitude). Two differences: open interest moves through one batched registry call after every
    /// position has moved (so the registry's events follow the book's, and a batch that would fail both on a cap
    /// and on a later position reports the position error), and the accounts and the lengths are checked even
    /// for an empty batch, which otherwise moves nothing. Does not check margin, expiry or pauses: the calling
    /// contract does.
    /// @param from The account giving up the slice (the liquidated account, for the liquidation engine).
    /// @param to The account taking it over (the bidder).
    /// @param seriesIds The series, in the order moved; an id may repeat.
    /// @param amounts Signed amounts, non-zero with magnitude at most `MAX_AMOUNT`, one per series id.
    function transferPositions(
        address from,
        address to,
        uint256[] calldata seriesIds,
        int256[] calldata amounts
    ) external;

    /// @notice Sets `account`'s position in `seriesId` to zero and returns what it was. Settler role only.
    function closePosition(address account, uint256 seriesId) external returns (int256 position);

    /// @notice Sets the live-series limit. Governance (timelock) only.
    function setMaxLiveSeries(uint256 maxLiveSeries) external;

    /// @notice `account`'s position in `seriesId`.
    function positionOf(address account, uint256 seriesId) external view returns (int256);

    /// @notice `account`'s live series and its position in each, in no particular order.
    function positionsOf(address account) external view returns (uint256[] memory seriesIds, int256[] memory sizes);

    /// @notice The live-series limit per account.
    function maxLiveSeries() external view returns (uint256);

    /// @notice The sum of all positions in `seriesId` closed at settlement. Zero-sum: the sum of live positions plus
    /// this is always 0.
    function closedPositionSum(uint256 seriesId) external view returns (int256);
}
