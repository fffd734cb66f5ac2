#include "orch/objects/fs/fs_object_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <random>
#include <system_error>
#include <utility>

#include "orch/objects/object_key.h"

namespace orch::objects {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTempInfix = ".tmp.";
constexpr std::size_t kTempRandomDigits = 16;
// Keeps temporary names within NAME_MAX when the object's own name is long.
constexpr std::size_t kTempNameBytes = 64;
// Attempts to create a temporary file: a name can collide, or a concurrent Delete can remove
// the directory just created for it.
constexpr int kTempFileAttempts = 5;

std::string SystemReason(int error_number) {
  return std::error_code(error_number, std::generic_category()).message();
}

Error IoError(std::string_view what, const fs::path& path, int error_number) {
  return Error::Unavailable("{} {}: {}", what, path.string(), SystemReason(error_number));
}

// Closes the descriptor on every path.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor& operator=(FileDescriptor&&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  /// Closes now and reports the error close() returns (on NFS, a failed write can show only
  /// there).
  int Close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// ".<name>.tmp.<16 hex digits>": the form of temporary files.
bool IsTempName(std::string_view name) {
  const std::size_t suffix = kTempInfix.size() + kTempRandomDigits;
  if (name.size() < 2 + suffix || !name.starts_with('.')) {
    return false;
  }
  if (name.substr(name.size() - suffix, kTempInfix.size()) != kTempInfix) {
    return false;
  }
  const std::string_view digits = name.substr(name.size() - kTempRandomDigits);
  return std::all_of(digits.begin(), digits.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string TempName(std::string_view name) {
  // Seeded per thread so that threads need not share (and lock) one engine.
  thread_local std::mt19937_64 random(std::random_device{}());
  return fmt::format(".{}{}{:016x}", name.substr(0, kTempNameBytes), kTempInfix, random());
}

Result<fs::path> PathOf(const fs::path& root, std::string_view key) {
  ORCH_RETURN_IF_ERROR(ValidateObjectKey(key));
  const std::size_t last_slash = key.rfind('/');
  const std::string_view name =
      last_slash == std::string_view::npos ? key : key.substr(last_slash + 1);
  if (IsTempName(name)) {
    return Error::InvalidArgument(
        "invalid object key '{}': names of the form .<name>.tmp.<16 hex digits> are reserved "
        "for temporary files",
        key);
  }
  return root / fs::path(std::string(key));
}

bool IsMissing(int error_number) {
  // ENOTDIR: a prefix of the key is an object, so the key itself cannot exist.
  return error_number == ENOENT || error_number == ENOTDIR || error_number == ENAMETOOLONG;
}

Result<void> WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return IoError("cannot write", path, errno);
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return Ok();
}

Result<void> SyncDirectory(const fs::path& directory) {
  FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) {
    // A concurrent Delete emptied and removed the directory: the object is already gone, a
    // later state than this Put, so there is nothing left to make durable.
    if (errno == ENOENT) {
      return Ok();
    }
    return IoError("cannot open directory", directory, errno);
  }
  if (::fsync(fd.get()) != 0) {
    return IoError("cannot fsync directory", directory, errno);
  }
  return Ok();
}

Error PrefixConflict(std::string_view key) {
  return Error::FailedPrecondition(
      "cannot store object '{}': a file-system store cannot hold both a key and keys under it "
      "as a directory ('a' and 'a/b')",
      key);
}

Error TooLong(std::string_view key) {
  return Error::InvalidArgument(
      "invalid object key '{}': a segment is too long for this file system", key);
}

// Creates the parent directories and an empty temporary file next to `path`; returns the
// temporary path and its open descriptor.
Result<std::pair<fs::path, FileDescriptor>> CreateTempFile(const fs::path& path,
                                                           std::string_view key) {
  const fs::path directory = path.parent_path();
  const std::string name = path.filename().string();
  int last_error = 0;
  for (int attempt = 0; attempt < kTempFileAttempts; ++attempt) {
    std::error_code error;
    fs::create_directories(directory, error);
    if (error == std::errc::not_a_directory || error == std::errc::file_exists) {
      return PrefixConflict(key);
    }
    if (error == std::errc::filename_too_long) {
      return TooLong(key);
    }
    if (error == std::errc::no_such_file_or_directory) {
      last_error = ENOENT;  // a concurrent Delete removed a parent just created
      continue;
    }
    if (error) {
      return Error::Unavailable("cannot create directory {}: {}", directory.string(),
                                error.message());
    }
    fs::path temp = directory / TempName(name);
    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (fd.valid()) {
      return std::make_pair(std::move(temp), std::move(fd));
    }
    last_error = errno;
    if (last_error == ENAMETOOLONG) {
      return TooLong(key);
    }
    if (last_error != EEXIST && last_error != ENOENT) {
      return IoError("cannot create", temp, last_error);
    }
  }
  return IoError("cannot create a temporary file in", directory, last_error);
}

Result<void> PutImpl(const fs::path& root, std::string_view key, std::string_view bytes) {
  ORCH_ASSIGN_OR_RETURN(const fs::path path, PathOf(root, key));
  ORCH_ASSIGN_OR_RETURN(auto temp_file, CreateTempFile(path, key));
  const fs::path& temp = temp_file.first;
  FileDescriptor& fd = temp_file.second;
  auto written = [&]() -> Result<void> {
    ORCH_RETURN_IF_ERROR(WriteAll(fd.get(), bytes, temp));
    if (::fsync(fd.get()) != 0) {
      return IoError("cannot fsync", temp, errno);
    }
    if (const int error = fd.Close(); error != 0) {
      return IoError("cannot close", temp, error);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      const int error = errno;
      if (error == EISDIR || error == ENOTEMPTY || error == EEXIST) {
        return PrefixConflict(key);
      }
      if (error == ENAMETOOLONG) {
        return TooLong(key);
      }
      return IoError("cannot rename a temporary file to", path, error);
    }
    return Ok();
  }();
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  return SyncDirectory(path.parent_path());
}

Result<std::string> GetImpl(const fs::path& root, std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const fs::path path, PathOf(root, key));
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (IsMissing(errno)) {
      return Error::NotFound("no object '{}'", key);
    }
    return IoError("cannot open", path, errno);
  }
  struct stat info = {};
  if (::fstat(fd.get(), &info) != 0) {
    return IoError("cannot stat", path, errno);
  }
  if (S_ISDIR(info.st_mode)) {
    return Error::NotFound("no object '{}' (only objects under it)", key);
  }
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[64 * 1024];
  while (true) {
    const ssize_t count = ::read(fd.get(), buffer, sizeof(buffer));
    if (count == 0) {
      return bytes;
    }
    if (count < 0) {
      if (errno == EINTR) {
        continue;
      }
      return IoError("cannot read", path, errno);
    }
    bytes.append(buffer, static_cast<std::size_t>(count));
  }
}

