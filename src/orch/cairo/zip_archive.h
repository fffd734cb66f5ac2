#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orch/common/result.h"

struct zip;

namespace orch::cairo {

/// What an entry may expand to. Checked against the central directory before anything is
/// decompressed, and again while decompressing, because the directory is not trusted.
struct ZipEntryLimits {
  /// Largest accepted uncompressed size in bytes.
  std::uint64_t max_size = 0;
  /// Largest accepted uncompressed/compressed ratio for entries above `ratio_floor` bytes.
  /// Deflate tops out near 1032:1; real PIE entries compress about 8:1.
  std::uint64_t max_ratio = 200;
  /// Entries this small are never rejected for their ratio: they cannot be bombs.
  std::uint64_t ratio_floor = std::uint64_t{1} << 20;
};

/// One entry of a zip to write: its name and content.
struct ZipEntryToWrite {
  std::string_view name;
  std::string_view content;
};

/// Builds a zip in memory with libzip holding `entries` in order. Every entry is deflated
/// (SHARP's verifier accepts only deflated PIE entries) and dated 1980-01-01 00:00, so that the
/// same entries always give the same bytes; libzip switches to zip64 where sizes need it.
/// Errors: kInvalidArgument (a name libzip refuses, or given twice), kInternal (libzip failed).
Result<std::string> WriteZip(std::span<const ZipEntryToWrite> entries);

/// A zip archive opened read-only with libzip, read with bounded memory.
///
/// Entries are streamed in chunks; reading fails as soon as an entry yields more bytes than its
/// directory entry declares, so a lying directory cannot make a caller allocate more than the
/// limit it checked. Only stored and deflated, unencrypted entries are read (what Cairo PIE
/// writers produce); duplicate entry names are rejected when opening. Error messages name the
/// entry. Not thread-safe (libzip archives are not); movable.
class ZipArchive {
 public:
  using Sink = std::function<Result<void>(std::span<const std::uint8_t>)>;

  /// Opens the zip file at `path`. Error messages leave the path to the caller.
  /// Errors: kNotFound (no such file), kInvalidArgument (not a readable zip, duplicate names).
  static Result<ZipArchive> OpenFile(const std::filesystem::path& path);
  /// Opens a zip held in memory. `bytes` must outlive the archive.
  /// Errors: kInvalidArgument (not a readable zip, duplicate names).
  static Result<ZipArchive> OpenBytes(std::span<const std::uint8_t> bytes);

  ZipArchive(ZipArchive&&) noexcept;
  ZipArchive& operator=(ZipArchive&&) noexcept;
  ~ZipArchive();

  /// Entry names in directory order.
  const std::vector<std::string>& names() const { return names_; }

  /// Checks entry `name` against `limits` and returns the uncompressed size its directory entry
  /// declares. Errors: kNotFound (no such entry), kInvalidArgument (too large, suspicious ratio,
  /// unsupported compression or encryption).
  Result<std::uint64_t> CheckEntry(std::string_view name, const ZipEntryLimits& limits) const;

  /// Checks entry `name` as CheckEntry does and passes its content to `sink` in chunks of at
  /// most 64 KiB, stopping at the first error of `sink`. Errors: those of CheckEntry;
  /// kInvalidArgument when the content is longer or shorter than declared or does not
  /// decompress (bad data, CRC mismatch); any error of `sink`.
  Result<void> ReadEntry(std::string_view name, const ZipEntryLimits& limits,
                         const Sink& sink) const;

  /// ReadEntry into one string.
  Result<std::string> ReadEntryToString(std::string_view name, const ZipEntryLimits& limits) const;

 private:
  struct Discard {
    void operator()(zip* archive) const;
  };

  static Result<ZipArchive> FromHandle(zip* archive);
  explicit ZipArchive(std::unique_ptr<zip, Discard> archive, std::vector<std::string> names);

  std::unique_ptr<zip, Discard> archive_;
  std::vector<std::string> names_;
};

}  // namespace orch::cairo
