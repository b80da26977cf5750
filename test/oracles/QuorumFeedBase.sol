// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Accounts} from "../utils/Accounts.sol";
import {QuorumFeed} from "../../contracts/oracles/QuorumFeed.sol";
import {IQuorumFeed} from "../../contracts/interfaces/IQuorumFeed.sol";
import {Deploy} from "../utils/Deploy.sol";

/// @notice Shared fixture for the quorum feed tests: signer keys sorted by address, an EIP-712 digest computed
/// independently of the contract, and builders for signed submissions.
abstract contract QuorumFeedBase is Accounts {
    bytes32 internal constant FEED = keccak256("ETH/USD");
    uint256 internal constant MAX_DEVIATION = 0.1e18;
    /// @dev Silence after which the deviation bound starts widening.
    uint256 internal constant WIDEN = 1 hours;
    uint256 internal constant T0 = 1_700_000_000;

    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant REPORT_TYPEHASH = keccak256("Report(bytes32 feedId,uint256 value,uint64 timestamp)");
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// @dev Private keys of the signer pool, sorted by ascending address.
    uint256[] internal keys;
    /// @dev `vm.addr(keys[i])`, ascending.
    address[] internal addrs;

    /// @dev Fills the pool with `n` keys derived from `salt`, sorted by address.
    function _makeKeys(uint256 n, uint256 salt) internal {
        delete keys;
        delete addrs;
        for (uint256 i; i < n; ++i) {
            uint256 key = (uint256(keccak256(abi.encode("quorum signer", salt, i))) % (SECP256K1_N - 1)) + 1;
            address account = vm.addr(key);
            keys.push(key);
            addrs.push(account);
            // Insertion sort by address.
            uint256 j = i;
            while (j != 0 && addrs[j - 1] > account) {
                addrs[j] = addrs[j - 1];
                keys[j] = keys[j - 1];
                --j;
            }
            addrs[j] = account;
            keys[j] = key;
        }
    }

    /// @dev Deploys a feed whose signers are the first `n` pool entries, with threshold `k`, and configures FEED.
    function _deploy(uint256 n, uint256 k) internal returns (QuorumFeed quorum) {
        quorum = Deploy.quorumFeed(ADMIN, _prefix(n), k);
        vm.prank(ADMIN);
        quorum.configureFeed(FEED, true, MAX_DEVIATION, WIDEN);
    }

    function _prefix(uint256 n) internal view returns (address[] memory out) {
        out = new address[](n);
        for (uint256 i; i < n; ++i) {
            out[i] = addrs[i];
        }
    }

    /// @dev The EIP-712 digest of a report, built from the specification rather than from the contract.
    function _digest(
        address verifyingContract,
        uint256 chainId,
        bytes32 feedId,
        uint256 value,
        uint64 timestamp
    ) internal pure returns (bytes32) {
        bytes32 domainSeparator = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("Optio QuorumFeed"), keccak256("1"), chainId, verifyingContract)
        );
        bytes32 structHash = keccak256(abi.encode(REPORT_TYPEHASH, feedId, value, timestamp));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Observations by pool entries `idx` (in the given order) with `values`, signed for `quorum` on this chain.
    function _observations(
        QuorumFeed quorum,
        bytes32 feedId,
        uint64 timestamp,
        uint256[] memory idx,
        uint256[] memory values
    ) internal view returns (IQuorumFeed.SignedObservation[] memory obs) {
        obs = new IQuorumFeed.SignedObservation[](idx.length);
        for (uint256 i; i < idx.length; ++i) {
            bytes32 digest = _digest(address(quorum), block.chainid, feedId, values[i], timestamp);
            obs[i] = IQuorumFeed.SignedObservation({value: values[i], signature: _sign(keys[idx[i]], digest)});
        }
    }

    /// @dev Observations by the first `count` pool entries, all reporting `value`.
    function _uniform(
        QuorumFeed quorum,
        bytes32 feedId,
        uint64 timestamp,
        uint256 count,
        uint256 value
    ) internal view returns (IQuorumFeed.SignedObservation[] memory) {
        uint256[] memory idx = new uint256[](count);
        uint256[] memory values = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            idx[i] = i;
            values[i] = value;
        }
        return _observations(quorum, feedId, timestamp, idx, values);
    }

    function _list(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory out) {
        out = new uint256[](3);
        (out[0], out[1], out[2]) = (a, b, c);
    }

    function _list(uint256 a, uint256 b, uint256 c, uint256 d) internal pure returns (uint256[] memory out) {
        out = new uint256[](4);
        (out[0], out[1], out[2], out[3]) = (a, b, c, d);
    }
}
