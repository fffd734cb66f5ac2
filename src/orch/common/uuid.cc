#include "orch/common/uuid.h"

#include <uuid/uuid.h>

#include <algorithm>
#include <cstdint>

namespace orch {

namespace {

std::string Unparse(const uuid_t raw) {
  char text[37];
  uuid_unparse_lower(raw, text);
  return std::string(text, 36);
}

}  // namespace

std::string NewUuid() {
  uuid_t raw;
  uuid_generate_random(raw);
  return Unparse(raw);
}

// Debian 12's libuuid (util-linux 2.38) has no uuid_generate_time_v7 (added in 2.41): the
// random bits come from libuuid, the layout (RFC 9562 §5.7) is set here.
std::string NewTimeOrderedUuid(TimePoint now) {
  uuid_t raw;
  uuid_generate_random(raw);  // also sets the RFC 4122 variant bits of byte 8
  const auto millis = static_cast<std::uint64_t>(std::max<std::int64_t>(ToUnixMillis(now), 0));
  for (int byte = 0; byte < 6; ++byte) {
    raw[byte] = static_cast<unsigned char>(millis >> (8 * (5 - byte)));
  }
  raw[6] = static_cast<unsigned char>(0x70 | (raw[6] & 0x0f));
  return Unparse(raw);
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  const std::string copy(text);
  uuid_t raw;
  return uuid_parse(copy.c_str(), raw) == 0;
}

}  // namespace orch
