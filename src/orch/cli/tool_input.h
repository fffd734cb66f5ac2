#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "orch/common/result.h"

namespace orch::cli {

/// The content of the file at `path`, or of `in` when `path` is "-". `flag` names the option
/// in errors ("--blob x.hex: no such file").
/// Errors: kNotFound (no such file), kInvalidArgument (a directory), kUnavailable (unreadable).
Result<std::string> ReadToolInput(std::string_view flag, const std::string& path, std::istream& in);

}  // namespace orch::cli
