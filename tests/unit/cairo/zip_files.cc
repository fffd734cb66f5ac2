#include "tests/unit/cairo/zip_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zip.h>

#include <fstream>

namespace orch::cairo::test_support {
namespace {

constexpr std::uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSignature = 0x02014b50;

std::uint32_t Load32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 4; i-- > 0;) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes[at + i]);
  }
  return value;
}

std::uint16_t Load16(const std::string& bytes, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<std::uint8_t>(bytes[at]) |
                                    (static_cast<std::uint8_t>(bytes[at + 1]) << 8));
}

void Store32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) {
    bytes[at + i] = static_cast<char>(value >> (8 * i));
  }
}

}  // namespace

std::vector<ZipEntry> ReadZip(const std::filesystem::path& path) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
  EXPECT_NE(archive, nullptr) << path << ": libzip error " << code;
  std::vector<ZipEntry> entries;
  if (archive == nullptr) {
    return entries;
  }
  for (zip_int64_t index = 0; index < zip_get_num_entries(archive, 0); ++index) {
    const auto entry_index = static_cast<zip_uint64_t>(index);
    zip_stat_t stat;
    zip_stat_index(archive, entry_index, 0, &stat);
    std::string content(stat.size, '\0');
    zip_file_t* file = zip_fopen_index(archive, entry_index, 0);
    EXPECT_EQ(zip_fread(file, content.data(), content.size()),
              static_cast<zip_int64_t>(content.size()));
    zip_fclose(file);
    entries.push_back({.name = stat.name, .content = std::move(content)});
  }
  zip_discard(archive);
  return entries;
}

std::string BuildZip(const std::vector<ZipEntry>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* target = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = zip_open_from_source(target, ZIP_TRUNCATE, &error);
  EXPECT_NE(archive, nullptr) << zip_error_strerror(&error);
  zip_source_keep(target);
  for (const ZipEntry& entry : entries) {
    zip_source_t* source =
        zip_source_buffer(archive, entry.content.data(), entry.content.size(), /*freep=*/0);
    const zip_int64_t index = zip_file_add(archive, entry.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    EXPECT_GE(index, 0) << zip_strerror(archive);
    zip_set_file_compression(archive, static_cast<zip_uint64_t>(index),
                             entry.stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, /*flags=*/1);
  }
  EXPECT_EQ(zip_close(archive), 0);
  zip_stat_t stat;
  zip_source_stat(target, &stat);
  std::string bytes(stat.size, '\0');
  zip_source_open(target);
  zip_source_read(target, bytes.data(), bytes.size());
  zip_source_close(target);
  zip_source_free(target);
  return bytes;
}

void PatchDeclaredSize(std::string& zip, std::string_view name, std::uint32_t size) {
  int patched = 0;
  for (std::size_t at = 0; at + 46 <= zip.size(); ++at) {
    const std::uint32_t signature = Load32(zip, at);
    // Local header: sizes at 18/22, name length at 26, name at 30. Central header: sizes at
    // 20/24, name length at 28, name at 46.
    const bool local = signature == kLocalHeaderSignature;
    const bool central = signature == kCentralHeaderSignature;
    if (!local && !central) {
      continue;
    }
    const std::size_t name_at = local ? 30 : 46;
    const std::uint16_t name_length = Load16(zip, at + (local ? 26 : 28));
    if (std::string_view(zip).substr(at + name_at, name_length) == name) {
      Store32(zip, at + (local ? 22 : 24), size);
      ++patched;
    }
  }
  EXPECT_EQ(patched, 2) << "entry " << name << " not found in both headers";
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "cairo_test_XXXXXX").string();
  EXPECT_NE(mkdtemp(pattern.data()), nullptr);
  path_ = pattern;
}

TempDir::~TempDir() { std::filesystem::remove_all(path_); }

std::filesystem::path TempDir::Write(std::string_view name, std::string_view bytes) const {
  const std::filesystem::path file = path_ / name;
  std::ofstream out(file, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return file;
}

}  // namespace orch::cairo::test_support
