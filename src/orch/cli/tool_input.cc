#include "orch/cli/tool_input.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <system_error>

namespace orch::cli {

namespace fs = std::filesystem;

Result<std::string> ReadToolInput(std::string_view flag, const std::string& path,
                                  std::istream& in) {
  if (path == "-") {
    std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
      return Error::Unavailable("{} -: cannot read standard input", flag);
    }
    return content;
  }
  std::error_code ignored;
  if (fs::is_directory(path, ignored)) {
    return Error::InvalidArgument("{} {}: is a directory, not a file", flag, path);
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error_number = errno;
    if (!fs::exists(path, ignored)) {
      return Error::NotFound("{} {}: no such file", flag, path);
    }
    return Error::Unavailable("{} {}: cannot be read: {}", flag, path,
                              std::generic_category().message(error_number));
  }
  std::string content{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) {
    return Error::Unavailable("{} {}: reading failed", flag, path);
  }
  return content;
}

}  // namespace orch::cli