Result<bool> ExistsImpl(const fs::path& root, std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const fs::path path, PathOf(root, key));
  struct stat info = {};
  if (::stat(path.c_str(), &info) != 0) {
    if (IsMissing(errno)) {
      return false;
    }
    return IoError("cannot stat", path, errno);
  }
  return S_ISREG(info.st_mode);
}

// Removes `directory` and its parents up to (excluding) `root` while they are empty. A
// concurrent Put may lose its fresh directory here; CreateTempFile then creates it again.
void RemoveEmptyDirectories(const fs::path& root, fs::path directory) {
  while (directory != root && directory.native().size() > root.native().size()) {
    if (::rmdir(directory.c_str()) != 0) {
      return;
    }
    directory = directory.parent_path();
  }
}

Result<void> DeleteImpl(const fs::path& root, std::string_view key) {
  ORCH_ASSIGN_OR_RETURN(const fs::path path, PathOf(root, key));
  if (::unlink(path.c_str()) != 0) {
    const int error = errno;
    if (IsMissing(error)) {
      return Ok();
    }
    struct stat info = {};
    // Linux says EISDIR, POSIX allows EPERM: either way there is no object, only a directory.
    if ((error == EISDIR || error == EPERM) && ::stat(path.c_str(), &info) == 0 &&
        S_ISDIR(info.st_mode)) {
      return Ok();
    }
    return IoError("cannot delete", path, error);
  }
  RemoveEmptyDirectories(root, path.parent_path());
  return Ok();
}

