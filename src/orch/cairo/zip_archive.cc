#include "orch/cairo/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

namespace orch::cairo {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
// MS-DOS date of 1980-01-01 (the earliest it can hold: year 0, month 1, day 1) and time 00:00.
// Set as DOS fields rather than a time_t, which libzip would convert in the local time zone.
constexpr zip_uint16_t kDosDate = (1 << 5) | 1;
constexpr zip_uint16_t kDosTime = 0;

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

struct SourceFree {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};

struct ArchiveDiscard {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};

std::string ErrorText(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

Result<zip_uint64_t> FindIndex(const std::vector<std::string>& names, std::string_view name) {
  const auto it = std::ranges::find(names, name);
  if (it == names.end()) {
    return Error::NotFound("{}: no such entry in the zip", name);
  }
  return static_cast<zip_uint64_t>(it - names.begin());
}

// The bytes of the zip libzip wrote into `target`.
Result<std::string> ReadSource(zip_source_t* target) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(target, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
    return Error::Internal("cannot size the written zip ({})",
                           zip_error_strerror(zip_source_error(target)));
  }
  std::string bytes(static_cast<std::size_t>(stat.size), '\0');
  if (zip_source_open(target) != 0) {
    return Error::Internal("cannot reopen the written zip ({})",
                           zip_error_strerror(zip_source_error(target)));
  }
  const zip_int64_t got = zip_source_read(target, bytes.data(), bytes.size());
  zip_source_close(target);
  if (got < 0 || static_cast<zip_uint64_t>(got) != stat.size) {
    return Error::Internal("read {} of the {} bytes of the written zip", got, stat.size);
  }
  return bytes;
}

}  // namespace

Result<std::string> WriteZip(std::span<const ZipEntryToWrite> entries) {
  zip_error_t error;
  zip_error_init(&error);
  const std::unique_ptr<zip_source_t, SourceFree> target(
      zip_source_buffer_create(nullptr, 0, /*freep=*/0, &error));
  if (target == nullptr) {
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Error::Internal("cannot create an in-memory zip ({})", text);
  }
  std::unique_ptr<zip_t, ArchiveDiscard> archive(
      zip_open_from_source(target.get(), ZIP_TRUNCATE, &error));
  if (archive == nullptr) {
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Error::Internal("cannot open an in-memory zip for writing ({})", text);
  }
  zip_error_fini(&error);
  // The archive took the target's reference and drops it when closed; keep one to read the
  // bytes afterwards.
  zip_source_keep(target.get());

  for (const ZipEntryToWrite& entry : entries) {
    // Borrows the content, which outlives zip_close below.
    zip_source_t* source =
        zip_source_buffer(archive.get(), entry.content.data(), entry.content.size(), /*freep=*/0);
    if (source == nullptr) {
      return Error::Internal("{}: cannot wrap the content ({})", entry.name,
                             zip_strerror(archive.get()));
    }
    const zip_int64_t index =
        zip_file_add(archive.get(), std::string(entry.name).c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      zip_source_free(source);
      return Error::InvalidArgument("{}: cannot add the entry ({})", entry.name,
                                    zip_strerror(archive.get()));
    }
    const auto at = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(archive.get(), at, ZIP_CM_DEFLATE, /*comp_flags=*/0) != 0 ||
        zip_file_set_dostime(archive.get(), at, kDosTime, kDosDate, /*flags=*/0) != 0) {
      return Error::Internal("{}: cannot set compression or date ({})", entry.name,
                             zip_strerror(archive.get()));
    }
  }
  if (zip_close(archive.get()) != 0) {
    return Error::Internal("cannot write the zip ({})", zip_strerror(archive.get()));
  }
  // zip_close freed the archive.
  static_cast<void>(archive.release());
  return ReadSource(target.get());
}

void ZipArchive::Discard::operator()(zip* archive) const { zip_discard(archive); }

ZipArchive::ZipArchive(std::unique_ptr<zip, Discard> archive, std::vector<std::string> names)
    : archive_(std::move(archive)), names_(std::move(names)) {}
ZipArchive::ZipArchive(ZipArchive&&) noexcept = default;
ZipArchive& ZipArchive::operator=(ZipArchive&&) noexcept = default;
ZipArchive::~ZipArchive() = default;

Result<ZipArchive> ZipArchive::OpenFile(const std::filesystem::path& path) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (archive == nullptr) {
    if (code == ZIP_ER_NOENT) {
      return Error::NotFound("no such file");
    }
    return Error::InvalidArgument("not a readable zip archive ({})", ErrorText(code));
  }
  return FromHandle(archive);
}

Result<ZipArchive> ZipArchive::OpenBytes(std::span<const std::uint8_t> bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), /*freep=*/0, &error);
  if (source == nullptr) {
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Error::Internal("cannot wrap {} bytes as a zip source ({})", bytes.size(), text);
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (archive == nullptr) {
    // On failure the source still belongs to us.
    zip_source_free(source);
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Error::InvalidArgument("not a readable zip archive ({})", text);
  }
  zip_error_fini(&error);
  return FromHandle(archive);
}

