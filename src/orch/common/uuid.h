#pragma once

#include <string>
#include <string_view>

#include "orch/common/clock.h"

namespace orch {

/// A new random (version 4) UUID in its canonical lower-case 36-character form.
std::string NewUuid();

/// A new time-ordered (version 7, RFC 9562) UUID: the Unix milliseconds of `now`, then 74
/// random bits. Ids made later sort after earlier ones, so an index on them grows at its end
/// instead of touching a random page per insert.
std::string NewTimeOrderedUuid(TimePoint now);

/// Whether `text` is a UUID in canonical 8-4-4-4-12 hexadecimal form (any case).
bool IsUuid(std::string_view text);

}  // namespace orch
