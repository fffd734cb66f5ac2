#pragma once

#include <cstddef>
#include <string_view>

#include "orch/common/result.h"

namespace orch::objects {

/// The longest key accepted, in bytes (S3's limit).
inline constexpr std::size_t kMaxObjectKeyBytes = 1024;

/// Checks that `key` is a well-formed object key: non-empty, at most kMaxObjectKeyBytes,
/// '/'-separated segments none of which is empty ("a//b", "/a", "a/"), "." or "..", and no
/// backslash, NUL or other control character. Such keys mean the same thing on every backend
/// and can never name a path outside a file-system backend's root.
/// Errors: kInvalidArgument saying what is wrong and showing the key (escaped, shortened).
Result<void> ValidateObjectKey(std::string_view key);

/// Checks a List prefix: the rules of ValidateObjectKey for every complete segment (those
/// followed by '/'); the last, partial segment may be anything without forbidden characters,
/// and the prefix may be empty or end with '/'.
/// Errors: kInvalidArgument, as ValidateObjectKey.
Result<void> ValidateObjectKeyPrefix(std::string_view prefix);

}  // namespace orch::objects
