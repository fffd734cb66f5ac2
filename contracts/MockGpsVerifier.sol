// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MockGpsVerifier
/// @notice A fact registry for tests and local devnets: anyone may register any fact, and
///         isValid (selector 0x6a938567, the IFactRegistry function the Starknet core contract
///         and the orchestrator call) answers whether it was registered. It verifies no proof.
contract MockGpsVerifier {
    mapping(bytes32 => bool) private registered;

    event FactRegistered(bytes32 fact);

    /// @notice Marks `fact` as valid. Registering a fact twice is allowed and changes nothing.
    function registerFact(bytes32 fact) external {
        registered[fact] = true;
        emit FactRegistered(fact);
    }

    /// @notice Whether `fact` was registered.
    function isValid(bytes32 fact) external view returns (bool) {
        return registered[fact];
    }
}
