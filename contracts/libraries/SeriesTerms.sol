// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @notice A series' terms packed in one word, ordered so that comparing words as integers sorts series by
/// underlying, then expiry, then strike, then puts before calls.
/// @dev Bit layout, high to low:
///
/// | bits    | field        | type    |
/// | ------- | ------------ | ------- |
/// | 224-255 | underlyingId | uint32  |
/// | 160-223 | expiry       | uint64  |
/// | 32-159  | strikeE18    | uint128 |
/// | 31      | isCall       | bool    |
/// | 0-30    | tag          | uint31  |
///
/// The registry returns the word with a zero tag; a reader may store its own index there (`withTag`), which keeps
/// the sort order of distinct series. `group` (underlying and expiry) is the unit of netting at settlement and of
/// margin groups; `strikeKey` (group and strike) pairs a call with its put.
type SeriesTerms is uint256;

using SeriesTermsLib for SeriesTerms global;

/// @title SeriesTermsLib
/// @notice Packing and getters of `SeriesTerms`: the one place its layout is written.
library SeriesTermsLib {
    uint256 internal constant UNDERLYING_SHIFT = 224;
    uint256 internal constant EXPIRY_SHIFT = 160;
    uint256 internal constant STRIKE_SHIFT = 32;
    uint256 internal constant CALL_BIT = 1 << 31;
    uint256 internal constant TAG_MASK = CALL_BIT - 1;

    /// @notice Packs terms. Each field must fit its width (the registry bounds them at listing).
    function pack(
        uint256 underlyingId_,
        uint256 expiry_,
        uint256 strikeE18_,
        bool isCall_
    ) internal pure returns (SeriesTerms) {
        return
            SeriesTerms.wrap(
                (uint256(uint32(underlyingId_)) << UNDERLYING_SHIFT) |
                    (uint256(uint64(expiry_)) << EXPIRY_SHIFT) |
                    (uint256(uint128(strikeE18_)) << STRIKE_SHIFT) |
                    (isCall_ ? CALL_BIT : 0)
            );
    }

    /// @notice The underlying's id.
    function underlyingId(SeriesTerms terms) internal pure returns (uint256) {
        return SeriesTerms.unwrap(terms) >> UNDERLYING_SHIFT;
    }

    /// @notice The expiry timestamp.
    function expiry(SeriesTerms terms) internal pure returns (uint256) {
        return uint64(SeriesTerms.unwrap(terms) >> EXPIRY_SHIFT);
    }

    /// @notice The strike, 18 decimals.
    function strikeE18(SeriesTerms terms) internal pure returns (uint256) {
        return uint128(SeriesTerms.unwrap(terms) >> STRIKE_SHIFT);
    }

    /// @notice Whether the series is a call.
    function isCall(SeriesTerms terms) internal pure returns (bool) {
        return SeriesTerms.unwrap(terms) & CALL_BIT != 0;
    }

    /// @notice (underlyingId, expiry) as one number: series with equal groups net at settlement and share a
    /// margin group.
    function group(SeriesTerms terms) internal pure returns (uint256) {
        return SeriesTerms.unwrap(terms) >> EXPIRY_SHIFT;
    }

    /// @notice (underlyingId, expiry, strike) as one number: a call and a put with equal keys form a pair.
    function strikeKey(SeriesTerms terms) internal pure returns (uint256) {
        return SeriesTerms.unwrap(terms) >> STRIKE_SHIFT;
    }

    /// @notice The reader's tag in the low 31 bits (zero as the registry returns it).
    function tag(SeriesTerms terms) internal pure returns (uint256) {
        return SeriesTerms.unwrap(terms) & TAG_MASK;
    }

    /// @notice The terms with `tag_` (< 2**31) in the low bits, replacing any previous tag.
    function withTag(SeriesTerms terms, uint256 tag_) internal pure returns (SeriesTerms) {
        return SeriesTerms.wrap((SeriesTerms.unwrap(terms) & ~TAG_MASK) | (tag_ & TAG_MASK));
    }
}
