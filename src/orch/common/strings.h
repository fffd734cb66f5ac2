#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orch {

/// Splits on every `separator`; empty pieces are kept ("a,,b" gives three).
std::vector<std::string_view> SplitString(std::string_view text, char separator);
std::string_view TrimWhitespace(std::string_view text);
std::string ToLower(std::string_view text);
/// Joins with ", ", e.g. for lists of supported values in error messages.
std::string JoinComma(const std::vector<std::string_view>& items);

}  // namespace orch
