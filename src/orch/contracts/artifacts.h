#pragma once

#include <string_view>

#include "orch/eth/bytes.h"

// The test contracts of contracts/*.sol as compiled at build time by scripts/compile-contracts.mjs
// (solc-js 0.8.28, optimizer on, evmVersion cancun, no metadata hash). The generated source that
// defines these functions embeds the bytecode, so the binary needs no file at run time.
namespace orch::contracts {

/// The creation bytecode of StarknetCoreContract: constructor and runtime code. Deploying sends
/// it followed by the ABI-encoded constructor arguments (see DeployStarknetCoreContract).
eth::Bytes StarknetCoreContractCreationCode();

/// The creation bytecode of MockGpsVerifier (no constructor arguments).
eth::Bytes MockGpsVerifierCreationCode();

/// The contracts' ABI as solc writes it (a JSON array).
std::string_view StarknetCoreContractAbi();
std::string_view MockGpsVerifierAbi();

/// The compiler that produced them, e.g. "0.8.28+commit.7893614a.Emscripten.clang".
std::string_view SolidityCompilerVersion();

}  // namespace orch::contracts
