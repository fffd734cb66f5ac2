#pragma once

#include <string>
#include <string_view>

namespace orch {

/// A new random (version 4) UUID in its canonical lower-case 36-character form.
std::string NewUuid();

/// Whether `text` is a UUID in canonical 8-4-4-4-12 hexadecimal form (any case).
bool IsUuid(std::string_view text);

}  // namespace orch
