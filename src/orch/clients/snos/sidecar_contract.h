#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "orch/clients/snos/snos_runner.h"
#include "orch/common/result.h"
#include "orch/crypto/felt.h"

// What the SNOS runners share of the sidecar contract (docs/snos.md): the checks on a request
// before anything runs, the checks on what a run produced, and how the sidecar's own words are
// bounded before they go into an error message. Free functions without state: thread-safe.
namespace orch::snos {

/// The output files of a run (command sidecar and fixture directory alike).
inline constexpr std::string_view kCairoPieFile = "cairo_pie.zip";
inline constexpr std::string_view kOsOutputFile = "os_output.json";

/// Checks what every runner needs of a request, so that a bad one fails before a process or a
/// request is started: start_block <= end_block; a layout of [a-z0-9_]; a chain id that is a
/// Cairo short string not starting with '-' (it becomes a command-line value); a
/// versioned-constants path, if any, that is not empty and does not start with '-'. The RPC
/// URL is not looked at (the fixture runner needs none): see ValidateRpcUrl.
/// Errors: kInvalidArgument naming the field.
Result<void> ValidateSnosRequest(const SnosRequest& request);

/// Checks that `rpc_url` is an http(s) URL. The message never quotes the URL (it may carry a key).
/// Errors: kInvalidArgument.
Result<void> ValidateRpcUrl(std::string_view rpc_url);

/// Checks that `zip` starts like a zip archive with a file entry ("PK\3\4"), the cheap check
/// that the bytes can be a Cairo PIE; the SnosRun handler reads the PIE in full.
/// Errors: kDataLoss naming `what` (a file path or a response field).
Result<void> CheckCairoPieZip(std::string_view zip, std::string_view what);

/// The OS output felts of a JSON array of "0x…" strings (decimal strings are accepted too).
/// Numbers are refused: JSON parsers turn large ones into doubles. An empty array is refused:
/// every OS output has a header.
/// Errors: kDataLoss naming `what` and the index of the bad element.
Result<std::vector<crypto::Felt>> OsOutputFromJson(const nlohmann::json& array,
                                                   std::string_view what);

/// OsOutputFromJson of the JSON text of file `path` (named in errors).
/// Errors: kDataLoss (not JSON, or as OsOutputFromJson).
Result<std::vector<crypto::Felt>> ParseOsOutputFile(std::string_view content,
                                                    const std::filesystem::path& path);

/// The whole content of a regular file. Errors: kFailedPrecondition naming the path and the
/// system's reason.
Result<std::string> ReadWholeFile(const std::filesystem::path& path);

/// The end of `text` for an error message: at most `max_bytes` bytes, starting on a UTF-8
/// character boundary, prefixed with "…" when cut, surrounding whitespace trimmed. The end is
/// kept because error reports (a Rust error chain, a panic) end with their cause. Secrets must
/// have been removed from `text` before: a cut could split one.
std::string TailForMessage(std::string_view text, std::size_t max_bytes);

}  // namespace orch::snos