Result<ZipArchive> ZipArchive::FromHandle(zip* handle) {
  std::unique_ptr<zip, Discard> archive(handle);
  const zip_int64_t count = zip_get_num_entries(handle, 0);
  std::vector<std::string> names;
  std::set<std::string, std::less<>> seen;
  for (zip_int64_t index = 0; index < count; ++index) {
    const char* name = zip_get_name(handle, static_cast<zip_uint64_t>(index), ZIP_FL_ENC_RAW);
    if (name == nullptr) {
      return Error::InvalidArgument("entry {} has no readable name ({})", index,
                                    zip_strerror(handle));
    }
    // Two entries with one name would let different readers see different PIEs.
    if (!seen.insert(name).second) {
      return Error::InvalidArgument("{}: the zip holds two entries with this name", name);
    }
    names.emplace_back(name);
  }
  return ZipArchive(std::move(archive), std::move(names));
}

Result<std::uint64_t> ZipArchive::CheckEntry(std::string_view name,
                                             const ZipEntryLimits& limits) const {
  ORCH_ASSIGN_OR_RETURN(const zip_uint64_t index, FindIndex(names_, name));
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive_.get(), index, 0, &stat) != 0) {
    return Error::InvalidArgument("{}: unreadable directory entry ({})", name,
                                  zip_strerror(archive_.get()));
  }
  constexpr zip_uint64_t kNeeded =
      ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
  if ((stat.valid & kNeeded) != kNeeded) {
    return Error::InvalidArgument("{}: directory entry lacks sizes or methods", name);
  }
  if (stat.encryption_method != ZIP_EM_NONE) {
    return Error::InvalidArgument("{}: entry is encrypted", name);
  }
  if (stat.comp_method != ZIP_CM_STORE && stat.comp_method != ZIP_CM_DEFLATE) {
    return Error::InvalidArgument(
        "{}: compression method {} is not supported (only stored and deflate)", name,
        stat.comp_method);
  }
  if (stat.size > limits.max_size) {
    return Error::InvalidArgument("{}: uncompressed size {} bytes exceeds the limit of {} bytes",
                                  name, stat.size, limits.max_size);
  }
  ORCH_CHECK(limits.max_ratio > 0, "a zip ratio limit must be positive");
  // Divided rather than multiplied, so that a huge compressed size cannot overflow.
  if (stat.size > limits.ratio_floor && stat.size / limits.max_ratio > stat.comp_size) {
    return Error::InvalidArgument(
        "{}: {} bytes compressed to {} is a ratio above {}:1, a likely zip bomb", name, stat.size,
        stat.comp_size, limits.max_ratio);
  }
  return stat.size;
}

Result<void> ZipArchive::ReadEntry(std::string_view name, const ZipEntryLimits& limits,
                                   const Sink& sink) const {
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t declared, CheckEntry(name, limits));
  ORCH_ASSIGN_OR_RETURN(const zip_uint64_t index, FindIndex(names_, name));
  const std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive_.get(), index, 0));
  if (file == nullptr) {
    return Error::InvalidArgument("{}: cannot open entry ({})", name, zip_strerror(archive_.get()));
  }
  std::vector<std::uint8_t> chunk(kChunkBytes);
  std::uint64_t total = 0;
  while (true) {
    // One byte more than the declared size may remain, so that an entry longer than its
    // directory says is noticed before anything past the limit is decompressed.
    const std::uint64_t wanted = std::min<std::uint64_t>(chunk.size(), declared - total + 1);
    const zip_int64_t got = zip_fread(file.get(), chunk.data(), wanted);
    if (got < 0) {
      return Error::InvalidArgument("{}: cannot decompress ({})", name,
                                    zip_file_strerror(file.get()));
    }
    if (got == 0) {
      break;
    }
    total += static_cast<std::uint64_t>(got);
    if (total > declared) {
      return Error::InvalidArgument(
          "{}: decompresses to more than the {} bytes its directory entry declares", name,
          declared);
    }
    ORCH_RETURN_IF_ERROR(sink(std::span(chunk.data(), static_cast<std::size_t>(got))));
  }
  if (total != declared) {
    return Error::InvalidArgument(
        "{}: decompresses to {} bytes but its directory entry declares {}", name, total, declared);
  }
  return Ok();
}

Result<std::string> ZipArchive::ReadEntryToString(std::string_view name,
                                                  const ZipEntryLimits& limits) const {
  ORCH_ASSIGN_OR_RETURN(const std::uint64_t declared, CheckEntry(name, limits));
  std::string content;
  content.reserve(static_cast<std::size_t>(declared));
  ORCH_RETURN_IF_ERROR(ReadEntry(name, limits, [&](std::span<const std::uint8_t> chunk) {
    content.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    return Ok();
  }));
  return content;
}

}  // namespace orch::cairo
