#pragma once

#include <string>

#include "orch/common/result.h"

namespace orch::cli {

/// Loads KEY=VALUE lines from `path` into the process environment, without overriding
/// variables that are already set (as dotenv does for the reference). Blank lines and '#'
/// comments are skipped; values may be wrapped in single or double quotes; `export ` prefixes
/// are allowed. A missing file is not an error. Errors: kInvalidArgument naming the line.
Result<void> LoadEnvFile(const std::string& path);

/// The value of a secret option: `value` if given, else the trimmed content of the file
/// named by the environment variable `file_variable`. Errors: kInvalidArgument when the file
/// cannot be read or is empty (the message names the variable, never the secret).
Result<std::string> ReadSecret(const std::string& value, const std::string& file_variable);

}  // namespace orch::cli
