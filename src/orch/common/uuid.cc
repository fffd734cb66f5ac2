#include "orch/common/uuid.h"

#include <uuid/uuid.h>

namespace orch {

std::string NewUuid() {
  uuid_t raw;
  uuid_generate_random(raw);
  char text[37];
  uuid_unparse_lower(raw, text);
  return std::string(text, 36);
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
