// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IExchange} from "../../contracts/interfaces/IExchange.sol";

/// @notice The one order builder of the tests (fixtures and invariant handlers).
library Orders {
    /// @dev An order of `maker` valid for an hour from now, open to any taker.
    function open(
        address maker,
        uint256 seriesId,
        bool isBuy,
        uint256 amount,
        uint256 minFillAmount,
        uint256 limitPriceE18,
        uint256 nonce
    ) internal view returns (IExchange.Order memory) {
        return
            IExchange.Order({
                maker: maker,
                seriesId: seriesId,
                isBuy: isBuy,
                amount: amount,
                minFillAmount: minFillAmount,
                limitPriceE18: limitPriceE18,
                deadline: uint64(block.timestamp + 1 hours),
                nonce: nonce,
                taker: address(0)
            });
    }
}
