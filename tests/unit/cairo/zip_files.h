#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Building zips for the PIE reader's tests with libzip.
namespace orch::cairo::test_support {

/// One zip entry: name and content.
struct ZipEntry {
  std::string name;
  std::string content;
  /// Stored instead of deflated.
  bool stored = false;
};

/// The entries of the zip at `path`, in directory order (fails the test on error).
std::vector<ZipEntry> ReadZip(const std::filesystem::path& path);

/// The bytes of a new zip holding `entries` (deflated at the fastest level unless stored).
std::string BuildZip(const std::vector<ZipEntry>& entries);

/// Rewrites the uncompressed size that both the local header and the central directory declare
/// for entry `name` of the zip `zip` (a lying directory, which libzip cannot write itself).
void PatchDeclaredSize(std::string& zip, std::string_view name, std::uint32_t size);

/// A directory under the system temp dir, removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes `bytes` to a file `name` in the directory and returns its path.
  std::filesystem::path Write(std::string_view name, std::string_view bytes) const;

 private:
  std::filesystem::path path_;
};

}  // namespace orch::cairo::test_support
