#pragma once

#include <iosfwd>
#include <memory>

#include "orch/common/result.h"

namespace CLI {
class App;
}  // namespace CLI

namespace orch::cli {

/// `orchestrator tool …`: offline helpers for operators and scripts. Keccak-256, Pedersen and
/// Poseidon hashes, the felts ↔ blob transform, and KZG commitments and point-evaluation
/// proofs, computed by the same libraries the orchestrator uses. Each tool takes its input
/// from arguments or files ("-" for standard input), prints its answer on standard output (hex
/// with "0x", one value per line, or one line of JSON), and refuses bad input with an error
/// that names the argument or file and what is wrong with it. No tool touches a database or
/// the network; only the KZG tools read a file besides their input (the trusted setup).
///
/// Construct it before parsing: it adds `tool` and its subcommands to the app and binds their
/// options to itself. After parsing, Run() runs the tool that was chosen, if parsed().
/// Confined to the thread that parses the command line.
class ToolCommand {
 public:
  explicit ToolCommand(CLI::App& app);
  ~ToolCommand();
  ToolCommand(const ToolCommand&) = delete;
  ToolCommand& operator=(const ToolCommand&) = delete;

  /// Whether `tool` was on the command line.
  bool parsed() const;

  /// Runs the tool that was parsed: reads "-" inputs from `in` and writes the answer to `out`.
  /// Errors: kInvalidArgument (bad input: malformed hex or number, a felt not below P, a blob
  /// of the wrong size, a wrong number of arguments), kNotFound (an input file or the trusted
  /// setup does not exist), kUnavailable (a file cannot be read or written), kDataLoss (the
  /// trusted setup is not one). Messages name the argument or file.
  Result<void> Run(std::istream& in, std::ostream& out) const;

 private:
  struct Options;

  CLI::App* command_;
  std::unique_ptr<Options> options_;
};

}  // namespace orch::cli
