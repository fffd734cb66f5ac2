#pragma once

#include <filesystem>
#include <string>

#include "orch/common/result.h"

namespace orch {

/// The whole content of the file at `path`, as bytes.
/// Errors: kNotFound (no such file), kUnavailable (it cannot be opened or read; the message
/// names the path and the system's reason).
Result<std::string> ReadFileContents(const std::filesystem::path& path);

}  // namespace orch
