#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "orch/objects/object_store.h"

namespace orch::objects {

/// ObjectStore in a local directory: key "jobs/42/proof.json" is the file
/// <root>/jobs/42/proof.json. Keys pass ValidateObjectKey, so no key names a path outside
/// the root.
///
/// Put writes a temporary file next to the target, named ".<name>.tmp.<16 hex digits>", then
/// fsyncs it, renames it over the target and fsyncs the directory. rename() replaces a file
/// atomically, so readers see the old or the new content; the fsyncs make the object survive a
/// power cut once Put has returned. A crash in the middle of Put can leave a temporary file
/// behind: List never shows those, and keys whose last segment has that form are rejected
/// (kInvalidArgument) so that no object can be mistaken for one.
///
/// File-system limits, beyond the ObjectStore contract:
///  - A key cannot also be a directory of other keys: with "a/b" stored, Put("a") fails with
///    kFailedPrecondition, and the other way round. Delete removes directories it leaves empty,
///    so the name becomes usable again.
///  - A segment longer than the file system allows (usually 255 bytes) is kInvalidArgument.
///  - Only regular files are objects; symbolic links and other entries are ignored by List.
///
/// Thread-safe, and several processes may share the directory: every operation is a sequence
/// of atomic file-system calls, and the store keeps no state in memory beyond the root path.
class FsObjectStore final : public ObjectStore {
 public:
  /// Opens the store at `root_dir`, creating the directory (and its parents) if missing.
  /// Errors: kInvalidArgument (empty path), kUnavailable (cannot create it, not a directory, not
  /// writable; the message gives the path and the system's reason).
  static Result<std::unique_ptr<FsObjectStore>> Open(const std::string& root_dir);

  FsObjectStore(const FsObjectStore&) = delete;
  FsObjectStore& operator=(const FsObjectStore&) = delete;

  // ObjectStore
  Result<void> Put(std::string_view key, std::string_view bytes) override;
  Result<std::string> Get(std::string_view key) override;
  Result<bool> Exists(std::string_view key) override;
  Result<void> Delete(std::string_view key) override;
  Result<std::vector<std::string>> List(std::string_view prefix) override;

  /// The absolute root directory.
  const std::filesystem::path& root() const { return root_; }

 private:
  explicit FsObjectStore(std::filesystem::path root);

  const std::filesystem::path root_;
};

}  // namespace orch::objects