// Appends the keys under `directory` (whose keys start with `key_prefix`, e.g. "jobs/") that
// start with `prefix`. Entries that vanish during the walk are skipped: a concurrent Delete
// must not fail a List.
Result<void> Walk(const fs::path& directory, const std::string& key_prefix, std::string_view prefix,
                  std::vector<std::string>& keys) {
  std::error_code error;
  fs::directory_iterator it(directory, error);
  if (error) {
    if (IsMissing(error.value())) {
      return Ok();
    }
    return Error::Unavailable("cannot list {}: {}", directory.string(), error.message());
  }
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) {
      break;
    }
    const std::string name = it->path().filename().string();
    const std::string key = key_prefix + name;
    const fs::file_status status = it->symlink_status(error);
    if (error) {
      if (IsMissing(error.value())) {
        error.clear();
        continue;
      }
      return Error::Unavailable("cannot stat {}: {}", it->path().string(), error.message());
    }
    if (fs::is_directory(status)) {
      const std::string child_prefix = key + "/";
      if (child_prefix.starts_with(prefix) || prefix.starts_with(child_prefix)) {
        ORCH_RETURN_IF_ERROR(Walk(it->path(), child_prefix, prefix, keys));
      }
      continue;
    }
    // Files put there by hand with names no key can have are not objects.
    if (fs::is_regular_file(status) && !IsTempName(name) && key.starts_with(prefix) &&
        ValidateObjectKey(key).ok()) {
      keys.push_back(key);
    }
  }
  if (error && !IsMissing(error.value())) {
    return Error::Unavailable("cannot list {}: {}", directory.string(), error.message());
  }
  return Ok();
}

Result<std::vector<std::string>> ListImpl(const fs::path& root, std::string_view prefix) {
  ORCH_RETURN_IF_ERROR(ValidateObjectKeyPrefix(prefix));
  // Only the directory named by the complete segments of the prefix can hold matches.
  const std::size_t last_slash = prefix.rfind('/');
  const std::string directory_key = last_slash == std::string_view::npos
                                        ? std::string()
                                        : std::string(prefix.substr(0, last_slash));
  const fs::path directory = directory_key.empty() ? root : root / directory_key;
  std::vector<std::string> keys;
  ORCH_RETURN_IF_ERROR(
      Walk(directory, directory_key.empty() ? std::string() : directory_key + "/", prefix, keys));
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Turns an exception (out of memory, std::filesystem) into an error at the module boundary.
template <typename Fn>
auto Guarded(std::string_view operation, std::string_view key, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Error::Internal("{} '{}': {}", operation, key, e.what());
  }
}

}  // namespace

FsObjectStore::FsObjectStore(std::filesystem::path root) : root_(std::move(root)) {}

Result<std::unique_ptr<FsObjectStore>> FsObjectStore::Open(const std::string& root_dir) {
  return Guarded("open object store", root_dir, [&]() -> Result<std::unique_ptr<FsObjectStore>> {
    if (root_dir.empty()) {
      return Error::InvalidArgument("the object store directory is empty");
    }
    std::error_code error;
    fs::path root = fs::absolute(root_dir, error).lexically_normal();
    if (error) {
      return Error::Unavailable("cannot resolve object store directory {}: {}", root_dir,
                                error.message());
    }
    // "/a/b/" normalises to "/a/b/": drop the empty last element so that parent walks stop at
    // the root.
    if (!root.has_filename() && root.has_parent_path() && root != root.root_path()) {
      root = root.parent_path();
    }
    fs::create_directories(root, error);
    if (error) {
      return Error::Unavailable("cannot create object store directory {}: {}", root.string(),
                                error.message());
    }
    if (!fs::is_directory(root, error)) {
      return Error::Unavailable("object store directory {} is not a directory", root.string());
    }
    if (::access(root.c_str(), W_OK | X_OK) != 0) {
      return IoError("cannot write to object store directory", root, errno);
    }
    return std::unique_ptr<FsObjectStore>(new FsObjectStore(std::move(root)));
  });
}

Result<void> FsObjectStore::Put(std::string_view key, std::string_view bytes) {
  return Guarded("put", key, [&] { return PutImpl(root_, key, bytes); });
}

Result<std::string> FsObjectStore::Get(std::string_view key) {
  return Guarded("get", key, [&] { return GetImpl(root_, key); });
}

Result<bool> FsObjectStore::Exists(std::string_view key) {
  return Guarded("exists", key, [&] { return ExistsImpl(root_, key); });
}

Result<void> FsObjectStore::Delete(std::string_view key) {
  return Guarded("delete", key, [&] { return DeleteImpl(root_, key); });
}

Result<std::vector<std::string>> FsObjectStore::List(std::string_view prefix) {
  return Guarded("list", prefix, [&] { return ListImpl(root_, prefix); });
}

}  // namespace orch::objects
