// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The fact registry the core contract asks whether a state transition was proven.
interface IFactRegistry {
    function isValid(bytes32 fact) external view returns (bool);
}

/// @title StarknetCoreContract
/// @notice A compact Starknet core contract for tests and local devnets. It keeps the function
///         names, signatures and events of StarkWare's Starknet.sol that the orchestrator uses
///         (updateStateKzgDA 0x507ee528, updateState 0x77552641, stateRoot, stateBlockNumber as
///         int256, stateBlockHash, programHash, aggregatorProgramHash, configHash, isOperator,
///         identify, LogStateUpdate, LogStateTransitionFact, LogMessageToL1) and makes the same
///         checks on a state update (protocols.md §4.6, §8.4). It is not upgradeable, has no
///         governance beyond one owner, and does not implement L1 -> L2 messaging (the L1 -> L2
///         segment of an output is parsed and skipped, nothing is consumed).
///
/// Program output layouts (protocols.md §6.2):
///  - 10-word header (Starknet 0.13.2 .. 0.14.x): prev root, new root, prev block number, new
///    block number, prev block hash, new block hash, os program hash, config hash, use_kzg_da,
///    full_output; then, with use_kzg_da, z, n_blobs, n commitments as (low, high) 192-bit limbs,
///    n evaluations y as (low, high) 128-bit limbs; then the two message segments.
///  - legacy 0.13.1 header (6 words): prev root, new root, block number, block hash, config
///    hash, use_kzg_da; then one blob as commitment low, commitment high, z, y low, y high; then
///    the message segments.
///  updateStateKzgDA tells them apart by words 8 and 9: in the 10-word layout they are the flags
///  use_kzg_da and full_output (each 0 or 1), in the legacy one they are the evaluation point z
///  and the low limb of y, two pseudo-random field elements that are both <= 1 with negligible
///  probability. So: 10-word layout iff output[8] <= 1 and output[9] <= 1, legacy otherwise.
///  updateState (calldata DA) accepts the 10-word layout only: without the KZG segment the
///  legacy words 8 and 9 are message words and the rule would be ambiguous.
///
/// Every failed check reverts with its own reason string (listed at each require); clients and
/// tests match on them.
contract StarknetCoreContract {
    /// The Stark field modulus P: every output word must be below it.
    uint256 internal constant STARK_PRIME =
        0x800000000000011000000000000000000000000000000000000000000000001;
    /// The OS emits at most this many blobs per state update.
    uint256 internal constant MAX_BLOBS = 6;
    /// EIP-4844 point-evaluation precompile.
    address internal constant POINT_EVALUATION_PRECOMPILE = address(0x0A);
    /// keccak256(uint256(4096) ‖ uint256(BLS modulus)): the precompile's answer when it accepts.
    bytes32 internal constant POINT_EVALUATION_OUTPUT_HASH =
        0xb2157d3a40131b14c4c675335465dffde802f0ce5218ad012284d7f275d1b37c;
    uint256 internal constant HEADER_SIZE = 10;
    uint256 internal constant LEGACY_HEADER_SIZE = 6;

    uint256 public stateRoot;
    /// The last settled Starknet block; -1 while nothing is settled.
    int256 public stateBlockNumber;
    uint256 public stateBlockHash;
    uint256 public programHash;
    uint256 public aggregatorProgramHash;
    uint256 public configHash;
    address public verifier;
    address public owner;
    mapping(address => bool) public isOperator;
    /// Number of times each L2 -> L1 message (keccak of from, to, payload size, payload) was
    /// sent and not consumed; this contract never consumes them.
    mapping(bytes32 => uint256) public l2ToL1Messages;

    event LogStateUpdate(uint256 globalRoot, int256 blockNumber, uint256 blockHash);
    event LogStateTransitionFact(bytes32 stateTransitionFact);
    event LogMessageToL1(uint256 indexed fromAddress, address indexed toAddress, uint256[] payload);
    event LogOperatorAdded(address operator);
    event LogOperatorRemoved(address operator);
    event ProgramHashChanged(
        address indexed changedBy, uint256 oldProgramHash, uint256 newProgramHash
    );
    event AggregatorProgramHashChanged(
        address indexed changedBy,
        uint256 oldAggregatorProgramHash,
        uint256 newAggregatorProgramHash
    );
    event ConfigHashChanged(
        address indexed changedBy, uint256 oldConfigHash, uint256 newConfigHash
    );

    /// What a program output says about the transition, after the header checks.
    struct Transition {
        bool legacy;
        uint256 newRoot;
        uint256 newBlockNumber;
        uint256 newBlockHash;
        uint256 factProgramHash;
        /// Index of the first word after the header.
        uint256 bodyOffset;
    }

    /// One blob's entries of the KZG segment.
    struct BlobClaim {
        uint256 index;
        uint256 z;
        uint256 commitmentLow;
        uint256 commitmentHigh;
        uint256 yLow;
        uint256 yHigh;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "ONLY_OWNER");
        _;
    }

    modifier onlyOperator() {
        require(isOperator[msg.sender], "ONLY_OPERATOR");
        _;
    }

    /// @param verifier_ the fact registry (IFactRegistry.isValid)
    /// @param programHash_ the Starknet OS program hash
    /// @param aggregatorProgramHash_ the aggregator program hash (with its prefix) that facts of
    ///        aggregated outputs (output word 6 != 0) are registered under
    /// @param configHash_ the Starknet OS config hash
    /// @param initialStateRoot the state before the first update
    /// @param initialBlockNumber -1 when nothing is settled, else the last settled block
    /// @param initialBlockHash the hash of that block (0 when nothing is settled)
    /// The deployer becomes the owner and an operator.
    constructor(
        address verifier_,
        uint256 programHash_,
        uint256 aggregatorProgramHash_,
        uint256 configHash_,
        uint256 initialStateRoot,
        int256 initialBlockNumber,
        uint256 initialBlockHash
    ) {
        require(initialBlockNumber >= -1, "INVALID_INITIAL_BLOCK_NUMBER");
        verifier = verifier_;
        programHash = programHash_;
        aggregatorProgramHash = aggregatorProgramHash_;
        configHash = configHash_;
        stateRoot = initialStateRoot;
        stateBlockNumber = initialBlockNumber;
        stateBlockHash = initialBlockHash;
        owner = msg.sender;
        isOperator[msg.sender] = true;
        emit LogOperatorAdded(msg.sender);
    }

    function identify() external pure returns (string memory) {
        return "MadaraOrchestrator_TestStarknetCore_2025_1";
    }

    function registerOperator(address newOperator) external onlyOwner {
        isOperator[newOperator] = true;
        emit LogOperatorAdded(newOperator);
    }

    function unregisterOperator(address removedOperator) external onlyOwner {
        isOperator[removedOperator] = false;
        emit LogOperatorRemoved(removedOperator);
    }

    function setProgramHash(uint256 newProgramHash) external onlyOwner {
        emit ProgramHashChanged(msg.sender, programHash, newProgramHash);
        programHash = newProgramHash;
    }

    function setAggregatorProgramHash(uint256 newAggregatorProgramHash) external onlyOwner {
        emit AggregatorProgramHashChanged(
            msg.sender, aggregatorProgramHash, newAggregatorProgramHash
        );
        aggregatorProgramHash = newAggregatorProgramHash;
    }

    function setConfigHash(uint256 newConfigHash) external onlyOwner {
        emit ConfigHashChanged(msg.sender, configHash, newConfigHash);
        configHash = newConfigHash;
    }

    /// @notice Settles a state transition whose data is in this transaction's blobs: blob i is
    ///         the one with versioned hash blobhash(i), and kzgProofs[i] proves that its
    ///         polynomial evaluates to y_i at the output's point z.
    function updateStateKzgDA(uint256[] calldata programOutput, bytes[] calldata kzgProofs)
        external
        onlyOperator
    {
        _checkWords(programOutput);
        require(programOutput.length > HEADER_SIZE, "PROGRAM_OUTPUT_TOO_SHORT");
        bool legacy = !(programOutput[8] <= 1 && programOutput[9] <= 1);
        Transition memory t =
            legacy ? _checkLegacyHeader(programOutput) : _checkHeader(programOutput, true);

        uint256 messagesOffset = _verifyKzgSegment(programOutput, t, kzgProofs);
        _processMessages(programOutput, messagesOffset, true);

        bytes32 stateTransitionFact = keccak256(abi.encodePacked(programOutput));
        _applyTransition(t, stateTransitionFact);
    }

    /// @notice Settles a state transition whose data is in calldata (protocols.md §4.6): the
    ///         fact covers the output and the on-chain data's hash and size.
    function updateState(
        uint256[] calldata programOutput,
        uint256 onchainDataHash,
        uint256 onchainDataSize
    ) external onlyOperator {
        _checkWords(programOutput);
        require(programOutput.length > HEADER_SIZE, "PROGRAM_OUTPUT_TOO_SHORT");
        require(programOutput[8] <= 1 && programOutput[9] <= 1, "UNSUPPORTED_OUTPUT_LAYOUT");
        Transition memory t = _checkHeader(programOutput, false);
        _processMessages(programOutput, HEADER_SIZE, false);

        uint256 length = programOutput.length;
        bytes32 stateTransitionFact = bytes32(
            uint256(
                keccak256(
                    abi.encodePacked(
                        keccak256(abi.encodePacked(programOutput)),
                        length,
                        onchainDataHash,
                        length + onchainDataSize
                    )
                )
            ) + 1
        );
        _applyTransition(t, stateTransitionFact);
    }

    // Every output word is a field element.
    function _checkWords(uint256[] calldata out) internal pure {
        for (uint256 i = 0; i < out.length; ++i) {
            require(out[i] < STARK_PRIME, "INVALID_PROGRAM_OUTPUT_VALUE");
        }
    }

    // The 10-word header against the stored state.
    function _checkHeader(uint256[] calldata out, bool kzgDa)
        internal
        view
        returns (Transition memory t)
    {
        require(out[7] == configHash, "INVALID_CONFIG_HASH");
        require(out[8] == (kzgDa ? 1 : 0), "UNEXPECTED_KZG_DA_FLAG");
        require(out[9] == 0, "FULL_OUTPUT_NOT_SUPPORTED");
        // An output emitted by the aggregator names the OS program it aggregated; its fact is
        // registered under the aggregator's program hash.
        uint256 factProgramHash = programHash;
        if (out[6] != 0) {
            require(out[6] == programHash, "INVALID_OS_PROGRAM_HASH");
            factProgramHash = aggregatorProgramHash;
        }
        require(out[0] == stateRoot, "INVALID_PREVIOUS_ROOT");
        // Before the first update the OS writes P - 1, i.e. -1 as a felt.
        uint256 expectedPrevious =
            stateBlockNumber == -1 ? STARK_PRIME - 1 : uint256(stateBlockNumber);
        require(out[2] == expectedPrevious, "INVALID_PREVIOUS_BLOCK_NUMBER");
        // out[3] < P < 2^255 (checked by _checkWords), so the cast keeps the value.
        require(int256(out[3]) > stateBlockNumber, "INVALID_FINAL_BLOCK_NUMBER");
        require(out[4] == stateBlockHash, "INVALID_PREVIOUS_BLOCK_HASH");
        t = Transition({
            legacy: false,
            newRoot: out[1],
            newBlockNumber: out[3],
            newBlockHash: out[5],
            factProgramHash: factProgramHash,
            bodyOffset: HEADER_SIZE
        });
    }

    // The legacy 0.13.1 header: it names only the new block, which must follow the stored one.
    function _checkLegacyHeader(uint256[] calldata out)
        internal
        view
        returns (Transition memory t)
    {
        require(out[4] == configHash, "INVALID_CONFIG_HASH");
        require(out[5] == 1, "UNEXPECTED_KZG_DA_FLAG");
        require(out[0] == stateRoot, "INVALID_PREVIOUS_ROOT");
        require(int256(out[2]) == stateBlockNumber + 1, "INVALID_FINAL_BLOCK_NUMBER");
        t = Transition({
            legacy: true,
            newRoot: out[1],
            newBlockNumber: out[2],
            newBlockHash: out[3],
            factProgramHash: programHash,
            bodyOffset: LEGACY_HEADER_SIZE
        });
    }

    // Checks every blob against the KZG segment; returns the index of the messages segment.
    function _verifyKzgSegment(
        uint256[] calldata out,
        Transition memory t,
        bytes[] calldata kzgProofs
    ) internal view returns (uint256) {
        uint256 o = t.bodyOffset;
        if (t.legacy) {
            // commitment low, commitment high, z, y low, y high; messages follow.
            require(out.length > o + 5, "INVALID_KZG_SEGMENT_SIZE");
            require(kzgProofs.length == 1, "KZG_PROOFS_COUNT_MISMATCH");
            _verifyBlob(
                BlobClaim(0, out[o + 2], out[o], out[o + 1], out[o + 3], out[o + 4]), kzgProofs[0]
            );
            return o + 5;
        }
        // z, n_blobs, n × (commitment low, high), n × (y low, high); messages follow.
        uint256 n = out[o + 1];
        require(n >= 1 && n <= MAX_BLOBS, "INVALID_NUMBER_OF_BLOBS");
        require(out.length > o + 2 + 4 * n, "INVALID_KZG_SEGMENT_SIZE");
        require(kzgProofs.length == n, "KZG_PROOFS_COUNT_MISMATCH");
        for (uint256 i = 0; i < n; ++i) {
            uint256 c = o + 2 + 2 * i;
            uint256 y = c + 2 * n;
            _verifyBlob(BlobClaim(i, out[o], out[c], out[c + 1], out[y], out[y + 1]), kzgProofs[i]);
        }
        return o + 2 + 4 * n;
    }

    // Blob `claim.index` of this transaction has the output's commitment and evaluates to y at z.
    function _verifyBlob(BlobClaim memory claim, bytes calldata proof) internal view {
        bytes32 versionedHash = blobhash(claim.index);
        require(versionedHash != bytes32(0), "BLOB_MISSING");
        require(uint8(versionedHash[0]) == 0x01, "UNEXPECTED_BLOB_HASH_VERSION");
        require(
            claim.commitmentLow >> 192 == 0 && claim.commitmentHigh >> 192 == 0,
            "INVALID_KZG_COMMITMENT"
        );
        // 48 bytes: the high limb's low 24 bytes, then the low limb's.
        bytes memory commitment =
            abi.encodePacked(uint192(claim.commitmentHigh), uint192(claim.commitmentLow));
        require(versionedHash == _versionedHash(commitment), "KZG_COMMITMENT_MISMATCH");
        require(claim.yLow >> 128 == 0 && claim.yHigh >> 128 == 0, "INVALID_Y_VALUE");
        require(proof.length == 48, "INVALID_KZG_PROOF_SIZE");
        uint256 y = (claim.yHigh << 128) | claim.yLow;
        (bool ok, bytes memory answer) = POINT_EVALUATION_PRECOMPILE.staticcall(
            abi.encodePacked(versionedHash, claim.z, y, commitment, proof)
        );
        require(ok, "POINT_EVALUATION_FAILED");
        require(
            answer.length == 64 && keccak256(answer) == POINT_EVALUATION_OUTPUT_HASH,
            "UNEXPECTED_POINT_EVALUATION_OUTPUT"
        );
    }

    // 0x01 ‖ sha256(commitment)[1..32].
    function _versionedHash(bytes memory commitment) internal pure returns (bytes32) {
        bytes32 digest = sha256(commitment);
        return (digest & bytes32(type(uint256).max >> 8)) | bytes32(uint256(1) << 248);
    }

    // The two message segments starting at `offset`: L2 -> L1 messages are recorded, L1 -> L2
    // ones skipped. With `mustEnd` the output must end with them.
    function _processMessages(uint256[] calldata out, uint256 offset, bool mustEnd) internal {
        require(offset < out.length, "MESSAGES_SEGMENT_OUT_OF_RANGE");
        uint256 start = offset + 1;
        require(out[offset] <= out.length - start, "MESSAGES_SEGMENT_OUT_OF_RANGE");
        uint256 end = start + out[offset];
        uint256 p = start;
        while (p < end) {
            // from (L2), to (L1), payload size, payload...
            require(end - p >= 3 && out[p + 2] <= end - p - 3, "INVALID_MESSAGE_TO_L1");
            uint256 next = p + 3 + out[p + 2];
            l2ToL1Messages[keccak256(abi.encodePacked(out[p:next]))] += 1;
            emit LogMessageToL1(out[p], address(uint160(out[p + 1])), out[p + 3:next]);
            p = next;
        }
        require(end < out.length, "MESSAGES_SEGMENT_OUT_OF_RANGE");
        require(out[end] <= out.length - end - 1, "MESSAGES_SEGMENT_OUT_OF_RANGE");
        if (mustEnd) {
            require(end + 1 + out[end] == out.length, "PROGRAM_OUTPUT_TRAILING_WORDS");
        }
    }

    // The fact must be registered; then the stored state moves to the transition's end.
    function _applyTransition(Transition memory t, bytes32 stateTransitionFact) internal {
        bytes32 sharpFact = keccak256(abi.encode(t.factProgramHash, stateTransitionFact));
        require(IFactRegistry(verifier).isValid(sharpFact), "NO_STATE_TRANSITION_PROOF");
        emit LogStateTransitionFact(stateTransitionFact);
        stateRoot = t.newRoot;
        stateBlockNumber = int256(t.newBlockNumber);
        stateBlockHash = t.newBlockHash;
        emit LogStateUpdate(t.newRoot, int256(t.newBlockNumber), t.newBlockHash);
    }
}
