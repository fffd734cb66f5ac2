#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "orch/common/result.h"

namespace orch::cairo {

/// Parses JSON text without losing integers: Cairo PIEs hold field elements (up to 252 bits) as
/// bare JSON numbers, which nlohmann would otherwise turn into doubles.
///
/// Integers that fit 64 bits become number_unsigned (or number_integer when negative). Every
/// other number (too large, or with a fraction or exponent) becomes a "number text": its text
/// exactly as written, kept in a binary value with a subtype of its own so that it cannot be
/// confused with a JSON string (read it with NumberText). Nesting is limited to 64 levels.
/// Errors: kInvalidArgument with the byte offset of a syntax error.
Result<nlohmann::json> ParseExactJson(std::string_view text);

/// The text of a number ParseExactJson could not store exactly (e.g. "3618502788666131...");
/// nullopt for any other value. The view points into `value`.
std::optional<std::string_view> NumberText(const nlohmann::json& value);

}  // namespace orch::cairo
