#include "orch/cli/env_file.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "orch/common/strings.h"

namespace orch::cli {

Result<void> LoadEnvFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return Ok();
  }
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    std::string_view text = TrimWhitespace(line);
    if (text.empty() || text.front() == '#') {
      continue;
    }
    if (text.starts_with("export ")) {
      text = TrimWhitespace(text.substr(7));
    }
    const auto equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return Error::InvalidArgument("{} line {}: expected KEY=VALUE", path, number);
    }
    const std::string key(TrimWhitespace(text.substr(0, equals)));
    std::string_view value = TrimWhitespace(text.substr(equals + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    setenv(key.c_str(), std::string(value).c_str(), /*overwrite=*/0);
  }
  return Ok();
}

Result<std::string> ReadSecret(const std::string& value, const std::string& file_variable) {
  if (!value.empty()) {
    return value;
  }
  const char* path = std::getenv(file_variable.c_str());
  if (path == nullptr || *path == '\0') {
    return std::string();
  }
  std::ifstream file(path);
  if (!file) {
    return Error::InvalidArgument("{}: cannot read {}", file_variable, path);
  }
  std::stringstream content;
  content << file.rdbuf();
  std::string secret(TrimWhitespace(content.str()));
  if (secret.empty()) {
    return Error::InvalidArgument("{}: {} is empty", file_variable, path);
  }
  return secret;
}

}  // namespace orch::cli
