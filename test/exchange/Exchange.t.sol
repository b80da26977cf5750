// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Exchange} from "../../contracts/exchange/Exchange.sol";
import {IExchange} from "../../contracts/interfaces/IExchange.sol";
import {IMarginEngine} from "../../contracts/interfaces/IMarginEngine.sol";
import {Health} from "../../contracts/interfaces/IOracleRouter.sol";
import {IPauseGuard} from "../../contracts/interfaces/IPauseGuard.sol";
import {IPositionBook} from "../../contracts/interfaces/IPositionBook.sol";
import {IRiskController} from "../../contracts/interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../../contracts/interfaces/ISeriesRegistry.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {MockERC1271Wallet} from "../../contracts/mocks/MockERC1271Wallet.sol";
import {ExchangeBase} from "./ExchangeBase.sol";
import {Deploy} from "../utils/Deploy.sol";

contract ExchangeTest is ExchangeBase {
    uint256 internal constant FUNDS = 100_000e6;
    /// @dev secp256k1 group order.
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    function setUp() public override {
        super.setUp();
        _deposit(maker, FUNDS);
        _deposit(taker, FUNDS);
        _deposit(other, FUNDS);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Constructor, constants and views
    // ------------------------------------------------------------------------------------------------------------

    function test_constructor_setsDependenciesRolesAndConstants() public view {
        assertEq(address(exchange.vault()), address(vault), "vault");
        assertEq(address(exchange.book()), address(book), "book");
        assertEq(address(exchange.registry()), address(registry), "registry");
        assertEq(address(exchange.margin()), address(margin), "margin");
        assertEq(address(exchange.pauseGuard()), address(guard), "pause guard");
        assertEq(exchange.quoteAsset(), address(usdc), "quote asset");
        assertEq(exchange.feeRecipient(), FEE_RECIPIENT, "fee recipient");
        assertEq(exchange.insuranceFund(), INSURANCE, "insurance fund");
        assertTrue(exchange.hasRole(exchange.DEFAULT_ADMIN_ROLE(), ADMIN), "admin");
        assertEq(exchange.MATCHER_ROLE(), keccak256("MATCHER_ROLE"), "matcher role id");
        assertEq(exchange.ORDER_TYPEHASH(), ORDER_TYPEHASH, "order typehash");
        assertEq(exchange.MAX_NOTIONAL_FEE_WAD(), 0.01e18, "max notional fee");
        assertEq(exchange.MAX_PREMIUM_CAP_WAD(), 0.5e18, "max premium cap");
        assertEq(exchange.MAX_INSURANCE_SHARE_WAD(), 1e18, "max insurance share");
        bytes32 domain = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("Optio Exchange"), keccak256("1"), block.chainid, address(exchange))
        );
        assertEq(exchange.DOMAIN_SEPARATOR(), domain, "domain separator");
    }

    function test_constructor_startsWithoutFeesAndEmitsRecipients() public {
        vm.expectEmit(true, true, true, true);
        emit IExchange.FeeRecipientsSet(FEE_RECIPIENT, INSURANCE);
        Exchange fresh = _newExchange();
        IExchange.FeeConfig memory config = fresh.feeConfig();
        assertEq(config.notionalFeeWad, 0, "notional fee");
        assertEq(config.premiumCapWad, 0, "premium cap");
        assertEq(config.insuranceShareWad, 0, "insurance share");
        assertEq(fresh.feeFor(callAtm, 2e18, 100e18), 0, "no fee");
    }

    function test_constructor_revertsOnZeroAddresses() public {
        bytes memory err = abi.encodeWithSelector(IExchange.Exchange_ZeroAddress.selector);
        IRiskController rc = exchange.riskController();
        vm.expectRevert(err);
        Deploy.exchange(address(0), vault, book, registry, margin, guard, rc, FEE_RECIPIENT, INSURANCE);
        vm.expectRevert(err);
        Deploy.exchange(ADMIN, IVault(address(0)), book, registry, margin, guard, rc, FEE_RECIPIENT, INSURANCE);
        vm.expectRevert(err);
        Deploy.exchange(ADMIN, vault, IPositionBook(address(0)), registry, margin, guard, rc, FEE_RECIPIENT, INSURANCE);
        vm.expectRevert(err);
        Deploy.exchange(ADMIN, vault, book, ISeriesRegistry(address(0)), margin, guard, rc, FEE_RECIPIENT, INSURANCE);
        vm.expectRevert(err);
        Deploy.exchange(ADMIN, vault, book, registry, IMarginEngine(address(0)), guard, rc, FEE_RECIPIENT, INSURANCE);
        vm.expectRevert(err);
        Deploy.exchange(ADMIN, vault, book, registry, margin, IPauseGuard(address(0)), rc, FEE_RECIPIENT, INSURANCE);
        vm.expectRevert(err);
        Deploy.exchange(
            ADMIN,
            vault,
            book,
            registry,
            margin,
            guard,
            IRiskController(address(0)),
            FEE_RECIPIENT,
            INSURANCE
        );
        vm.expectRevert(err);
        Deploy.exchange(ADMIN, vault, book, registry, margin, guard, rc, address(0), INSURANCE);
        vm.expectRevert(err);
        Deploy.exchange(ADMIN, vault, book, registry, margin, guard, rc, FEE_RECIPIENT, address(0));
    }

    function test_hashOrder_isTheIndependentEip712Digest() public view {
        IExchange.Order memory order = IExchange.Order(
            maker,
            callAtm,
            true,
            7e18,
            1e18,
            123e18,
            1_800_000_000,
            42,
            taker
        );
        assertEq(exchange.hashOrder(order), _digest(order), "digest");
        order.isBuy = false;
        assertEq(exchange.hashOrder(order), _digest(order), "digest of a sell");
    }

    function testFuzz_hashOrder_matchesSpecAndSeparatesEveryField(
        IExchange.Order memory order,
        uint256 field
    ) public view {
        bytes32 digest = exchange.hashOrder(order);
        assertEq(digest, _digest(order), "digest");
        // Changing any one field changes the hash.
        field = bound(field, 0, 8);
        if (field == 0) order.maker = address(uint160(order.maker) ^ 1);
        else if (field == 1) order.seriesId ^= 1;
        else if (field == 2) order.isBuy = !order.isBuy;
        else if (field == 3) order.amount ^= 1;
        else if (field == 4) order.minFillAmount ^= 1;
        else if (field == 5) order.limitPriceE18 ^= 1;
        else if (field == 6) order.deadline ^= 1;
        else if (field == 7) order.nonce ^= 1;
        else order.taker = address(uint160(order.taker) ^ 1);
        assertTrue(exchange.hashOrder(order) != digest, "field is part of the hash");
    }

    // ------------------------------------------------------------------------------------------------------------
    // fill: success paths
    // ------------------------------------------------------------------------------------------------------------

    function test_fill_makerSells_movesPremiumFeeAndPosition() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 2e18, 100e18);
        bytes32 orderHash = _digest(order);
        // premium = 2 × 100 = 200 USDC; fee = min(0.0003 × 2 × 3000, 0.125 × 200) = min(1.8, 25) = 1.8 USDC.
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.OrderFilled(orderHash, maker, taker, callAtm, false, 2e18, 100e18, 200e6, 1_800_000);
        vm.prank(taker);
        uint256 premium = exchange.fill(order, _sign(MAKER_PK, order), 2e18, taker);

        assertEq(premium, 200e6, "premium");
        assertEq(_balance(maker), FUNDS + 200e6, "seller received the premium");
        assertEq(_balance(taker), FUNDS - 200e6 - 1_800_000, "taker paid premium and fee");
        assertEq(_balance(INSURANCE), 360_000, "20% of the fee to the insurance fund");
        assertEq(_balance(FEE_RECIPIENT), 1_440_000, "the rest to the fee recipient");
        assertEq(book.positionOf(taker, callAtm), 2e18, "buyer long");
        assertEq(book.positionOf(maker, callAtm), -2e18, "seller short");
        assertEq(registry.getSeries(callAtm).openInterest, 2e18, "open interest");
        assertEq(exchange.filled(orderHash), 2e18, "filled");
        assertEq(vault.totalBalance(address(usdc)), 3 * FUNDS, "nothing created or lost");
    }

    function test_fill_makerBuys_takerSellsAndPaysFee() public {
        IExchange.Order memory order = _order(maker, putOtm, true, 3e18, 50e18);
        // premium = 150 USDC; fee = min(0.0003 × 3 × 3000 = 2.7, 0.125 × 150 = 18.75) = 2.7 USDC, paid by the seller.
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.OrderFilled(_digest(order), maker, taker, putOtm, true, 3e18, 50e18, 150e6, 2_700_000);
        vm.prank(taker);
        exchange.fill(order, _sign(MAKER_PK, order), 3e18, taker);
        assertEq(_balance(maker), FUNDS - 150e6, "buyer paid premium, no fee");
        assertEq(_balance(taker), FUNDS + 150e6 - 2_700_000, "taker received premium less fee");
        assertEq(_balance(INSURANCE) + _balance(FEE_RECIPIENT), 2_700_000, "fee collected");
        assertEq(book.positionOf(maker, putOtm), 3e18, "maker long");
        assertEq(book.positionOf(taker, putOtm), -3e18, "taker short");
    }

    function test_fill_byVaultOperatorOfTaker() public {
        vm.prank(taker);
        vault.setOperator(OPERATOR, true);
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.prank(OPERATOR);
        exchange.fill(order, sig, 1e18, taker);
        assertEq(book.positionOf(taker, callAtm), 1e18, "taker long");
        assertEq(book.positionOf(OPERATOR, callAtm), 0, "operator untouched");
    }

    function test_fill_partialFillsAreTrackedUntilFull() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 3e18, 100e18);
        bytes32 orderHash = _digest(order);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.startPrank(taker);
        exchange.fill(order, sig, 1e18, taker);
        exchange.fill(order, sig, 1.5e18, taker);
        assertEq(exchange.filled(orderHash), 2.5e18, "filled so far");
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Overfill.selector, orderHash, 2.5e18, 1e18, 3e18));
        exchange.fill(order, sig, 1e18, taker);
        exchange.fill(order, sig, 0.5e18, taker);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Overfill.selector, orderHash, 3e18, 1, 3e18));
        exchange.fill(order, sig, 1, taker);
        vm.stopPrank();
        assertEq(exchange.filled(orderHash), 3e18, "fully filled");
        assertEq(book.positionOf(taker, callAtm), 3e18, "taker long the whole order");
    }

    function test_fill_revertsOnOverfillOfAFreshOrder() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 3e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Overfill.selector, _digest(order), 0, 4e18, 3e18));
        vm.prank(taker);
        exchange.fill(order, sig, 4e18, taker);
    }

    function test_fill_rfqOrderOnlyByNamedTaker() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        order.taker = taker;
        bytes memory sig = _sign(MAKER_PK, order);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_WrongTaker.selector, _digest(order), taker, other));
        vm.prank(other);
        exchange.fill(order, sig, 1e18, other);
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
        assertEq(book.positionOf(taker, callAtm), 1e18, "named taker filled");
    }

    function test_fill_contractMakerThroughErc1271() public {
        MockERC1271Wallet wallet = new MockERC1271Wallet(other);
        _deposit(address(wallet), FUNDS);
        IExchange.Order memory order = _order(address(wallet), callAtm, false, 1e18, 100e18);
        vm.prank(taker);
        exchange.fill(order, _sign(OTHER_PK, order), 1e18, taker);
        assertEq(book.positionOf(address(wallet), callAtm), -1e18, "wallet short");
        assertEq(_balance(address(wallet)), FUNDS + 100e6, "wallet received premium");
    }

    function test_fill_revertsOnErc1271SignatureTheWalletRejects() public {
        MockERC1271Wallet wallet = new MockERC1271Wallet(other);
        _deposit(address(wallet), FUNDS);
        IExchange.Order memory order = _order(address(wallet), callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_InvalidSignature.selector, address(wallet), _digest(order))
        );
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
    }

    function test_fill_premiumRoundsUp() public {
        // 1.5 × 123.456789 = 185.1851835 USDC → 185.185184 (up).
        IExchange.Order memory order = _order(maker, callAtm, false, 1.5e18, 123.456789e18);
        vm.prank(taker);
        uint256 premium = exchange.fill(order, _sign(MAKER_PK, order), 1.5e18, taker);
        assertEq(premium, 185_185_184, "rounded up");
        assertEq(_balance(maker), FUNDS + 185_185_184, "seller receives the same amount");
    }

    function test_fill_dustPremiumRoundsUpToOneUnit() public {
        // 1 wei of an option at 1 USDC is 1e-18 USDC: the buyer still pays one unit, and one unit of fee.
        IExchange.Order memory order = _order(maker, callAtm, false, 1, 1e18);
        vm.prank(taker);
        uint256 premium = exchange.fill(order, _sign(MAKER_PK, order), 1, taker);
        assertEq(premium, 1, "one unit");
        assertEq(_balance(taker), FUNDS - 2, "premium and fee, one unit each");
    }

    // ------------------------------------------------------------------------------------------------------------
    // fill: fees
    // ------------------------------------------------------------------------------------------------------------

    function test_fill_feeNotionalRoundsUpAndSplitRoundsInsuranceDown() public {
        // premium = 1.000001 × 100 = 100.0001 USDC; notional fee = 0.0003 × 1.000001 × 3000 = 0.9000009 → 0.900001;
        // cap = 12.5000125 → 12.500013; fee = 0.900001; insurance floor(0.1800002) = 0.180000, recipient 0.720001.
        IExchange.Order memory order = _order(maker, callAtm, false, 1.000001e18, 100e18);
        vm.prank(taker);
        uint256 premium = exchange.fill(order, _sign(MAKER_PK, order), 1.000001e18, taker);
        assertEq(premium, 100_000_100, "premium");
        assertEq(_balance(taker), FUNDS - 100_000_100 - 900_001, "taker paid");
        assertEq(_balance(INSURANCE), 180_000, "insurance rounded down");
        assertEq(_balance(FEE_RECIPIENT), 720_001, "recipient gets the remainder");
    }

    function test_fill_feeCappedByPremium() public {
        // premium = 5.000001 USDC; cap = 0.125 × 5.000001 = 0.625000125 → 0.625001 < notional fee 0.9.
        assertEq(exchange.feeFor(callAtm, 1e18, 5.000001e18), 625_001, "view");
        IExchange.Order memory order = _order(maker, seriesIds[3], false, 1e18, 5.000001e18);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.OrderFilled(
            _digest(order),
            maker,
            taker,
            seriesIds[3],
            false,
            1e18,
            5.000001e18,
            5_000_001,
            625_001
        );
        vm.prank(taker);
        exchange.fill(order, _sign(MAKER_PK, order), 1e18, taker);
        assertEq(_balance(taker), FUNDS - 5_000_001 - 625_001, "taker paid premium and capped fee");
        assertEq(_balance(INSURANCE), 125_000, "insurance floor(0.1250002)");
        assertEq(_balance(FEE_RECIPIENT), 500_001, "recipient");
    }

    function test_feeFor_notionalBindsAboveRatio() public view {
        // Premium ratio above notional/cap: fee = 0.0003 × 2 × 3000 = 1.8 USDC (cap would be 25).
        assertEq(exchange.feeFor(callAtm, 2e18, 100e18), 1_800_000, "notional fee");
        // Exactly where both bounds meet: premium 14.4 → cap 1.8 = notional 1.8.
        assertEq(exchange.feeFor(callAtm, 2e18, 7.2e18), 1_800_000, "both bounds equal");
    }

    function test_feeFor_usesThePremiumCapAloneWhenSpotIsDown() public {
        vm.warp(T0 + HEARTBEAT + SLACK + 1);
        (, Health health) = ethRouter.spot();
        assertTrue(health == Health.Down, "router down");
        assertEq(exchange.feeFor(callAtm, 2e18, 100e18), 25e6, "0.125 x 200");
    }

    function test_feeFor_usesTheDegradedPrimaryPrice() public {
        secondaryFeed.updateAnswer(4_000e8);
        // Primary 3,000 is used: 0.0003 × 2 × 3000.
        assertEq(exchange.feeFor(callAtm, 2e18, 100e18), 1_800_000, "primary price");
        ethFeed.updateAnswer(3_500e8);
        assertEq(exchange.feeFor(callAtm, 2e18, 100e18), 2_100_000, "0.0003 x 2 x 3500");
    }

    function test_feeFor_revertsOnUnknownSeries() public {
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 999));
        exchange.feeFor(999, 1e18, 1e18);
    }

    function test_fill_wholeFeeToOneAccountTakesOneTransfer() public {
        vm.prank(ADMIN);
        exchange.setFeeConfig(IExchange.FeeConfig(NOTIONAL_FEE, PREMIUM_CAP, 1e18));
        _trade(MAKER_PK, taker, callAtm, false, 2e18, 100e18);
        assertEq(_balance(INSURANCE), 1_800_000, "all to insurance");
        assertEq(_balance(FEE_RECIPIENT), 0, "none to recipient");
        vm.prank(ADMIN);
        exchange.setFeeConfig(IExchange.FeeConfig(NOTIONAL_FEE, PREMIUM_CAP, 0));
        _trade(MAKER_PK, taker, callAtm, false, 2e18, 100e18);
        assertEq(_balance(INSURANCE), 1_800_000, "none more to insurance");
        assertEq(_balance(FEE_RECIPIENT), 1_800_000, "all to recipient");
    }

    function test_fill_withoutFeesMovesOnlyPremium() public {
        vm.prank(ADMIN);
        exchange.setFeeConfig(IExchange.FeeConfig(0, PREMIUM_CAP, INSURANCE_SHARE));
        IExchange.Order memory order = _order(maker, callAtm, false, 2e18, 100e18);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.OrderFilled(_digest(order), maker, taker, callAtm, false, 2e18, 100e18, 200e6, 0);
        vm.prank(taker);
        exchange.fill(order, _sign(MAKER_PK, order), 2e18, taker);
        assertEq(_balance(taker), FUNDS - 200e6, "premium only");
        assertEq(_balance(INSURANCE) + _balance(FEE_RECIPIENT), 0, "no fee");
    }

    function test_fill_newRecipientsReceiveFees() public {
        vm.prank(ADMIN);
        exchange.setFeeRecipients(STRANGER, OPERATOR);
        _trade(MAKER_PK, taker, callAtm, false, 2e18, 100e18);
        assertEq(_balance(OPERATOR), 360_000, "new insurance fund");
        assertEq(_balance(STRANGER), 1_440_000, "new fee recipient");
        assertEq(_balance(INSURANCE) + _balance(FEE_RECIPIENT), 0, "old ones receive nothing");
    }

    function test_fill_revertsWhenTakerCannotPayPremiumAndFee() public {
        address poor = address(0x9002);
        _deposit(poor, 200e6);
        IExchange.Order memory order = _order(maker, callAtm, false, 2e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        // The premium (200) leaves nothing for the 1.8 fee; its insurance share (0.36) moves first.
        vm.expectRevert(
            abi.encodeWithSelector(IVault.Vault_InsufficientBalance.selector, poor, address(usdc), 0, 360_000)
        );
        vm.prank(poor);
        exchange.fill(order, sig, 2e18, poor);
    }

    // ------------------------------------------------------------------------------------------------------------
    // fill: rejections
    // ------------------------------------------------------------------------------------------------------------

    function test_fill_revertsForCallerNotTakerNorOperator() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Unauthorized.selector, taker, STRANGER));
        vm.prank(STRANGER);
        exchange.fill(order, sig, 1e18, taker);
        // A revoked operator is a stranger again.
        vm.prank(taker);
        vault.setOperator(OPERATOR, true);
        vm.prank(taker);
        vault.setOperator(OPERATOR, false);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Unauthorized.selector, taker, OPERATOR));
        vm.prank(OPERATOR);
        exchange.fill(order, sig, 1e18, taker);
    }

    function test_fill_revertsOnZeroAmountAndZeroPremium() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ZeroAmount.selector));
        vm.prank(taker);
        exchange.fill(order, sig, 0, taker);

        IExchange.Order memory free = _order(maker, callAtm, false, 1e18, 0);
        bytes memory freeSig = _sign(MAKER_PK, free);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ZeroAmount.selector));
        vm.prank(taker);
        exchange.fill(free, freeSig, 1e18, taker);
    }

    function test_fill_atDeadlineAndRevertsAfterIt() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 2e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.warp(order.deadline);
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
        vm.warp(uint256(order.deadline) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_OrderExpired.selector, _digest(order), uint256(order.deadline))
        );
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
    }

    function test_fill_revertsOnBadSignatures() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        bytes32 digest = _digest(order);
        bytes memory err = abi.encodeWithSelector(IExchange.Exchange_InvalidSignature.selector, maker, digest);

        // Signed by another key.
        bytes memory wrongKey = _sign(OTHER_PK, digest);
        vm.expectRevert(err);
        vm.prank(taker);
        exchange.fill(order, wrongKey, 1e18, taker);

        // A valid signature on other terms (the price) does not carry over.
        IExchange.Order memory cheaper = _order(maker, callAtm, false, 1e18, 1e18);
        bytes memory otherTerms = _sign(MAKER_PK, cheaper);
        vm.expectRevert(err);
        vm.prank(taker);
        exchange.fill(order, otherTerms, 1e18, taker);

        // Truncated and empty signatures.
        bytes memory sig = _sign(MAKER_PK, digest);
        bytes memory truncated = new bytes(64);
        for (uint256 i; i < 64; ++i) truncated[i] = sig[i];
        vm.expectRevert(err);
        vm.prank(taker);
        exchange.fill(order, truncated, 1e18, taker);
        vm.expectRevert(err);
        vm.prank(taker);
        exchange.fill(order, "", 1e18, taker);
    }

    function test_fill_revertsOnMalleableHighSSignature() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        bytes32 digest = _digest(order);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(MAKER_PK, digest);
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        uint8 flippedV = v == 27 ? 28 : 27;
        // The twin signature recovers the maker too: only the low-s rule rejects it.
        assertEq(ecrecover(digest, flippedV, r, highS), maker, "malleated twin recovers the maker");
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_InvalidSignature.selector, maker, digest));
        vm.prank(taker);
        exchange.fill(order, abi.encodePacked(r, highS, flippedV), 1e18, taker);
    }

    function test_fill_replayOnAnotherChainFails() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.chainId(10);
        bytes32 digestOnOtherChain = _digest(order);
        assertEq(exchange.hashOrder(order), digestOnOtherChain, "the domain follows the chain id");
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_InvalidSignature.selector, maker, digestOnOtherChain)
        );
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
        // Signed for this chain, it fills.
        vm.prank(taker);
        exchange.fill(order, _sign(MAKER_PK, digestOnOtherChain), 1e18, taker);
        assertEq(book.positionOf(taker, callAtm), 1e18, "filled with this chain's signature");
    }

    function test_fill_replayOnAnotherDeploymentFails() public {
        Exchange second = _newExchange();
        vm.startPrank(ADMIN);
        book.grantRole(book.TRADER_ROLE(), address(second));
        vault.grantRole(vault.CLEARING_ROLE(), address(second));
        vm.stopPrank();
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        bytes32 secondDigest = _digest(order, address(second));
        assertEq(second.hashOrder(order), secondDigest, "second deployment's digest");
        assertTrue(secondDigest != _digest(order), "domains differ");
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_InvalidSignature.selector, maker, secondDigest));
        vm.prank(taker);
        second.fill(order, sig, 1e18, taker);
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
        assertEq(book.positionOf(taker, callAtm), 1e18, "filled where it was signed");
    }

    function test_fill_revertsOnExpiredSeries() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        order.deadline = uint64(EXPIRY + 1 days);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.warp(EXPIRY);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_SeriesExpired.selector, callAtm, EXPIRY));
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
    }

    function test_fill_oneSecondBeforeExpiry() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        order.deadline = uint64(EXPIRY);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.warp(EXPIRY - 1);
        _setSpot(ETH_USD_E8);
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
        assertEq(book.positionOf(taker, callAtm), 1e18, "filled just before expiry");
    }

    function test_fill_revertsOnUnknownSeries() public {
        IExchange.Order memory order = _order(maker, 999, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.expectRevert(abi.encodeWithSelector(ISeriesRegistry.Series_UnknownSeries.selector, 999));
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
    }

    function test_fill_revertsOnSelfTrade() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.expectRevert(abi.encodeWithSelector(IPositionBook.Positions_SelfTrade.selector, maker));
        vm.prank(maker);
        exchange.fill(order, sig, 1e18, maker);
    }

    function test_fill_revertsAboveTheOpenInterestCap() public {
        vm.prank(ADMIN);
        registry.setOpenInterestCap(callAtm, 1e18);
        IExchange.Order memory order = _order(maker, callAtm, false, 2e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.expectRevert(
            abi.encodeWithSelector(ISeriesRegistry.Series_OpenInterestCapExceeded.selector, callAtm, 0, 2e18, 1e18)
        );
        vm.prank(taker);
        exchange.fill(order, sig, 2e18, taker);
    }

    // ------------------------------------------------------------------------------------------------------------
    // fill: margin after the fill
    // ------------------------------------------------------------------------------------------------------------

    function test_fill_revertsOnInsufficientInitialMarginWithExactArgs() public {
        address poor = address(0x9002);
        _deposit(poor, 100e6);
        IExchange.Order memory bid = _order(maker, callAtm, true, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, bid);
        // The state the fill would leave: 100 premium to the poor seller, who pays the 0.9 fee, short one call.
        IMarginEngine.AccountMargin memory m = _marginAfter(maker, poor, callAtm, 1e18, 100e6, poor, 900_000, poor);
        assertTrue(m.equityWad < int256(m.initialWad), "below initial after the fill");
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientInitialMargin.selector,
                poor,
                m.equityWad,
                m.initialWad
            )
        );
        vm.prank(poor);
        exchange.fill(bid, sig, 1e18, poor);
    }

    function test_fill_makerBelowInitialMarginIsRejectedToo() public {
        address poorMaker = vm.addr(0x9003);
        _deposit(poorMaker, 100e6);
        IExchange.Order memory ask = _order(poorMaker, callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(0x9003, ask);
        // The maker pays no fee.
        IMarginEngine.AccountMargin memory m = _marginAfter(
            taker,
            poorMaker,
            callAtm,
            1e18,
            100e6,
            taker,
            0,
            poorMaker
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientInitialMargin.selector,
                poorMaker,
                m.equityWad,
                m.initialWad
            )
        );
        vm.prank(taker);
        exchange.fill(ask, sig, 1e18, taker);
    }

    function test_fill_reducingFillAllowedBelowInitialMargin() public {
        address writer = vm.addr(0x9004);
        _writeOneCallThenRally(writer);
        IMarginEngine.AccountMargin memory before = margin.marginOf(writer);
        assertTrue(before.equityWad < int256(before.maintenanceWad), "writer is below maintenance");

        // Selling more is refused: 70 premium, fee min(0.0003 × 0.1 × 3600 = 0.108, 8.75) = 0.108.
        IExchange.Order memory bid = _order(maker, callAtm, true, 0.1e18, 700e18);
        bytes memory bidSig = _sign(MAKER_PK, bid);
        IMarginEngine.AccountMargin memory m = _marginAfter(
            maker,
            writer,
            callAtm,
            0.1e18,
            70e6,
            writer,
            108_000,
            writer
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientInitialMargin.selector,
                writer,
                m.equityWad,
                m.initialWad
            )
        );
        vm.prank(writer);
        exchange.fill(bid, bidSig, 0.1e18, writer);

        // Buying half back at about the mark improves equity − maintenance: allowed though still below maintenance.
        IExchange.Order memory ask = _order(maker, callAtm, false, 0.5e18, 720e18);
        vm.prank(writer);
        exchange.fill(ask, _sign(MAKER_PK, ask), 0.5e18, writer);
        IMarginEngine.AccountMargin memory afterFill = margin.marginOf(writer);
        assertEq(book.positionOf(writer, callAtm), -0.5e18, "half bought back");
        assertTrue(afterFill.equityWad < int256(afterFill.maintenanceWad), "still below maintenance");
        assertTrue(
            afterFill.equityWad - int256(afterFill.maintenanceWad) > before.equityWad - int256(before.maintenanceWad),
            "surplus improved"
        );
    }

    function test_fill_reducingFillThatWorsensAnUnderwaterAccountReverts() public {
        address writer = vm.addr(0x9004);
        _writeOneCallThenRally(writer);
        // Buying half back at 2,000 an option (far above the mark) spends more than it frees.
        IExchange.Order memory ask = _order(maker, callAtm, false, 0.5e18, 2_000e18);
        bytes memory sig = _sign(MAKER_PK, ask);
        // premium 1,000; fee = min(0.0003 × 0.5 × 3600 = 0.54, 0.125 × 1000) = 0.54, paid by the writer.
        IMarginEngine.AccountMargin memory m = _marginAfter(
            writer,
            maker,
            callAtm,
            0.5e18,
            1_000e6,
            writer,
            540_000,
            writer
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientMaintenanceMargin.selector,
                writer,
                m.equityWad,
                m.maintenanceWad
            )
        );
        vm.prank(writer);
        exchange.fill(ask, sig, 0.5e18, writer);
    }

    function test_fill_reducingFillCannotPushAnAccountAtInitialBelowMaintenance() public {
        address writer = vm.addr(0x9004);
        _deposit(writer, 800e6);
        _sellCall(0x9004, 1e18, 280e18);
        IMarginEngine.AccountMargin memory before = margin.marginOf(writer);
        assertTrue(before.equityWad >= int256(before.initialWad), "writer meets initial");

        // Half bought back at 1,500: the surplus falls and maintenance is lost.
        IExchange.Order memory ask = _order(maker, callAtm, false, 0.5e18, 1_500e18);
        bytes memory sig = _sign(MAKER_PK, ask);
        // premium 750; fee = min(0.0003 × 0.5 × 3000 = 0.45, 93.75) = 0.45.
        IMarginEngine.AccountMargin memory m = _marginAfter(
            writer,
            maker,
            callAtm,
            0.5e18,
            750e6,
            writer,
            450_000,
            writer
        );
        assertTrue(m.equityWad < int256(m.maintenanceWad), "would end below maintenance");
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientMaintenanceMargin.selector,
                writer,
                m.equityWad,
                m.maintenanceWad
            )
        );
        vm.prank(writer);
        exchange.fill(ask, sig, 0.5e18, writer);

        // Closing the whole position at the same price leaves no requirement: allowed although the surplus fell.
        IExchange.Order memory askAll = _order(maker, callAtm, false, 1e18, 500e18);
        vm.prank(writer);
        exchange.fill(askAll, _sign(MAKER_PK, askAll), 1e18, writer);
        assertEq(book.positionOf(writer, callAtm), 0, "closed");
    }

    function test_fill_crossingThroughZeroNeedsInitialMargin() public {
        address flipper = vm.addr(0x9005);
        _deposit(flipper, 300e6);
        _trade(MAKER_PK, flipper, callAtm, false, 1e18, 100e18);
        // Long 1 selling 2 ends short 1: not a reduction, so initial margin (not the reducing rule) applies.
        IExchange.Order memory bid = _order(maker, callAtm, true, 2e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, bid);
        // premium 200; fee = min(0.0003 × 2 × 3000 = 1.8, 25) = 1.8, paid by the flipper.
        IMarginEngine.AccountMargin memory m = _marginAfter(
            maker,
            flipper,
            callAtm,
            2e18,
            200e6,
            flipper,
            1_800_000,
            flipper
        );
        assertTrue(m.equityWad < int256(m.initialWad), "below initial after the flip");
        vm.expectRevert(
            abi.encodeWithSelector(
                IMarginEngine.Margin_InsufficientInitialMargin.selector,
                flipper,
                m.equityWad,
                m.initialWad
            )
        );
        vm.prank(flipper);
        exchange.fill(bid, sig, 2e18, flipper);
    }

    // ------------------------------------------------------------------------------------------------------------
    // fill: paused market (reduce-only)
    // ------------------------------------------------------------------------------------------------------------

    function test_fill_pausedUnderlyingRejectsOpening() public {
        vm.prank(GUARDIAN);
        guard.pauseUnderlying(ETH_ID);
        IExchange.Order memory ask = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory sig = _sign(MAKER_PK, ask);
        // Both sides open: the buyer (the taker) is named first.
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ReduceOnly.selector, callAtm, taker));
        vm.prank(taker);
        exchange.fill(ask, sig, 1e18, taker);
    }

    function test_fill_pausedUnderlyingAllowsClosingForBoth() public {
        _trade(MAKER_PK, taker, callAtm, false, 2e18, 100e18);
        vm.prank(GUARDIAN);
        guard.pauseUnderlying(ETH_ID);
        // The short maker buys back from the long taker: both move toward zero.
        IExchange.Order memory bid = _order(maker, callAtm, true, 2e18, 90e18);
        bytes memory sig = _sign(MAKER_PK, bid);
        vm.prank(taker);
        exchange.fill(bid, sig, 1.5e18, taker);
        assertEq(book.positionOf(maker, callAtm), -0.5e18, "maker reduced");
        assertEq(book.positionOf(taker, callAtm), 0.5e18, "taker reduced");
        vm.prank(taker);
        exchange.fill(bid, sig, 0.5e18, taker);
        assertEq(book.positionOf(taker, callAtm), 0, "closed to zero");
    }

    function test_fill_pausedUnderlyingNamesTheSideThatAddsRisk() public {
        // maker short 4; taker and other long 2 each.
        _trade(MAKER_PK, taker, callAtm, false, 2e18, 100e18);
        _trade(MAKER_PK, other, callAtm, false, 2e18, 100e18);
        vm.prank(GUARDIAN);
        guard.pauseAll();
        // The short maker would buy from an account without a position, which would open a short.
        IExchange.Order memory bid = _order(maker, callAtm, true, 3e18, 90e18);
        bytes memory sig = _sign(MAKER_PK, bid);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ReduceOnly.selector, callAtm, STRANGER));
        vm.prank(STRANGER);
        exchange.fill(bid, sig, 1e18, STRANGER);
        // The long taker selling 3 to the maker (short 4 → 1, reducing) would cross from long 2 to short 1.
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ReduceOnly.selector, callAtm, taker));
        vm.prank(taker);
        exchange.fill(bid, sig, 3e18, taker);
        // A long adding to its position is named as the buyer: the taker buys more from the short maker.
        IExchange.Order memory ask = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory askSig = _sign(MAKER_PK, ask);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ReduceOnly.selector, callAtm, taker));
        vm.prank(taker);
        exchange.fill(ask, askSig, 1e18, taker);
        // Selling exactly its long of 2 is a reduction for both: allowed.
        vm.prank(taker);
        exchange.fill(bid, sig, 2e18, taker);
        assertEq(book.positionOf(taker, callAtm), 0, "taker closed under the pause");
        assertEq(book.positionOf(maker, callAtm), -2e18, "maker reduced");
    }

    function test_matchOrders_pausedUnderlyingIsReduceOnly() public {
        _trade(MAKER_PK, taker, callAtm, false, 1e18, 100e18);
        vm.prank(GUARDIAN);
        guard.pauseUnderlying(ETH_ID);
        IExchange.Order memory ask = _order(taker, callAtm, false, 1e18, 95e18);
        IExchange.Order memory bid = _order(maker, callAtm, true, 1e18, 95e18);
        IExchange.Order memory openingBid = _order(other, callAtm, true, 1e18, 95e18);
        bytes memory askSig = _sign(TAKER_PK, ask);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ReduceOnly.selector, callAtm, other));
        vm.prank(MATCHER);
        exchange.matchOrders(ask, askSig, openingBid, _sign(OTHER_PK, openingBid), 1e18);
        vm.prank(MATCHER);
        exchange.matchOrders(ask, askSig, bid, _sign(MAKER_PK, bid), 1e18);
        assertEq(book.positionOf(taker, callAtm), 0, "taker closed");
        assertEq(book.positionOf(maker, callAtm), 0, "maker closed");
    }

    // ------------------------------------------------------------------------------------------------------------
    // cancel and raiseNonceFloor
    // ------------------------------------------------------------------------------------------------------------

    function test_cancel_byMakerBlocksFurtherFills() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 2e18, 100e18);
        bytes32 orderHash = _digest(order);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.OrderCancelled(orderHash, maker);
        vm.prank(maker);
        exchange.cancel(order);
        assertTrue(exchange.cancelled(orderHash), "cancelled");
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_OrderCancelled.selector, orderHash));
        vm.prank(taker);
        exchange.fill(order, sig, 1e18, taker);
    }

    function test_cancel_byOperatorOfMaker() public {
        vm.prank(maker);
        vault.setOperator(OPERATOR, true);
        IExchange.Order memory order = _order(maker, callAtm, false, 2e18, 100e18);
        vm.prank(OPERATOR);
        exchange.cancel(order);
        assertTrue(exchange.cancelled(_digest(order)), "cancelled by operator");
    }

    function test_cancel_revertsForStranger() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 2e18, 100e18);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Unauthorized.selector, maker, STRANGER));
        vm.prank(STRANGER);
        exchange.cancel(order);
        // The taker cannot cancel the maker's order either.
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Unauthorized.selector, maker, taker));
        vm.prank(taker);
        exchange.cancel(order);
    }

    function test_raiseNonceFloor_cancelsLowerNoncesOnly() public {
        IExchange.Order memory low = _order(maker, callAtm, false, 1e18, 100e18);
        low.nonce = 4;
        IExchange.Order memory atFloor = _order(maker, callAtm, false, 1e18, 100e18);
        atFloor.nonce = 5;
        bytes memory lowSig = _sign(MAKER_PK, low);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.NonceFloorRaised(maker, 5);
        vm.prank(maker);
        exchange.raiseNonceFloor(maker, 5);
        assertEq(exchange.nonceFloor(maker), 5, "floor");
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_OrderCancelled.selector, _digest(low)));
        vm.prank(taker);
        exchange.fill(low, lowSig, 1e18, taker);
        vm.prank(taker);
        exchange.fill(atFloor, _sign(MAKER_PK, atFloor), 1e18, taker);
        assertEq(book.positionOf(taker, callAtm), 1e18, "nonce at the floor still fills");
    }

    function test_raiseNonceFloor_byOperatorAndOnlyUpwards() public {
        vm.prank(maker);
        vault.setOperator(OPERATOR, true);
        vm.prank(OPERATOR);
        exchange.raiseNonceFloor(maker, 10);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_NonceFloorNotIncreasing.selector, maker, 10, 10));
        vm.prank(maker);
        exchange.raiseNonceFloor(maker, 10);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_NonceFloorNotIncreasing.selector, maker, 10, 3));
        vm.prank(maker);
        exchange.raiseNonceFloor(maker, 3);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_NonceFloorNotIncreasing.selector, taker, 0, 0));
        vm.prank(taker);
        exchange.raiseNonceFloor(taker, 0);
        assertEq(exchange.nonceFloor(maker), 10, "floor unchanged");
    }

    function test_raiseNonceFloor_revertsForStranger() public {
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Unauthorized.selector, maker, STRANGER));
        vm.prank(STRANGER);
        exchange.raiseNonceFloor(maker, 1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // matchOrders
    // ------------------------------------------------------------------------------------------------------------

    function test_matchOrders_executesAtMakerPriceAndTakerOrderPaysFee() public {
        IExchange.Order memory ask = _order(maker, callAtm, false, 3e18, 100e18);
        IExchange.Order memory bid = _order(taker, callAtm, true, 2e18, 110e18);
        bytes32 askHash = _digest(ask);
        bytes32 bidHash = _digest(bid);
        // 2 at the maker's 100: premium 200, fee min(1.8, 25) = 1.8, paid by the bid's maker.
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.OrderFilled(askHash, maker, taker, callAtm, false, 2e18, 100e18, 200e6, 1_800_000);
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.OrderFilled(bidHash, taker, maker, callAtm, true, 2e18, 100e18, 200e6, 0);
        vm.prank(MATCHER);
        uint256 premium = exchange.matchOrders(ask, _sign(MAKER_PK, ask), bid, _sign(TAKER_PK, bid), 2e18);
        assertEq(premium, 200e6, "premium at maker price");
        assertEq(_balance(maker), FUNDS + 200e6, "seller");
        assertEq(_balance(taker), FUNDS - 200e6 - 1_800_000, "buyer pays premium and fee");
        assertEq(_balance(INSURANCE) + _balance(FEE_RECIPIENT), 1_800_000, "fee collected");
        assertEq(exchange.filled(askHash), 2e18, "ask filled");
        assertEq(exchange.filled(bidHash), 2e18, "bid filled");
        assertEq(book.positionOf(taker, callAtm), 2e18, "buyer long");
        assertEq(book.positionOf(maker, callAtm), -2e18, "seller short");
    }

    function test_matchOrders_makerBuysTakerOrderSellsAndPaysFee() public {
        IExchange.Order memory bid = _order(maker, putOtm, true, 1e18, 60e18);
        IExchange.Order memory ask = _order(taker, putOtm, false, 1e18, 60e18);
        vm.prank(MATCHER);
        exchange.matchOrders(bid, _sign(MAKER_PK, bid), ask, _sign(TAKER_PK, ask), 1e18);
        // premium 60; fee min(0.9, 7.5) = 0.9 paid by the selling taker order.
        assertEq(_balance(maker), FUNDS - 60e6, "maker paid premium only");
        assertEq(_balance(taker), FUNDS + 60e6 - 900_000, "taker order paid the fee");
        assertEq(book.positionOf(maker, putOtm), 1e18, "maker long");
    }

    function test_matchOrders_revertsWhenOrdersDoNotCross() public {
        IExchange.Order memory ask = _order(maker, callAtm, false, 1e18, 100e18);
        bytes memory askSig = _sign(MAKER_PK, ask);

        IExchange.Order memory lowBid = _order(taker, callAtm, true, 1e18, 100e18 - 1);
        _expectNoCross(ask, askSig, lowBid);
        IExchange.Order memory sameSide = _order(taker, callAtm, false, 1e18, 100e18);
        _expectNoCross(ask, askSig, sameSide);
        IExchange.Order memory otherSeries = _order(taker, seriesIds[1], true, 1e18, 200e18);
        _expectNoCross(ask, askSig, otherSeries);
        // Maker bid below a taker ask.
        IExchange.Order memory bid = _order(maker, callAtm, true, 1e18, 90e18);
        IExchange.Order memory highAsk = _order(taker, callAtm, false, 1e18, 91e18);
        _expectNoCross(bid, _sign(MAKER_PK, bid), highAsk);

        // Equal limits cross.
        IExchange.Order memory equalBid = _order(taker, callAtm, true, 1e18, 100e18);
        vm.prank(MATCHER);
        exchange.matchOrders(ask, askSig, equalBid, _sign(TAKER_PK, equalBid), 1e18);
        assertEq(book.positionOf(taker, callAtm), 1e18, "equal limits crossed");
    }

    function test_matchOrders_checksBothOrders() public {
        IExchange.Order memory ask = _order(maker, callAtm, false, 1e18, 100e18);
        IExchange.Order memory bid = _order(taker, callAtm, true, 2e18, 100e18);
        bytes memory askSig = _sign(MAKER_PK, ask);
        bytes memory bidSig = _sign(TAKER_PK, bid);
        bytes32 askHash = _digest(ask);
        bytes32 bidHash = _digest(bid);
        vm.startPrank(MATCHER);

        // The taker order's signature.
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_InvalidSignature.selector, taker, bidHash));
        exchange.matchOrders(ask, askSig, bid, askSig, 1e18);
        // The maker order's size.
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_Overfill.selector, askHash, 0, 2e18, 1e18));
        exchange.matchOrders(ask, askSig, bid, bidSig, 2e18);
        // Zero.
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ZeroAmount.selector));
        exchange.matchOrders(ask, askSig, bid, bidSig, 0);
        vm.stopPrank();

        // A cancelled taker order.
        vm.prank(taker);
        exchange.cancel(bid);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_OrderCancelled.selector, bidHash));
        vm.prank(MATCHER);
        exchange.matchOrders(ask, askSig, bid, bidSig, 1e18);
    }

    function test_matchOrders_takerRestrictionsApplyBothWays() public {
        IExchange.Order memory ask = _order(maker, callAtm, false, 1e18, 100e18);
        ask.taker = other;
        IExchange.Order memory bid = _order(taker, callAtm, true, 1e18, 100e18);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_WrongTaker.selector, _digest(ask), other, taker));
        vm.prank(MATCHER);
        exchange.matchOrders(ask, _sign(MAKER_PK, ask), bid, _sign(TAKER_PK, bid), 1e18);

        ask.taker = address(0);
        bid.taker = other;
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_WrongTaker.selector, _digest(bid), other, maker));
        vm.prank(MATCHER);
        exchange.matchOrders(ask, _sign(MAKER_PK, ask), bid, _sign(TAKER_PK, bid), 1e18);

        // Each naming the other: allowed.
        ask.taker = taker;
        bid.taker = maker;
        vm.prank(MATCHER);
        exchange.matchOrders(ask, _sign(MAKER_PK, ask), bid, _sign(TAKER_PK, bid), 1e18);
        assertEq(book.positionOf(taker, callAtm), 1e18, "matched");
    }

    function test_matchOrders_revertsOnExpiredTakerOrder() public {
        IExchange.Order memory ask = _order(maker, callAtm, false, 1e18, 100e18);
        ask.deadline = uint64(T0 + 2 hours);
        IExchange.Order memory bid = _order(taker, callAtm, true, 1e18, 100e18);
        bytes memory askSig = _sign(MAKER_PK, ask);
        bytes memory bidSig = _sign(TAKER_PK, bid);
        vm.warp(uint256(bid.deadline) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_OrderExpired.selector, _digest(bid), uint256(bid.deadline))
        );
        vm.prank(MATCHER);
        exchange.matchOrders(ask, askSig, bid, bidSig, 1e18);
    }

    function test_matchOrders_revertsForNonMatcher() public {
        IExchange.Order memory ask = _order(maker, callAtm, false, 1e18, 100e18);
        IExchange.Order memory bid = _order(taker, callAtm, true, 1e18, 100e18);
        bytes memory askSig = _sign(MAKER_PK, ask);
        bytes memory bidSig = _sign(TAKER_PK, bid);
        bytes32 role = exchange.MATCHER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, taker, role));
        vm.prank(taker);
        exchange.matchOrders(ask, askSig, bid, bidSig, 1e18);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    function test_setFeeConfig_storesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.FeeConfigSet(0.01e18, 0.5e18, 1e18);
        vm.prank(ADMIN);
        exchange.setFeeConfig(IExchange.FeeConfig(0.01e18, 0.5e18, 1e18));
        IExchange.FeeConfig memory config = exchange.feeConfig();
        assertEq(config.notionalFeeWad, 0.01e18, "notional fee");
        assertEq(config.premiumCapWad, 0.5e18, "premium cap");
        assertEq(config.insuranceShareWad, 1e18, "insurance share");
    }

    function test_setFeeConfig_revertsOutOfRange() public {
        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_InvalidFeeConfig.selector));
        exchange.setFeeConfig(IExchange.FeeConfig(0.01e18 + 1, 0.5e18, 1e18));
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_InvalidFeeConfig.selector));
        exchange.setFeeConfig(IExchange.FeeConfig(0.01e18, 0.5e18 + 1, 1e18));
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_InvalidFeeConfig.selector));
        exchange.setFeeConfig(IExchange.FeeConfig(0.01e18, 0.5e18, 1e18 + 1));
        vm.stopPrank();
        assertEq(exchange.feeConfig().notionalFeeWad, NOTIONAL_FEE, "unchanged");
    }

    function test_setFeeRecipients_storesAndEmits() public {
        vm.expectEmit(true, true, true, true, address(exchange));
        emit IExchange.FeeRecipientsSet(STRANGER, OPERATOR);
        vm.prank(ADMIN);
        exchange.setFeeRecipients(STRANGER, OPERATOR);
        assertEq(exchange.feeRecipient(), STRANGER, "fee recipient");
        assertEq(exchange.insuranceFund(), OPERATOR, "insurance fund");
    }

    function test_setFeeRecipients_revertsOnZeroAddress() public {
        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ZeroAddress.selector));
        exchange.setFeeRecipients(address(0), INSURANCE);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_ZeroAddress.selector));
        exchange.setFeeRecipients(FEE_RECIPIENT, address(0));
        vm.stopPrank();
    }

    function test_governance_revertsForNonAdmin() public {
        bytes32 role = exchange.DEFAULT_ADMIN_ROLE();
        bytes memory err = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            MATCHER,
            role
        );
        vm.startPrank(MATCHER);
        vm.expectRevert(err);
        exchange.setFeeConfig(IExchange.FeeConfig(0, 0, 0));
        vm.expectRevert(err);
        exchange.setFeeRecipients(STRANGER, STRANGER);
        vm.expectRevert(err);
        exchange.grantRole(role, MATCHER);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Minimum fill (issue 8, finding 8): dust cannot take a maker's live-series slots
    // ------------------------------------------------------------------------------------------------------------

    /// @dev The attack of finding 8: a maker quotes every listed series (as many as its live-series limit); an
    /// attacker fills one wei of each quote, for one quote unit of premium each, to fill the maker's slots and lock
    /// it out of every other series until expiry. A maker that signs a minimum fill is not locked out.
    function test_minFill_dustFillsCannotLockAMakerOutOfOtherSeries() public {
        assertEq(seriesIds.length, MAX_LIVE_SERIES, "the maker quotes as many series as it may hold");
        uint256 dustFills;
        for (uint256 i; i < seriesIds.length; ++i) {
            IExchange.Order memory quote = _order(maker, seriesIds[i], false, 10e18, 100e18);
            quote.minFillAmount = 0.1e18;
            bytes memory sig = _sign(MAKER_PK, quote);
            vm.prank(other);
            try exchange.fill(quote, sig, 1, other) {
                ++dustFills; // the maker now holds one more live series
            } catch (bytes memory reason) {
                assertEq(
                    keccak256(reason),
                    keccak256(
                        abi.encodeWithSelector(
                            IExchange.Exchange_FillBelowMinimum.selector,
                            _digest(quote),
                            1,
                            0.1e18,
                            10e18
                        )
                    ),
                    "refused as below the minimum"
                );
            }
        }
        assertEq(dustFills, 0, "no dust fill went through");
        assertEq(book.openPositionCount(maker), 0, "no dust position holds a slot of the maker");

        // The maker still trades a series it did not quote before.
        vm.prank(LISTER);
        uint256 fresh = registry.listSeries(ETH_ID, 3_100e18, EXPIRY, true);
        IExchange.Order memory order = _order(maker, fresh, false, 1e18, 100e18);
        order.minFillAmount = 0.1e18;
        vm.prank(taker);
        exchange.fill(order, _sign(MAKER_PK, order), 1e18, taker);
        assertEq(book.positionOf(maker, fresh), -1e18, "the maker's quote in another series filled");
    }

    /// @dev A fill takes at least the minimum and leaves at least the minimum, unless it takes the whole remainder:
    /// the remainder is never dust and always fillable in full.
    function test_minFill_remainderIsNeverDustAndAlwaysFillsInFull() public {
        IExchange.Order memory order = _order(maker, callAtm, false, 1e18, 100e18);
        order.minFillAmount = 0.3e18;
        bytes32 orderHash = _digest(order);
        bytes memory sig = _sign(MAKER_PK, order);
        vm.startPrank(taker);
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_FillBelowMinimum.selector, orderHash, 0.3e18 - 1, 0.3e18, 1e18)
        );
        exchange.fill(order, sig, 0.3e18 - 1, taker);
        // 0.75 would leave 0.25, below the minimum.
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_FillBelowMinimum.selector, orderHash, 0.75e18, 0.3e18, 1e18)
        );
        exchange.fill(order, sig, 0.75e18, taker);
        exchange.fill(order, sig, 0.5e18, taker);
        // 0.5 is left: 0.3 would leave 0.2 (dust), 0.2 is below the minimum; the whole 0.5 fills.
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_FillBelowMinimum.selector, orderHash, 0.3e18, 0.3e18, 0.5e18)
        );
        exchange.fill(order, sig, 0.3e18, taker);
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_FillBelowMinimum.selector, orderHash, 0.2e18, 0.3e18, 0.5e18)
        );
        exchange.fill(order, sig, 0.2e18, taker);
        exchange.fill(order, sig, 0.5e18, taker);
        vm.stopPrank();
        assertEq(exchange.filled(orderHash), 1e18, "filled in full");
        assertEq(book.positionOf(maker, callAtm), -1e18, "maker short the whole order");

        // An order smaller than its own minimum fills in one piece only.
        IExchange.Order memory small = _order(maker, callAtm, false, 0.2e18, 100e18);
        small.minFillAmount = 0.3e18;
        small.nonce = 2;
        bytes memory smallSig = _sign(MAKER_PK, small);
        vm.startPrank(taker);
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_FillBelowMinimum.selector, _digest(small), 0.1e18, 0.3e18, 0.2e18)
        );
        exchange.fill(small, smallSig, 0.1e18, taker);
        exchange.fill(small, smallSig, 0.2e18, taker);
        vm.stopPrank();
        assertEq(book.positionOf(maker, callAtm), -1.2e18, "the small order filled whole");
    }

    /// @dev Round trip through zero: the attacker buys the minimum from the maker's ask, then sells the minimum plus
    /// one wei into the maker's bid, which would leave the maker long one wei (a slot held by dust after a close).
    function test_minFill_roundTripCannotLeaveTheMakerADustPosition() public {
        IExchange.Order memory ask = _order(maker, callAtm, false, 5e18, 110e18);
        IExchange.Order memory bid = _order(maker, callAtm, true, 5e18, 90e18);
        (ask.minFillAmount, bid.minFillAmount, bid.nonce) = (0.1e18, 0.1e18, 2);
        bytes memory askSig = _sign(MAKER_PK, ask);
        bytes memory bidSig = _sign(MAKER_PK, bid);
        vm.startPrank(other);
        exchange.fill(ask, askSig, 0.1e18, other);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_DustPosition.selector, maker, callAtm, 1, 0.1e18));
        exchange.fill(bid, bidSig, 0.1e18 + 1, other);
        // Selling 0.15 would leave the maker long 0.05, dust as well.
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_DustPosition.selector, maker, callAtm, 0.05e18, 0.1e18)
        );
        exchange.fill(bid, bidSig, 0.15e18, other);
        // Closing the maker flat frees its slot; going through zero by at least the minimum is fine.
        exchange.fill(bid, bidSig, 0.1e18, other);
        assertEq(book.openPositionCount(maker), 0, "the maker's slot is free again");
        exchange.fill(bid, bidSig, 0.2e18, other);
        vm.stopPrank();
        assertEq(book.positionOf(maker, callAtm), 0.2e18, "maker long a real size");
        // The taker of a plain fill chose its own size: it may hold dust, in its own slots only.
        assertEq(book.positionOf(other, callAtm), -0.2e18, "taker short");
    }

    /// @dev `matchOrders` applies each order's minimum to its own signer.
    function test_minFill_matchOrdersAppliesEachOrdersMinimum() public {
        IExchange.Order memory ask = _order(maker, callAtm, false, 1e18, 100e18);
        IExchange.Order memory bid = _order(taker, callAtm, true, 1e18, 100e18);
        bid.minFillAmount = 0.4e18;
        bytes memory askSig = _sign(MAKER_PK, ask);
        bytes memory bidSig = _sign(TAKER_PK, bid);
        vm.startPrank(MATCHER);
        vm.expectRevert(
            abi.encodeWithSelector(IExchange.Exchange_FillBelowMinimum.selector, _digest(bid), 0.3e18, 0.4e18, 1e18)
        );
        exchange.matchOrders(ask, askSig, bid, bidSig, 0.3e18);
        exchange.matchOrders(ask, askSig, bid, bidSig, 0.5e18);
        vm.stopPrank();
        assertEq(book.positionOf(taker, callAtm), 0.5e18, "matched at the bid's minimum or more");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    /// @dev The margin of `account` after premium, fee and position move as a fill would move them, read from the
    /// real engine on a replica of the fill made with the roles directly, then rolled back.
    function _marginAfter(
        address buyer,
        address seller,
        uint256 seriesId,
        uint256 amount,
        uint256 premium,
        address feePayer,
        uint256 fee,
        address account
    ) internal returns (IMarginEngine.AccountMargin memory m) {
        uint256 snapshot = vm.snapshotState();
        vm.startPrank(ADMIN);
        vault.grantRole(vault.CLEARING_ROLE(), address(this));
        book.grantRole(book.TRADER_ROLE(), address(this));
        vm.stopPrank();
        vault.clearingTransfer(buyer, seller, address(usdc), premium);
        if (fee != 0) vault.clearingTransfer(feePayer, FEE_RECIPIENT, address(usdc), fee);
        book.transferPosition(seriesId, buyer, seller, amount);
        m = margin.marginOf(account);
        vm.revertToState(snapshot);
    }

    /// @dev The account of `pk` sells `amount` ATM calls to the maker's bid at `priceE18`.
    function _sellCall(uint256 pk, uint256 amount, uint256 priceE18) internal {
        IExchange.Order memory bid = _order(maker, callAtm, true, amount, priceE18);
        bid.nonce = ++_tradeNonce;
        bytes memory sig = _sign(MAKER_PK, bid);
        vm.prank(vm.addr(pk));
        exchange.fill(bid, sig, amount, vm.addr(pk));
    }

    /// @dev `writer` (key 0x9004) deposits 800, sells one ATM call at 280 (meeting initial margin), then spot rallies
    /// 20% to 3,600, which leaves it below maintenance.
    function _writeOneCallThenRally(address writer) internal {
        _deposit(writer, 800e6);
        _sellCall(0x9004, 1e18, 280e18);
        _setSpot(3_600e8);
    }

    function _newExchange() internal returns (Exchange) {
        return
            Deploy.exchange(
                ADMIN,
                vault,
                book,
                registry,
                margin,
                guard,
                exchange.riskController(),
                FEE_RECIPIENT,
                INSURANCE
            );
    }

    function _expectNoCross(IExchange.Order memory m, bytes memory mSig, IExchange.Order memory t) internal {
        bytes memory tSig = _sign(TAKER_PK, t);
        vm.expectRevert(abi.encodeWithSelector(IExchange.Exchange_OrdersDoNotCross.selector, _digest(m), _digest(t)));
        vm.prank(MATCHER);
        exchange.matchOrders(m, mSig, t, tSig, 1e18);
    }
}
