#include "orch/common/file.h"

#include <cerrno>
#include <fstream>
#include <iterator>
#include <system_error>

namespace orch {

Result<std::string> ReadFileContents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    if (error == ENOENT) {
      return Error::NotFound("{} does not exist", path.string());
    }
    return Error::Unavailable("cannot read {}: {}", path.string(),
                              std::system_category().message(error));
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    return Error::Unavailable("cannot read {}: {}", path.string(),
                              std::system_category().message(errno));
  }
  return content;
}

}  // namespace orch
