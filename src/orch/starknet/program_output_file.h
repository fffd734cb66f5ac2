#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/result.h"
#include "orch/crypto/felt.h"

// The files a program output is stored in (protocols.md Appendix B) and the text form of the
// test vectors. Reading never trusts a declared length before checking it against the data.
namespace orch::starknet {

enum class ProgramOutputFormat {
  // program_output.txt: u64 little-endian word count, then each word as 32 big-endian bytes.
  kBincode,
  // snos_output.json: a JSON array of "0x..." strings.
  kJsonArray,
  // One decimal felt per line (the settlement test vectors).
  kDecimalLines,
};

std::string_view ToString(ProgramOutputFormat format);

/// Errors: kInvalidArgument naming the word (index or line) that is malformed, a length that
/// does not match the data, or a value not below the field modulus.
Result<std::vector<crypto::Felt>> ParseProgramOutput(std::string_view content,
                                                     ProgramOutputFormat format);

/// The format of `content`: bincode when its first 8 bytes hold a NUL (the high bytes of the
/// count), a JSON array when it starts with '[' (after whitespace), decimal lines otherwise.
ProgramOutputFormat DetectProgramOutputFormat(std::string_view content);

/// ParseProgramOutput in the detected format.
Result<std::vector<crypto::Felt>> ParseProgramOutputAnyFormat(std::string_view content);

std::string EncodeProgramOutput(std::span<const crypto::Felt> words, ProgramOutputFormat format);

}  // namespace orch::starknet
