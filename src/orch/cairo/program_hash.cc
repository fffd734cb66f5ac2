#include "orch/cairo/program_hash.h"

#include <vector>

#include "orch/crypto/pedersen.h"

namespace orch::cairo {
namespace {

using crypto::Felt;

// The orchestrator hashes with the version-0 bootloader header; newer cairo-lang drops it.
constexpr std::uint64_t kBootloaderVersion = 0;

}  // namespace

Result<Felt> ComputeProgramHash(const StrippedProgram& program) {
  std::vector<Felt> chain;
  chain.reserve(4 + program.builtins.size() + program.data.size());
  chain.push_back(Felt());  // the length, filled in below
  chain.push_back(Felt::FromUint64(kBootloaderVersion));
  chain.push_back(Felt::FromUint64(program.main));
  chain.push_back(Felt::FromUint64(program.builtins.size()));
  for (const std::string& builtin : program.builtins) {
    Result<Felt> name = Felt::FromShortString(builtin);
    if (!name.ok()) {
      return name.error().WithContext("program builtin \"" + builtin + "\"");
    }
    chain.push_back(*name);
  }
  chain.insert(chain.end(), program.data.begin(), program.data.end());
  chain[0] = Felt::FromUint64(chain.size() - 1);

  // hash_chain([x0, ..., xn]) = h(x0, h(x1, ... h(x_{n-1}, x_n))).
  Felt hash = chain.back();
  for (std::size_t i = chain.size() - 1; i-- > 0;) {
    hash = crypto::PedersenHash(chain[i], hash);
  }
  return hash;
}

}  // namespace orch::cairo
